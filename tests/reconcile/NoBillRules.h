#pragma once

// The rules of a no-bill batch (a day the provider has no bill of, matched as an empty bill)
// that every BatchStore keeps, checked on each: the till's, the one in memory, and the store
// server's on SQLite and on PostgreSQL. Each check starts from a store without batches of
// sampleScope(); a failure fails the calling test.

#include "tests/reconcile/BatchSamples.h"

#include <QTest>

namespace qpos::test {

inline const QString kNoBillOrder = QStringLiteral("S001_T01_20261118_00000007");
inline const QString kNoBillHeld = QStringLiteral("S001_T01_20261120_00000042");

// Saved like a complete batch: the ledger's totals, its items and its pool, but no bill file,
// no hash and no error. The next day's pool is its own; a manager's note outlives a run again.
inline void checkNoBillRunIsSavedWithItsItemsAndPool(reconcile::BatchStore& store,
                                                     const QDate& day) {
    using namespace reconcile;
    QVERIFY(store.saveCompleted(sampleRun(day.addDays(-1), {}, 1000)).ok());
    CompletedRun run =
        sampleNoBillRun(day, {sampleItem(DifferenceClass::LocalOnly, kNoBillOrder)}, 2000);
    run.result.pool.held[0].outTradeNo = kNoBillHeld;
    const Result<qint64> id = store.saveCompleted(run);
    QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));

    const StoredBatch batch = store.batch(*id)->value();
    QCOMPARE(batch.state, BatchState::NoBill);
    QCOMPARE(batch.day, day);
    QVERIFY(batch.totals == run.result.totals);
    QCOMPARE(batch.totals.local.paymentCount, 10);
    QCOMPARE(batch.totals.provider.paymentCount, 0);
    QCOMPARE(batch.totals.held, 1);
    QCOMPARE(batch.itemCount, 1);
    QCOMPARE(batch.openItemCount, 1);
    QCOMPARE(batch.billSha256, QString());
    QCOMPARE(batch.billFile, QString());
    QCOMPARE(batch.error, QString());
    QCOMPARE(batch.attempts, 1);
    const QList<StoredItem> items = *store.items(*id);
    QCOMPARE(items.size(), 1);
    QCOMPARE(items[0].item.kind, DifferenceClass::LocalOnly);
    QCOMPARE(items[0].item.outTradeNo, kNoBillOrder);
    QCOMPARE(items[0].item.localAmountFen, std::optional<money::Fen>(1200));

    // The day after gets the no-bill day's pool, not the one of the complete day before it.
    const Result<HoldingPool> next = store.poolBefore(sampleScope(), day.addDays(1));
    QVERIFY(next.ok());
    QVERIFY(*next == run.result.pool);
    QCOMPARE(next->held[0].outTradeNo, kNoBillHeld);
    QCOMPARE(store.poolBefore(sampleScope(), day)->held[0].outTradeNo,
             QStringLiteral("S001_T01_20261120_00000099"));

    // Run again: the same batch, the manager's note kept.
    QVERIFY(store
                .markHandled(items[0].id, QStringLiteral("M01"),
                             QStringLiteral("Paid in cash in the end"), 3000)
                .ok());
    run.atMs = 4000;
    const Result<qint64> again = store.saveCompleted(run);
    QVERIFY(again.ok());
    QCOMPARE(*again, *id);
    const StoredItem kept = store.items(*id)->at(0);
    QCOMPARE(kept.resolution, ItemResolution::Handled);
    QCOMPARE(kept.note, QStringLiteral("Paid in cash in the end"));
    QCOMPARE(store.batch(*id)->value().attempts, 2);
    QCOMPARE(store.batch(*id)->value().openItemCount, 0);
}

// A no-bill batch outlives a later run that matched nothing (waiting, overdue, failed): its
// items and pool stay. A bill matched later replaces it, and is never replaced by a provider
// that then says there is no bill. saveIncomplete takes no NoBill, saveCompleted no failure.
inline void checkNoBillBatchOutlivesARunThatMatchedNothing(reconcile::BatchStore& store,
                                                           const QDate& day) {
    using namespace reconcile;
    const CompletedRun noBill =
        sampleNoBillRun(day, {sampleItem(DifferenceClass::LocalOnly, kNoBillOrder)}, 1000);
    const Result<qint64> id = store.saveCompleted(noBill);
    QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
    const qint64 itemId = store.items(*id)->at(0).id;
    qint64 at = 2000;
    for (BatchState state : {BatchState::WaitingForBill, BatchState::Overdue, BatchState::Failed}) {
        const Result<qint64> saved =
            store.saveIncomplete(sampleScope(), day, state, QStringLiteral("Download failed"), at);
        QVERIFY(saved.ok());
        QCOMPARE(*saved, *id);
        const StoredBatch batch = store.batch(*id)->value();
        QCOMPARE(batch.state, BatchState::NoBill);
        QCOMPARE(batch.error, QString());
        QCOMPARE(batch.updatedAtMs, at);
        QCOMPARE(batch.itemCount, 1);
        at += 1000;
    }
    QCOMPARE(store.batch(*id)->value().attempts, 4);
    QCOMPARE(store.items(*id)->at(0).id, itemId); // untouched, same ids
    QVERIFY(*store.poolBefore(sampleScope(), day.addDays(1)) == noBill.result.pool);

    // The provider makes a bill after all: matched, it replaces the no-bill batch.
    const CompletedRun complete = sampleRun(day, {}, 6000);
    QCOMPARE(*store.saveCompleted(complete), *id);
    StoredBatch batch = store.batch(*id)->value();
    QCOMPARE(batch.state, BatchState::Complete);
    QCOMPARE(batch.itemCount, 0);
    QCOMPARE(batch.billSha256, complete.billSha256);

    // Then "no bill" again: the matched bill stays, only the attempt is counted.
    CompletedRun late = noBill;
    late.atMs = 7000;
    QCOMPARE(*store.saveCompleted(late), *id);
    batch = store.batch(*id)->value();
    QCOMPARE(batch.state, BatchState::Complete);
    QCOMPARE(batch.attempts, 6);
    QCOMPARE(batch.updatedAtMs, 7000);
    QCOMPARE(batch.itemCount, 0);
    QVERIFY(batch.totals == complete.result.totals);
    QCOMPARE(batch.billSha256, complete.billSha256);
    QCOMPARE(batch.billFile, complete.billFile);
    QVERIFY(*store.poolBefore(sampleScope(), day.addDays(1)) == complete.result.pool);

    // Each save takes only its own kind of run.
    const Result<qint64> asIncomplete =
        store.saveIncomplete(sampleScope(), day.addDays(1), BatchState::NoBill, QString(), 8000);
    QVERIFY(!asIncomplete.ok());
    QCOMPARE(asIncomplete.error().code, QStringLiteral("reconcile.bad_input"));
    CompletedRun failed = sampleRun(day.addDays(1), {}, 8000);
    failed.state = BatchState::Failed;
    const Result<qint64> asMatched = store.saveCompleted(failed);
    QVERIFY(!asMatched.ok());
    QCOMPARE(asMatched.error().code, QStringLiteral("reconcile.bad_input"));
    QCOMPARE(store.batches(day.addDays(1), day.addDays(1))->size(), 0);
}

} // namespace qpos::test
