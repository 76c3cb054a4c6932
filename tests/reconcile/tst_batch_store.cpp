// The till's reconciliation batches (SqliteBatchStore): saving a run and reading it back,
// running a day again (handled notes kept), a complete batch never undone by a later failure,
// the holding pool handed from day to day, a no-bill day's batch (tests/reconcile/NoBillRules.h,
// here and on the memory store), a manager's note, a reopen, and schema 8 upgraded.

#include "core/reconcile/MemoryBatchStore.h"
#include "core/reconcile/SqliteBatchStore.h"
#include "core/storage/OrderSchema.h"
#include "core/storage/OrderStore.h"
#include "tests/reconcile/BatchSamples.h"
#include "tests/reconcile/NoBillRules.h"
#include "tests/support/TempDir.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace qpos;
using namespace qpos::reconcile;

namespace {

const QDate kDay(2026, 11, 20);
const QString kOrder1 = QStringLiteral("S001_T01_20261120_00000001");
const QString kOrder2 = QStringLiteral("S001_T01_20261120_00000002");
const QString kOrder3 = QStringLiteral("S001_T01_20261120_00000003");

#define QVERIFY_OK(expr)                                                                           \
    do {                                                                                           \
        const auto& r_ = (expr);                                                                   \
        QVERIFY2(r_.ok(), qPrintable(r_.ok() ? QString() : r_.error().message));                   \
    } while (false)

// Builds a database file from a frozen SQL script with the sqlite driver directly, the way an
// older qpos left it on a terminal.
void buildFromScript(const QString& path, const QString& scriptPath) {
    QFile script(scriptPath);
    QVERIFY2(script.open(QIODevice::ReadOnly), qPrintable(scriptPath));
    const QString text = QString::fromUtf8(script.readAll());
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("fixture"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QString statement;
        for (const QString& line : text.split(u'\n')) {
            if (line.trimmed().startsWith(QStringLiteral("--")))
                continue;
            statement += line + u'\n';
            if (line.trimmed().endsWith(u';')) {
                QSqlQuery q(db);
                QVERIFY2(q.exec(statement), qPrintable(q.lastError().text() + statement));
                statement.clear();
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("fixture"));
}

StoredItem itemFor(const QList<StoredItem>& items, const QString& outTradeNo) {
    for (const StoredItem& i : items) {
        if (i.item.outTradeNo == outTradeNo)
            return i;
    }
    return {};
}

} // namespace

class TestBatchStore : public QObject {
    Q_OBJECT

    test::TempDir m_dir;
    QString m_path;
    SqliteBatchStore m_store;

    qint64 saveSample(const QDate& day, const QList<DifferenceItem>& items, qint64 atMs) {
        const Result<qint64> id = m_store.saveCompleted(test::sampleRun(day, items, atMs));
        if (!id.ok())
            qWarning() << id.error().message;
        return id.ok() ? *id : -1;
    }

private slots:
    void init() {
        static int n = 0;
        m_path = m_dir.file(QStringLiteral("orders-%1.db").arg(++n));
        QVERIFY_OK(m_store.open(m_path));
    }

    void cleanup() { m_store.close(); }

    void savesACompletedRunAndReadsItBack() {
        const CompletedRun run =
            test::sampleRun(kDay,
                            {test::sampleItem(DifferenceClass::LocalOnly, kOrder1),
                             test::sampleItem(DifferenceClass::Amount, kOrder2)},
                            1795700000000);
        const Result<qint64> id = m_store.saveCompleted(run);
        QVERIFY_OK(id);

        const std::optional<StoredBatch> batch = *m_store.batch(*id);
        QVERIFY(batch.has_value());
        QCOMPARE(batch->id, *id);
        QCOMPARE(batch->provider, Channel::Alipay);
        QCOMPARE(batch->merchantId, QStringLiteral("2088000000000001"));
        QCOMPARE(batch->day, kDay);
        QCOMPARE(batch->state, BatchState::Complete);
        QVERIFY(batch->totals == run.result.totals);
        QCOMPARE(batch->totals.fee.thousandthsOfFen(), -74040);
        QCOMPARE(batch->itemCount, 2);
        QCOMPARE(batch->openItemCount, 2);
        QCOMPARE(batch->billSha256, run.billSha256);
        QCOMPARE(batch->billFile, run.billFile);
        QCOMPARE(batch->error, QString());
        QCOMPARE(batch->attempts, 1);
        QCOMPARE(batch->createdAtMs, 1795700000000);
        QCOMPARE(batch->updatedAtMs, 1795700000000);

        const QList<StoredItem> items = *m_store.items(*id);
        QCOMPARE(items.size(), 2);
        // Kept in the run's order, every field as given.
        QCOMPARE(items[0].item.kind, DifferenceClass::LocalOnly);
        QCOMPARE(items[0].item.outTradeNo, kOrder1);
        QCOMPARE(items[0].item.localAmountFen, std::optional<money::Fen>(1200));
        QCOMPARE(items[0].item.providerAmountFen, std::optional<money::Fen>());
        QCOMPARE(items[1].batchId, *id);
        const DifferenceItem& amount = items[1].item;
        const DifferenceItem& given = run.result.items[1];
        QCOMPARE(amount.kind, given.kind);
        QCOMPARE(amount.provider, Channel::Alipay);
        QCOMPARE(amount.localState, given.localState);
        QCOMPARE(amount.localAmountFen, given.localAmountFen);
        QCOMPARE(amount.providerState, QStringLiteral("交易"));
        QCOMPARE(amount.providerAmountFen, given.providerAmountFen);
        QCOMPARE(amount.providerTradeNo, given.providerTradeNo);
        QCOMPARE(amount.billLine, 7);
        QCOMPARE(amount.detail, given.detail);
        QCOMPARE(items[1].resolution, ItemResolution::Open);
        QVERIFY(items[0].id != items[1].id);

        // The pool is the next day's input, entry for entry.
        const Result<HoldingPool> pool = m_store.poolBefore(test::sampleScope(), kDay.addDays(1));
        QVERIFY_OK(pool);
        QVERIFY(*pool == run.result.pool);
    }

    void janitorVerdictsAreKept() {
        CompletedRun run =
            test::sampleRun(kDay,
                            {test::sampleItem(DifferenceClass::Status, kOrder1),
                             test::sampleItem(DifferenceClass::ProviderOnly, kOrder2)},
                            1795700000000);
        run.resolutions[0] = ItemResolution::Automatic;
        run.evidence[0] = QStringLiteral("alipay.trade.query: TRADE_CLOSED");
        const Result<qint64> id = m_store.saveCompleted(run);
        QVERIFY_OK(id);
        const QList<StoredItem> items = *m_store.items(*id);
        QCOMPARE(items[0].resolution, ItemResolution::Automatic);
        QCOMPARE(items[0].evidence, QStringLiteral("alipay.trade.query: TRADE_CLOSED"));
        QCOMPARE(items[0].resolvedBy, QStringLiteral("janitor"));
        QCOMPARE(items[0].resolvedAtMs, 1795700000000);
        QCOMPARE(items[1].resolution, ItemResolution::Open);
        QCOMPARE(m_store.batch(*id)->value().openItemCount, 1);
    }

    void runningADayAgainReplacesItButKeepsHandledNotes() {
        const qint64 id = saveSample(kDay,
                                     {test::sampleItem(DifferenceClass::LocalOnly, kOrder1),
                                      test::sampleItem(DifferenceClass::Amount, kOrder2),
                                      test::sampleItem(DifferenceClass::ProviderOnly, kOrder3)},
                                     1795700000000);
        QVERIFY(id > 0);
        const QList<StoredItem> first = *m_store.items(id);
        QVERIFY_OK(m_store.markHandled(itemFor(first, kOrder2).id, QStringLiteral("M01"),
                                       QStringLiteral("Refunded 0.50 to the buyer"),
                                       1795700100000));
        QVERIFY_OK(m_store.markHandled(itemFor(first, kOrder3).id, QStringLiteral("M01"),
                                       QStringLiteral("Another shop's trade"), 1795700200000));

        // The run again: order 1 now agrees, order 2 is found again, order 3 is now another
        // class (not the same difference), and a new one appears.
        CompletedRun again =
            test::sampleRun(kDay,
                            {test::sampleItem(DifferenceClass::Amount, kOrder2),
                             test::sampleItem(DifferenceClass::Status, kOrder3),
                             test::sampleItem(DifferenceClass::LocalOnly,
                                              QStringLiteral("S001_T01_20261120_00000004"))},
                            1795800000000);
        again.result.totals.matched = 11;
        again.result.pool = {};
        const Result<qint64> sameId = m_store.saveCompleted(again);
        QVERIFY_OK(sameId);
        QCOMPARE(*sameId, id);

        const StoredBatch batch = *m_store.batch(id).value();
        QCOMPARE(batch.totals.matched, 11);
        QCOMPARE(batch.attempts, 2);
        QCOMPARE(batch.createdAtMs, 1795700000000);
        QCOMPARE(batch.updatedAtMs, 1795800000000);
        QCOMPARE(batch.itemCount, 3);
        QCOMPARE(batch.openItemCount, 2);

        const QList<StoredItem> items = *m_store.items(id);
        QCOMPARE(items.size(), 3);
        QCOMPARE(itemFor(items, kOrder1).id, 0); // gone
        const StoredItem kept = itemFor(items, kOrder2);
        QCOMPARE(kept.resolution, ItemResolution::Handled);
        QCOMPARE(kept.note, QStringLiteral("Refunded 0.50 to the buyer"));
        QCOMPARE(kept.resolvedBy, QStringLiteral("M01"));
        QCOMPARE(kept.resolvedAtMs, 1795700100000);
        QCOMPARE(itemFor(items, kOrder3).resolution, ItemResolution::Open);
        QCOMPARE(itemFor(items, kOrder3).item.kind, DifferenceClass::Status);
        QVERIFY(m_store.poolBefore(test::sampleScope(), kDay.addDays(1))->held.isEmpty());
    }

    void aRepeatedDuplicateKeepsOneNotePerItem() {
        const DifferenceItem dup = test::sampleItem(DifferenceClass::Duplicate, kOrder1);
        const qint64 id = saveSample(kDay, {dup, dup}, 1795700000000);
        const QList<StoredItem> first = *m_store.items(id);
        QCOMPARE(first.size(), 2);
        QVERIFY_OK(m_store.markHandled(first[0].id, QStringLiteral("M01"),
                                       QStringLiteral("Asked Alipay"), 1795700100000));
        QVERIFY(m_store.saveCompleted(test::sampleRun(kDay, {dup, dup}, 1795800000000)).ok());
        const QList<StoredItem> items = *m_store.items(id);
        QCOMPARE(items.size(), 2);
        QCOMPARE(items[0].resolution, ItemResolution::Handled);
        QCOMPARE(items[1].resolution, ItemResolution::Open);
    }

    void aCompleteBatchIsNeverUndoneByALaterFailure() {
        const qint64 id =
            saveSample(kDay, {test::sampleItem(DifferenceClass::LocalOnly, kOrder1)}, 1000);
        const QList<StoredItem> before = *m_store.items(id);
        qint64 at = 2000;
        for (BatchState state : {BatchState::WaitingForBill, BatchState::Overdue,
                                 BatchState::Failed, BatchState::NoBill}) {
            // A provider that now says it has no bill of the day gives a matched run too.
            const Result<qint64> saved =
                state == BatchState::NoBill
                    ? m_store.saveCompleted(test::sampleNoBillRun(kDay, {}, at))
                    : m_store.saveIncomplete(test::sampleScope(), kDay, state,
                                             QStringLiteral("Download failed"), at);
            QVERIFY_OK(saved);
            QCOMPARE(*saved, id);
            const StoredBatch batch = *m_store.batch(id).value();
            QCOMPARE(batch.state, BatchState::Complete);
            QCOMPARE(batch.error, QString());
            QCOMPARE(batch.updatedAtMs, at);
            at += 1000;
        }
        const StoredBatch batch = *m_store.batch(id).value();
        QCOMPARE(batch.attempts, 5);
        QCOMPARE(batch.itemCount, 1);
        QCOMPARE(batch.totals.matched, 10);
        QCOMPARE(m_store.items(id)->at(0).id, before[0].id); // untouched, same ids
        QCOMPARE(m_store.poolBefore(test::sampleScope(), kDay.addDays(1))->held.size(), 1);
    }

    void anIncompleteBatchMovesOnUntilTheBillIsMatched() {
        const Result<qint64> waiting =
            m_store.saveIncomplete(test::sampleScope(), kDay, BatchState::WaitingForBill,
                                   QStringLiteral("Not ready yet"), 1000);
        QVERIFY_OK(waiting);
        StoredBatch batch = *m_store.batch(*waiting).value();
        QCOMPARE(batch.state, BatchState::WaitingForBill);
        QCOMPARE(batch.error, QStringLiteral("Not ready yet"));
        QCOMPARE(batch.attempts, 1);
        QCOMPARE(batch.createdAtMs, 1000);
        QCOMPARE(batch.itemCount, 0);

        const Result<qint64> overdue =
            m_store.saveIncomplete(test::sampleScope(), kDay, BatchState::Overdue,
                                   QStringLiteral("Call the provider"), 2000);
        QCOMPARE(*overdue, *waiting);
        batch = *m_store.batch(*waiting).value();
        QCOMPARE(batch.state, BatchState::Overdue);
        QCOMPARE(batch.error, QStringLiteral("Call the provider"));
        QCOMPARE(batch.attempts, 2);
        QCOMPARE(batch.createdAtMs, 1000);
        QCOMPARE(batch.updatedAtMs, 2000);

        const qint64 complete =
            saveSample(kDay, {test::sampleItem(DifferenceClass::LocalOnly, kOrder1)}, 3000);
        QCOMPARE(complete, *waiting);
        batch = *m_store.batch(complete).value();
        QCOMPARE(batch.state, BatchState::Complete);
        QCOMPARE(batch.error, QString()); // the failure's sentence is gone with it
        QCOMPARE(batch.attempts, 3);
        QCOMPARE(batch.itemCount, 1);
        // One batch per provider, merchant and day.
        QCOMPARE(m_store.batches(kDay, kDay)->size(), 1);
    }

    // The same rules on the till's store and the memory store.
    void aNoBillRunIsSavedWithItsItemsAndPool() {
        test::checkNoBillRunIsSavedWithItsItemsAndPool(m_store, kDay);
        if (QTest::currentTestFailed())
            return;
        MemoryBatchStore memory;
        test::checkNoBillRunIsSavedWithItsItemsAndPool(memory, kDay);
    }

    void aNoBillBatchOutlivesARunThatMatchedNothing() {
        test::checkNoBillBatchOutlivesARunThatMatchedNothing(m_store, kDay);
        if (QTest::currentTestFailed())
            return;
        MemoryBatchStore memory;
        test::checkNoBillBatchOutlivesARunThatMatchedNothing(memory, kDay);
    }

    void poolBeforeTakesTheLatestUsableBatchOfTheSameAccount() {
        QVERIFY(m_store.poolBefore(test::sampleScope(), kDay)->held.isEmpty()); // none yet
        saveSample(kDay, {}, 1000);
        const QDate next = kDay.addDays(1);
        // A failed and a waiting day leave no pool: the run after them still gets kDay's.
        QVERIFY_OK(m_store.saveIncomplete(test::sampleScope(), next, BatchState::Failed,
                                          QStringLiteral("Damaged"), 2000));
        QVERIFY_OK(m_store.saveIncomplete(test::sampleScope(), next.addDays(1),
                                          BatchState::WaitingForBill, {}, 2000));
        const HoldingPool pool = *m_store.poolBefore(test::sampleScope(), next.addDays(2));
        QCOMPARE(pool.held.size(), 1);
        QCOMPARE(pool.held[0].firstDay, kDay);
        // Not the day itself, nor a later one.
        QVERIFY(m_store.poolBefore(test::sampleScope(), kDay)->held.isEmpty());
        // Not another provider's or another merchant's.
        QVERIFY(m_store.poolBefore(test::sampleScope(Channel::WeChat), next)->held.isEmpty());
        LedgerScope otherMerchant = test::sampleScope();
        otherMerchant.merchantId = QStringLiteral("2088000000000002");
        QVERIFY(m_store.poolBefore(otherMerchant, next)->held.isEmpty());
        // A later complete day's pool wins over an earlier one.
        CompletedRun later = test::sampleRun(next.addDays(2), {}, 3000);
        later.result.pool.held[0].outTradeNo = kOrder3;
        QVERIFY_OK(m_store.saveCompleted(later));
        QCOMPARE(m_store.poolBefore(test::sampleScope(), next.addDays(3))->held[0].outTradeNo,
                 kOrder3);
    }

    void listsBatchesNewestDayFirst() {
        saveSample(kDay, {}, 1000);
        saveSample(kDay.addDays(1), {}, 1000);
        QVERIFY(m_store.saveCompleted(test::sampleRun(kDay, {}, 1000, Channel::WeChat)).ok());
        QVERIFY_OK(m_store.saveIncomplete(test::sampleScope(), kDay.addDays(5), BatchState::Overdue,
                                          {}, 1000));
        const QList<StoredBatch> found = *m_store.batches(kDay, kDay.addDays(1));
        QCOMPARE(found.size(), 3);
        QCOMPARE(found[0].day, kDay.addDays(1));
        QCOMPARE(found[1].day, kDay);
        QCOMPARE(found[1].provider, Channel::Alipay);
        QCOMPARE(found[2].provider, Channel::WeChat);
        QCOMPARE(m_store.batches(kDay.addDays(2), kDay.addDays(4))->size(), 0);
        QVERIFY(!m_store.batch(99999)->has_value());
        QVERIFY(m_store.items(99999)->isEmpty());
        const Result<QList<StoredBatch>> bad = m_store.batches(QDate(), kDay);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, QStringLiteral("reconcile.bad_input"));
    }

    void aManagerMarksAnItemHandledOnce() {
        CompletedRun run = test::sampleRun(kDay,
                                           {test::sampleItem(DifferenceClass::LocalOnly, kOrder1),
                                            test::sampleItem(DifferenceClass::Status, kOrder2)},
                                           1000);
        run.resolutions[1] = ItemResolution::Automatic;
        const qint64 id = *m_store.saveCompleted(run);
        const QList<StoredItem> items = *m_store.items(id);
        const qint64 open = items[0].id;

        for (const QString& empty : {QString(), QStringLiteral("  \n ")}) {
            const Status s = m_store.markHandled(open, QStringLiteral("M01"), empty, 2000);
            QVERIFY(!s.ok());
            QCOMPARE(s.error().code, QStringLiteral("reconcile.note_required"));
            QVERIFY(s.error().message.contains(QStringLiteral("note")));
        }
        const Status tooLong =
            m_store.markHandled(open, QStringLiteral("M01"), QString(501, u'x'), 2000);
        QCOMPARE(tooLong.error().code, QStringLiteral("reconcile.note_too_long"));
        QCOMPARE(m_store.markHandled(open, QString(), QStringLiteral("n"), 2000).error().code,
                 QStringLiteral("reconcile.staff_required"));
        QCOMPARE(m_store.items(id)->at(0).resolution, ItemResolution::Open); // nothing changed

        const Status unknown =
            m_store.markHandled(open + 1000, QStringLiteral("M01"), QStringLiteral("n"), 2000);
        QCOMPARE(unknown.error().code, QStringLiteral("reconcile.no_such_item"));

        QVERIFY_OK(m_store.markHandled(open, QStringLiteral("M01"),
                                       QStringLiteral(" Buyer refunded in cash "), 2000));
        const StoredItem handled = m_store.items(id)->at(0);
        QCOMPARE(handled.resolution, ItemResolution::Handled);
        QCOMPARE(handled.note, QStringLiteral("Buyer refunded in cash"));
        QCOMPARE(handled.resolvedBy, QStringLiteral("M01"));
        QCOMPARE(handled.resolvedAtMs, 2000);
        QCOMPARE(m_store.batch(id)->value().openItemCount, 0);

        // Neither a handled item nor one the provider's answer settled is marked again.
        for (qint64 resolved : {open, items[1].id}) {
            const Status again =
                m_store.markHandled(resolved, QStringLiteral("M02"), QStringLiteral("again"), 3000);
            QVERIFY(!again.ok());
            QCOMPARE(again.error().code, QStringLiteral("reconcile.already_resolved"));
        }
        QCOMPARE(m_store.items(id)->at(0).resolvedBy, QStringLiteral("M01"));
        QCOMPARE(m_store.items(id)->at(1).resolvedBy, QStringLiteral("janitor"));
    }

    // The same rules on the till's store and the memory store: a later answer settles an open
    // item once, with its evidence; never a handled one, never one that does not exist.
    void theJanitorResolvesAnOpenItemLater() {
        MemoryBatchStore memory;
        for (BatchStore* store :
             {static_cast<BatchStore*>(&m_store), static_cast<BatchStore*>(&memory)}) {
            const qint64 id = *store->saveCompleted(
                test::sampleRun(kDay,
                                {test::sampleItem(DifferenceClass::ProviderOnly, kOrder1),
                                 test::sampleItem(DifferenceClass::Status, kOrder2)},
                                1000));
            const QList<StoredItem> items = *store->items(id);
            QCOMPARE(store->batch(id)->value().openItemCount, 2);

            const QString evidence =
                QStringLiteral("alipay.trade.query: TRADE_SUCCESS 12.00; till S001/T07 settled: "
                               "order paid (its provider: TRADE_SUCCESS)");
            QVERIFY_OK(store->resolveAutomatically(items[0].id, evidence, 2000));
            const StoredItem resolved = store->items(id)->at(0);
            QCOMPARE(resolved.resolution, ItemResolution::Automatic);
            QCOMPARE(resolved.evidence, evidence);
            QCOMPARE(resolved.resolvedBy, QStringLiteral("janitor"));
            QCOMPARE(resolved.resolvedAtMs, 2000);
            QCOMPARE(store->batch(id)->value().openItemCount, 1);

            // Once only; a manager's item stays the manager's; an unknown item is named.
            QCOMPARE(
                store->resolveAutomatically(items[0].id, QStringLiteral("x"), 3000).error().code,
                QStringLiteral("reconcile.already_resolved"));
            QVERIFY_OK(store->markHandled(items[1].id, QStringLiteral("M01"),
                                          QStringLiteral("called Alipay"), 3000));
            const Status handled =
                store->resolveAutomatically(items[1].id, QStringLiteral("x"), 4000);
            QCOMPARE(handled.error().code, QStringLiteral("reconcile.already_resolved"));
            QVERIFY(handled.error().message.contains(QString::number(items[1].id)));
            QCOMPARE(store->items(id)->at(1).resolvedBy, QStringLiteral("M01"));
            QCOMPARE(store->items(id)->at(0).evidence, evidence);
            QCOMPARE(store->resolveAutomatically(items[1].id + 1000, QStringLiteral("x"), 4000)
                         .error()
                         .code,
                     QStringLiteral("reconcile.no_such_item"));
        }
    }

    void refusesARunItCannotStoreAndSavesNothing() {
        CompletedRun mismatched =
            test::sampleRun(kDay, {test::sampleItem(DifferenceClass::LocalOnly, kOrder1)}, 1000);
        mismatched.resolutions.clear();
        Result<qint64> r = m_store.saveCompleted(mismatched);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("reconcile.bad_input"));

        CompletedRun byHand =
            test::sampleRun(kDay, {test::sampleItem(DifferenceClass::LocalOnly, kOrder1)}, 1000);
        byHand.resolutions[0] = ItemResolution::Handled;
        QVERIFY(!m_store.saveCompleted(byHand).ok());

        CompletedRun cash = test::sampleRun(kDay, {}, 1000, Channel::Cash);
        r = m_store.saveCompleted(cash);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("nothing was saved")));

        QVERIFY(
            !m_store.saveIncomplete(test::sampleScope(), QDate(), BatchState::Failed, {}, 1).ok());
        QVERIFY(
            !m_store.saveIncomplete(test::sampleScope(), kDay, BatchState::Complete, {}, 1).ok());
        QCOMPARE(m_store.batches(kDay.addDays(-30), kDay.addDays(30))->size(), 0);
    }

    void aClosedStoreSaysSo() {
        m_store.close();
        const Result<QList<StoredBatch>> r = m_store.batches(kDay, kDay);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("reconcile.store_closed"));
    }

    void keepsEverythingAcrossAReopen() {
        const qint64 id =
            saveSample(kDay, {test::sampleItem(DifferenceClass::Amount, kOrder2)}, 1000);
        QVERIFY_OK(m_store.markHandled(m_store.items(id)->at(0).id, QStringLiteral("M01"),
                                       QStringLiteral("Checked"), 2000));
        m_store.close();

        SqliteBatchStore reopened;
        QVERIFY_OK(reopened.open(m_path));
        const StoredBatch batch = *reopened.batch(id).value();
        QCOMPARE(batch.totals.fee.thousandthsOfFen(), -74040);
        QCOMPARE(batch.openItemCount, 0);
        QCOMPARE(reopened.items(id)->at(0).note, QStringLiteral("Checked"));
        QCOMPARE(reopened.poolBefore(test::sampleScope(), kDay.addDays(1))->billedAhead.size(), 1);
    }

    void upgradesASchema8DatabaseAndKeepsItsOrders() {
        m_store.close();
        const QString path = m_dir.file(QStringLiteral("v8.db"));
        buildFromScript(path, QStringLiteral(QPOS_TEST_DATA_DIR "/orders_schema_v8.sql"));

        SqliteBatchStore store;
        QVERIFY_OK(store.open(path));
        QVERIFY(store.saveCompleted(test::sampleRun(kDay, {}, 1000)).ok());
        store.close();

        OrderStore orders(OrderStoreOptions{QStringLiteral("S001"), QStringLiteral("T01"), [] {
                                                return qint64(1795460000000);
                                            }});
        QVERIFY_OK(orders.open(path));
        QCOMPARE(*order_schema::version(orders.database()), 9);
        QVERIFY(orders.orderWithEvents(QStringLiteral("S001_T01_20261123_00000001")).ok());
        QSqlQuery q(orders.database().handle());
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM reconcile_batches")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 1);
    }
};

QTEST_GUILESS_MAIN(TestBatchStore)
#include "tst_batch_store.moc"
