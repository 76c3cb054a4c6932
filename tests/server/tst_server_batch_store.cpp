// The store server's reconciliation batches (server/reconcile/ServerBatchStore) on SQLite and
// PostgreSQL: the same rules as the till's store (tests/reconcile/tst_batch_store), proven on
// both databases: a run saved and read back, a day run again (handled notes kept), a complete
// batch never undone by a later failure, the holding pool handed from day to day, a no-bill
// day's batch (tests/reconcile/NoBillRules.h), a manager's note once, everything kept across a
// restart, and two instances saving one day at once; the Janitor's settle requests
// (server/reconcile/SettleRequests): queued once per trade, answered only by their own terminal,
// and an answer that shows the till's ledger agreeing resolves the trade's open items with the
// evidence.
#include "server/reconcile/ServerBatchStore.h"
#include "server/reconcile/SettleRequests.h"
#include "server/storage/ServerStore.h"
#include "tests/reconcile/BatchSamples.h"
#include "tests/reconcile/NoBillRules.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace qpos;
using namespace qpos::reconcile;
using namespace qpos::server;
using namespace qpos::test;

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

StoredItem itemFor(const QList<StoredItem>& items, const QString& outTradeNo) {
    for (const StoredItem& i : items) {
        if (i.item.outTradeNo == outTradeNo)
            return i;
    }
    return {};
}

} // namespace

class TestServerBatchStore : public QObject {
    Q_OBJECT

    TempDir m_dir;
    StoreUnderTest m_backend{m_dir};
    std::unique_ptr<ServerStore> m_store;
    std::unique_ptr<ServerBatchStore> m_batches;

    qint64 saveSample(const QDate& day, const QList<DifferenceItem>& items, qint64 atMs) {
        const Result<qint64> id = m_batches->saveCompleted(sampleRun(day, items, atMs));
        if (!id.ok())
            qWarning() << id.error().message;
        return id.ok() ? *id : -1;
    }

private slots:
    void initTestCase() {
        QPOS_PREPARE_STORE(m_backend);
        qInfo().noquote() << "server store:" << m_backend.name();
        m_store = m_backend.makeStore();
        QVERIFY_OK(m_store->open());
        m_batches = std::make_unique<ServerBatchStore>(*m_store);
    }

    // Each test starts with no batches.
    void init() {
        QSqlQuery q(StoreUnderTest::sql(*m_store));
        for (const char* table :
             {"settle_requests", "reconcile_pool", "reconcile_items", "reconcile_batches"})
            QVERIFY2(q.exec(QStringLiteral("DELETE FROM %1").arg(QLatin1String(table))),
                     qPrintable(q.lastError().text()));
    }

    void savesACompletedRunAndReadsItBack() {
        const CompletedRun run = sampleRun(kDay,
                                           {sampleItem(DifferenceClass::LocalOnly, kOrder1),
                                            sampleItem(DifferenceClass::Amount, kOrder2)},
                                           1795700000000);
        const Result<qint64> id = m_batches->saveCompleted(run);
        QVERIFY_OK(id);

        const std::optional<StoredBatch> batch = *m_batches->batch(*id);
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

        const QList<StoredItem> items = *m_batches->items(*id);
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
        const Result<HoldingPool> pool = m_batches->poolBefore(sampleScope(), kDay.addDays(1));
        QVERIFY_OK(pool);
        QVERIFY(*pool == run.result.pool);
    }

    void janitorVerdictsAreKept() {
        CompletedRun run = sampleRun(kDay,
                                     {sampleItem(DifferenceClass::Status, kOrder1),
                                      sampleItem(DifferenceClass::ProviderOnly, kOrder2)},
                                     1795700000000);
        run.resolutions[0] = ItemResolution::Automatic;
        run.evidence[0] = QStringLiteral("alipay.trade.query: TRADE_CLOSED");
        const Result<qint64> id = m_batches->saveCompleted(run);
        QVERIFY_OK(id);
        const QList<StoredItem> items = *m_batches->items(*id);
        QCOMPARE(items[0].resolution, ItemResolution::Automatic);
        QCOMPARE(items[0].evidence, QStringLiteral("alipay.trade.query: TRADE_CLOSED"));
        QCOMPARE(items[0].resolvedBy, QStringLiteral("janitor"));
        QCOMPARE(items[0].resolvedAtMs, 1795700000000);
        QCOMPARE(items[1].resolution, ItemResolution::Open);
        QCOMPARE(m_batches->batch(*id)->value().openItemCount, 1);
    }

    void runningADayAgainReplacesItButKeepsHandledNotes() {
        const qint64 id = saveSample(kDay,
                                     {sampleItem(DifferenceClass::LocalOnly, kOrder1),
                                      sampleItem(DifferenceClass::Amount, kOrder2),
                                      sampleItem(DifferenceClass::ProviderOnly, kOrder3)},
                                     1795700000000);
        QVERIFY(id > 0);
        const QList<StoredItem> first = *m_batches->items(id);
        QVERIFY_OK(m_batches->markHandled(itemFor(first, kOrder2).id, QStringLiteral("M01"),
                                          QStringLiteral("Refunded 0.50 to the buyer"),
                                          1795700100000));
        QVERIFY_OK(m_batches->markHandled(itemFor(first, kOrder3).id, QStringLiteral("M01"),
                                          QStringLiteral("Another shop's trade"), 1795700200000));

        // The run again: order 1 now agrees, order 2 is found again, order 3 is now another
        // class (not the same difference), and a new one appears.
        CompletedRun again = sampleRun(
            kDay,
            {sampleItem(DifferenceClass::Amount, kOrder2),
             sampleItem(DifferenceClass::Status, kOrder3),
             sampleItem(DifferenceClass::LocalOnly, QStringLiteral("S001_T01_20261120_00000004"))},
            1795800000000);
        again.result.totals.matched = 11;
        again.result.pool = {};
        const Result<qint64> sameId = m_batches->saveCompleted(again);
        QVERIFY_OK(sameId);
        QCOMPARE(*sameId, id);

        const StoredBatch batch = *m_batches->batch(id).value();
        QCOMPARE(batch.totals.matched, 11);
        QCOMPARE(batch.attempts, 2);
        QCOMPARE(batch.createdAtMs, 1795700000000);
        QCOMPARE(batch.updatedAtMs, 1795800000000);
        QCOMPARE(batch.itemCount, 3);
        QCOMPARE(batch.openItemCount, 2);

        const QList<StoredItem> items = *m_batches->items(id);
        QCOMPARE(items.size(), 3);
        QCOMPARE(itemFor(items, kOrder1).id, 0); // gone
        const StoredItem kept = itemFor(items, kOrder2);
        QCOMPARE(kept.resolution, ItemResolution::Handled);
        QCOMPARE(kept.note, QStringLiteral("Refunded 0.50 to the buyer"));
        QCOMPARE(kept.resolvedBy, QStringLiteral("M01"));
        QCOMPARE(kept.resolvedAtMs, 1795700100000);
        QCOMPARE(itemFor(items, kOrder3).resolution, ItemResolution::Open);
        QCOMPARE(itemFor(items, kOrder3).item.kind, DifferenceClass::Status);
        QVERIFY(m_batches->poolBefore(sampleScope(), kDay.addDays(1))->held.isEmpty());
    }

    void aRepeatedDuplicateKeepsOneNotePerItem() {
        const DifferenceItem dup = sampleItem(DifferenceClass::Duplicate, kOrder1);
        const qint64 id = saveSample(kDay, {dup, dup}, 1795700000000);
        const QList<StoredItem> first = *m_batches->items(id);
        QCOMPARE(first.size(), 2);
        QVERIFY_OK(m_batches->markHandled(first[0].id, QStringLiteral("M01"),
                                          QStringLiteral("Asked Alipay"), 1795700100000));
        QVERIFY(m_batches->saveCompleted(sampleRun(kDay, {dup, dup}, 1795800000000)).ok());
        const QList<StoredItem> items = *m_batches->items(id);
        QCOMPARE(items.size(), 2);
        QCOMPARE(items[0].resolution, ItemResolution::Handled);
        QCOMPARE(items[1].resolution, ItemResolution::Open);
    }

    void aCompleteBatchIsNeverUndoneByALaterFailure() {
        const qint64 id = saveSample(kDay, {sampleItem(DifferenceClass::LocalOnly, kOrder1)}, 1000);
        const QList<StoredItem> before = *m_batches->items(id);
        qint64 at = 2000;
        for (BatchState state : {BatchState::WaitingForBill, BatchState::Overdue,
                                 BatchState::Failed, BatchState::NoBill}) {
            // A provider that now says it has no bill of the day gives a matched run too.
            const Result<qint64> saved =
                state == BatchState::NoBill
                    ? m_batches->saveCompleted(sampleNoBillRun(kDay, {}, at))
                    : m_batches->saveIncomplete(sampleScope(), kDay, state,
                                                QStringLiteral("Download failed"), at);
            QVERIFY_OK(saved);
            QCOMPARE(*saved, id);
            const StoredBatch batch = *m_batches->batch(id).value();
            QCOMPARE(batch.state, BatchState::Complete);
            QCOMPARE(batch.error, QString());
            QCOMPARE(batch.updatedAtMs, at);
            at += 1000;
        }
        const StoredBatch batch = *m_batches->batch(id).value();
        QCOMPARE(batch.attempts, 5);
        QCOMPARE(batch.itemCount, 1);
        QCOMPARE(batch.totals.matched, 10);
        QCOMPARE(m_batches->items(id)->at(0).id, before[0].id); // untouched, same ids
        QCOMPARE(m_batches->poolBefore(sampleScope(), kDay.addDays(1))->held.size(), 1);
    }

    void anIncompleteBatchMovesOnUntilTheBillIsMatched() {
        const Result<qint64> waiting = m_batches->saveIncomplete(
            sampleScope(), kDay, BatchState::WaitingForBill, QStringLiteral("Not ready yet"), 1000);
        QVERIFY_OK(waiting);
        StoredBatch batch = *m_batches->batch(*waiting).value();
        QCOMPARE(batch.state, BatchState::WaitingForBill);
        QCOMPARE(batch.error, QStringLiteral("Not ready yet"));
        QCOMPARE(batch.attempts, 1);
        QCOMPARE(batch.createdAtMs, 1000);
        QCOMPARE(batch.itemCount, 0);

        const Result<qint64> overdue = m_batches->saveIncomplete(
            sampleScope(), kDay, BatchState::Overdue, QStringLiteral("Call the provider"), 2000);
        QCOMPARE(*overdue, *waiting);
        batch = *m_batches->batch(*waiting).value();
        QCOMPARE(batch.state, BatchState::Overdue);
        QCOMPARE(batch.error, QStringLiteral("Call the provider"));
        QCOMPARE(batch.attempts, 2);
        QCOMPARE(batch.createdAtMs, 1000);
        QCOMPARE(batch.updatedAtMs, 2000);

        const qint64 complete =
            saveSample(kDay, {sampleItem(DifferenceClass::LocalOnly, kOrder1)}, 3000);
        QCOMPARE(complete, *waiting);
        batch = *m_batches->batch(complete).value();
        QCOMPARE(batch.state, BatchState::Complete);
        QCOMPARE(batch.error, QString()); // the failure's sentence is gone with it
        QCOMPARE(batch.attempts, 3);
        QCOMPARE(batch.itemCount, 1);
        // One batch per provider, merchant and day.
        QCOMPARE(m_batches->batches(kDay, kDay)->size(), 1);
    }

    void aNoBillRunIsSavedWithItsItemsAndPool() {
        checkNoBillRunIsSavedWithItsItemsAndPool(*m_batches, kDay);
    }

    void aNoBillBatchOutlivesARunThatMatchedNothing() {
        checkNoBillBatchOutlivesARunThatMatchedNothing(*m_batches, kDay);
    }

    void poolBeforeTakesTheLatestUsableBatchOfTheSameAccount() {
        QVERIFY(m_batches->poolBefore(sampleScope(), kDay)->held.isEmpty()); // none yet
        saveSample(kDay, {}, 1000);
        const QDate next = kDay.addDays(1);
        // A failed and a waiting day leave no pool: the run after them still gets kDay's.
        QVERIFY_OK(m_batches->saveIncomplete(sampleScope(), next, BatchState::Failed,
                                             QStringLiteral("Damaged"), 2000));
        QVERIFY_OK(m_batches->saveIncomplete(sampleScope(), next.addDays(1),
                                             BatchState::WaitingForBill, {}, 2000));
        const HoldingPool pool = *m_batches->poolBefore(sampleScope(), next.addDays(2));
        QCOMPARE(pool.held.size(), 1);
        QCOMPARE(pool.held[0].firstDay, kDay);
        // Not the day itself, nor a later one.
        QVERIFY(m_batches->poolBefore(sampleScope(), kDay)->held.isEmpty());
        // Not another provider's or another merchant's.
        QVERIFY(m_batches->poolBefore(sampleScope(Channel::WeChat), next)->held.isEmpty());
        LedgerScope otherMerchant = sampleScope();
        otherMerchant.merchantId = QStringLiteral("2088000000000002");
        QVERIFY(m_batches->poolBefore(otherMerchant, next)->held.isEmpty());
        // A later complete day's pool wins over an earlier one.
        CompletedRun later = sampleRun(next.addDays(2), {}, 3000);
        later.result.pool.held[0].outTradeNo = kOrder3;
        QVERIFY_OK(m_batches->saveCompleted(later));
        QCOMPARE(m_batches->poolBefore(sampleScope(), next.addDays(3))->held[0].outTradeNo,
                 kOrder3);
    }

    void listsBatchesNewestDayFirst() {
        saveSample(kDay, {}, 1000);
        saveSample(kDay.addDays(1), {}, 1000);
        QVERIFY(m_batches->saveCompleted(sampleRun(kDay, {}, 1000, Channel::WeChat)).ok());
        QVERIFY_OK(m_batches->saveIncomplete(sampleScope(), kDay.addDays(5), BatchState::Overdue,
                                             {}, 1000));
        const QList<StoredBatch> found = *m_batches->batches(kDay, kDay.addDays(1));
        QCOMPARE(found.size(), 3);
        QCOMPARE(found[0].day, kDay.addDays(1));
        QCOMPARE(found[1].day, kDay);
        QCOMPARE(found[1].provider, Channel::Alipay);
        QCOMPARE(found[2].provider, Channel::WeChat);
        QCOMPARE(m_batches->batches(kDay.addDays(2), kDay.addDays(4))->size(), 0);
        QVERIFY(!m_batches->batch(99999)->has_value());
        QVERIFY(m_batches->items(99999)->isEmpty());
        const Result<QList<StoredBatch>> bad = m_batches->batches(QDate(), kDay);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, QStringLiteral("reconcile.bad_input"));
    }

    void aManagerMarksAnItemHandledOnce() {
        CompletedRun run = sampleRun(kDay,
                                     {sampleItem(DifferenceClass::LocalOnly, kOrder1),
                                      sampleItem(DifferenceClass::Status, kOrder2)},
                                     1000);
        run.resolutions[1] = ItemResolution::Automatic;
        const qint64 id = *m_batches->saveCompleted(run);
        const QList<StoredItem> items = *m_batches->items(id);
        const qint64 open = items[0].id;

        for (const QString& empty : {QString(), QStringLiteral("  \n ")}) {
            const Status s = m_batches->markHandled(open, QStringLiteral("M01"), empty, 2000);
            QVERIFY(!s.ok());
            QCOMPARE(s.error().code, QStringLiteral("reconcile.note_required"));
            QVERIFY(s.error().message.contains(QStringLiteral("note")));
        }
        const Status tooLong =
            m_batches->markHandled(open, QStringLiteral("M01"), QString(501, u'x'), 2000);
        QCOMPARE(tooLong.error().code, QStringLiteral("reconcile.note_too_long"));
        QCOMPARE(m_batches->markHandled(open, QString(), QStringLiteral("n"), 2000).error().code,
                 QStringLiteral("reconcile.staff_required"));
        QCOMPARE(m_batches->items(id)->at(0).resolution, ItemResolution::Open); // nothing changed

        const Status unknown =
            m_batches->markHandled(open + 1000, QStringLiteral("M01"), QStringLiteral("n"), 2000);
        QCOMPARE(unknown.error().code, QStringLiteral("reconcile.no_such_item"));

        QVERIFY_OK(m_batches->markHandled(open, QStringLiteral("M01"),
                                          QStringLiteral(" Buyer refunded in cash "), 2000));
        const StoredItem handled = m_batches->items(id)->at(0);
        QCOMPARE(handled.resolution, ItemResolution::Handled);
        QCOMPARE(handled.note, QStringLiteral("Buyer refunded in cash"));
        QCOMPARE(handled.resolvedBy, QStringLiteral("M01"));
        QCOMPARE(handled.resolvedAtMs, 2000);
        QCOMPARE(m_batches->batch(id)->value().openItemCount, 0);

        // Neither a handled item nor one the provider's answer settled is marked again.
        for (qint64 resolved : {open, items[1].id}) {
            const Status again = m_batches->markHandled(resolved, QStringLiteral("M02"),
                                                        QStringLiteral("again"), 3000);
            QVERIFY(!again.ok());
            QCOMPARE(again.error().code, QStringLiteral("reconcile.already_resolved"));
        }
        QCOMPARE(m_batches->items(id)->at(0).resolvedBy, QStringLiteral("M01"));
        QCOMPARE(m_batches->items(id)->at(1).resolvedBy, QStringLiteral("janitor"));
    }

    void theJanitorResolvesAnOpenItemLater() {
        const qint64 id = saveSample(kDay,
                                     {sampleItem(DifferenceClass::ProviderOnly, kOrder1),
                                      sampleItem(DifferenceClass::Status, kOrder2)},
                                     1000);
        const QList<StoredItem> items = *m_batches->items(id);
        const QString evidence = QStringLiteral("alipay.trade.query: TRADE_SUCCESS 12.00");
        QVERIFY_OK(m_batches->resolveAutomatically(items[0].id, evidence, 2000));
        const StoredItem resolved = m_batches->item(items[0].id)->value();
        QCOMPARE(resolved.resolution, ItemResolution::Automatic);
        QCOMPARE(resolved.evidence, evidence);
        QCOMPARE(resolved.resolvedBy, QStringLiteral("janitor"));
        QCOMPARE(resolved.resolvedAtMs, 2000);
        QCOMPARE(m_batches->batch(id)->value().openItemCount, 1);
        QCOMPARE(
            m_batches->resolveAutomatically(items[0].id, QStringLiteral("x"), 3000).error().code,
            QStringLiteral("reconcile.already_resolved"));
        QVERIFY_OK(m_batches->markHandled(items[1].id, QStringLiteral("M01"),
                                          QStringLiteral("called Alipay"), 3000));
        QCOMPARE(
            m_batches->resolveAutomatically(items[1].id, QStringLiteral("x"), 4000).error().code,
            QStringLiteral("reconcile.already_resolved"));
        QCOMPARE(m_batches->item(items[1].id)->value().resolvedBy, QStringLiteral("M01"));
        QCOMPARE(m_batches->resolveAutomatically(items[1].id + 1000, QStringLiteral("x"), 4000)
                     .error()
                     .code,
                 QStringLiteral("reconcile.no_such_item"));
    }

    void settleRequestsAreAnsweredByTheirOwnTillAndResolveItems() {
        const link::TerminalIdentity t01{QStringLiteral("S001"), QStringLiteral("T01")};
        const link::TerminalIdentity t02{QStringLiteral("S001"), QStringLiteral("T02")};
        qint64 rows[2] = {};
        for (int i = 0; i < 2; ++i) {
            const link::TerminalIdentity& t = i == 0 ? t01 : t02;
            Result<std::optional<TerminalRecord>> known = m_store->terminal(t);
            QVERIFY_OK(known);
            if (!*known)
                known = std::optional<TerminalRecord>(*m_store->addTerminal(
                    t, StoredSecret{QStringLiteral("k1"), QByteArray(32, 'k'), {}}, 1000));
            rows[i] = (*known)->rowId;
        }
        const qint64 batch = saveSample(kDay,
                                        {sampleItem(DifferenceClass::ProviderOnly, kOrder1),
                                         sampleItem(DifferenceClass::LocalOnly, kOrder1)},
                                        1000);
        SettleRequests requests(*m_store);
        const QString evidence = QStringLiteral("alipay.trade.query: TRADE_SUCCESS 12.00");
        const qint64 id =
            *requests.queue(rows[0], Channel::Alipay, kOrder1, {}, QStringLiteral("old"), 2000);
        // The same trade again, not answered yet: the same request, with the newer evidence.
        QCOMPARE(*requests.queue(rows[0], Channel::Alipay, kOrder1, {}, evidence, 2100), id);
        QList<SettleRequestRecord> pending = *requests.pending(rows[0]);
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending[0].id, id);
        QCOMPARE(pending[0].terminal, t01);
        QCOMPARE(pending[0].outTradeNo, kOrder1);
        QCOMPARE(pending[0].evidence, evidence);
        QVERIFY(requests.pending(rows[1])->isEmpty());

        link::SettleAnswer paid;
        paid.id = id;
        paid.result = link::SettleAnswer::Result::Applied;
        paid.state = QStringLiteral("paid");
        paid.providerState = QStringLiteral("TRADE_SUCCESS");
        // Another till's answer is refused and changes nothing.
        QVERIFY(!requests.answer(rows[1], paid, 2500)->has_value());
        QCOMPARE(requests.pending(rows[0])->size(), 1);
        QCOMPARE(*requests.resolveAnswered(*m_batches, Channel::Alipay, kOrder1, {}, 2500), 0);

        const std::optional<SettleRequestRecord> answered = *requests.answer(rows[0], paid, 3000);
        QVERIFY(answered);
        QCOMPARE(answered->answeredAtMs.value_or(0), qint64(3000));
        QCOMPARE(answered->tillState, QStringLiteral("paid"));
        QVERIFY(requests.pending(rows[0])->isEmpty());
        // A second answer keeps the first.
        link::SettleAnswer failed;
        failed.id = id;
        failed.code = QStringLiteral("settle.not_answered");
        QCOMPARE(requests.answer(rows[0], failed, 3100)->value().result, QStringLiteral("applied"));

        QCOMPARE(*requests.resolveAnswered(*m_batches, Channel::Alipay, kOrder1, {}, 3200), 1);
        const QList<StoredItem> items = *m_batches->items(batch);
        const StoredItem providerOnly =
            items[0].item.kind == DifferenceClass::ProviderOnly ? items[0] : items[1];
        const StoredItem localOnly =
            items[0].item.kind == DifferenceClass::ProviderOnly ? items[1] : items[0];
        QCOMPARE(providerOnly.resolution, ItemResolution::Automatic);
        QCOMPARE(providerOnly.resolvedBy, QStringLiteral("janitor"));
        QVERIFY2(providerOnly.evidence.startsWith(evidence) &&
                     providerOnly.evidence.contains(QStringLiteral("S001/T01")) &&
                     providerOnly.evidence.contains(QStringLiteral("paid")),
                 qPrintable(providerOnly.evidence));
        // Not a class the Janitor settles.
        QCOMPARE(localOnly.resolution, ItemResolution::Open);
        // Again: nothing left to resolve.
        QCOMPARE(*requests.resolveAnswered(*m_batches, Channel::Alipay, kOrder1, {}, 3300), 0);

        // A till that answers with its order still pending settles nothing; a request queued
        // meanwhile makes an older answer count no more.
        const qint64 batch2 =
            saveSample(kDay.addDays(1), {sampleItem(DifferenceClass::ProviderOnly, kOrder2)}, 4000);
        const qint64 id2 = *requests.queue(rows[0], Channel::Alipay, kOrder2, {}, evidence, 4000);
        link::SettleAnswer pending2 = paid;
        pending2.id = id2;
        pending2.result = link::SettleAnswer::Result::Unchanged;
        pending2.state = QStringLiteral("pending");
        pending2.providerState = QStringLiteral("WAIT_BUYER_PAY");
        QVERIFY(requests.answer(rows[0], pending2, 4100)->has_value());
        QCOMPARE(*requests.resolveAnswered(*m_batches, Channel::Alipay, kOrder2, {}, 4200), 0);
        const StoredItem stillOpen = m_batches->items(batch2)->at(0);
        QCOMPARE(stillOpen.resolution, ItemResolution::Open);
        // For the manager, with what the till answered.
        QVERIFY2(
            stillOpen.evidence.contains(QStringLiteral("till S001/T01 settled: order pending")),
            qPrintable(stillOpen.evidence));

        const qint64 batch3 =
            saveSample(kDay.addDays(2), {sampleItem(DifferenceClass::ProviderOnly, kOrder1)}, 5000);
        QVERIFY(*requests.queue(rows[0], Channel::Alipay, kOrder1, {}, evidence, 5000) != id);
        QCOMPARE(*requests.resolveAnswered(*m_batches, Channel::Alipay, kOrder1, {}, 5100), 0);
        QCOMPARE(m_batches->items(batch3)->at(0).resolution, ItemResolution::Open);
    }

    // A refund the bill lists that the till lacks: the request names the refund, and only that
    // refund's item is resolved by its answer; the trade's own request answers for the trade.
    void aSettleRequestAboutARefundResolvesThatRefundOnly() {
        const link::TerminalIdentity t01{QStringLiteral("S001"), QStringLiteral("T01")};
        Result<std::optional<TerminalRecord>> known = m_store->terminal(t01);
        QVERIFY_OK(known);
        if (!*known)
            known = std::optional<TerminalRecord>(*m_store->addTerminal(
                t01, StoredSecret{QStringLiteral("k1"), QByteArray(32, 'k'), {}}, 1000));
        const qint64 row = (*known)->rowId;
        const qint64 batch =
            saveSample(kDay,
                       {sampleItem(DifferenceClass::ProviderOnly, kOrder1),
                        sampleItem(DifferenceClass::Refund, kOrder1, QStringLiteral("MP1")),
                        sampleItem(DifferenceClass::Refund, kOrder1, QStringLiteral("MP2"))},
                       1000);
        SettleRequests requests(*m_store);
        const QString evidence =
            QStringLiteral("alipay.trade.fastpay.refund.query: REFUND_SUCCESS 8.00");
        const qint64 trade = *requests.queue(row, Channel::Alipay, kOrder1, {},
                                             QStringLiteral("alipay.trade.query"), 2000);
        const qint64 mp1 =
            *requests.queue(row, Channel::Alipay, kOrder1, QStringLiteral("MP1"), evidence, 2000);
        const qint64 mp2 =
            *requests.queue(row, Channel::Alipay, kOrder1, QStringLiteral("MP2"), evidence, 2000);
        QVERIFY(trade != mp1 && mp1 != mp2);
        QCOMPARE(
            *requests.queue(row, Channel::Alipay, kOrder1, QStringLiteral("MP1"), evidence, 2100),
            mp1);
        const QList<SettleRequestRecord> pending = *requests.pending(row);
        QCOMPARE(pending.size(), 3);
        QCOMPARE(pending[0].outRequestNo, QString());
        QCOMPARE(pending[1].outRequestNo, QStringLiteral("MP1"));

        // The answer's state counts, not whether this answer moved it: a till whose first answer
        // was lost (killed after its commit) answers the request sent again "unchanged".
        const auto answer = [&](qint64 id, const QString& state, const QString& word) {
            link::SettleAnswer a;
            a.id = id;
            a.result = link::SettleAnswer::Result::Unchanged;
            a.state = state;
            a.providerState = word;
            return requests.answer(row, a, 3000)->has_value();
        };
        const auto resolutions = [&] {
            QStringList r;
            const Result<QList<StoredItem>> items = m_batches->items(batch);
            if (!items)
                return r;
            for (const StoredItem& i : *items)
                r << i.item.outRequestNo + u':' + reconcile::itemResolutionName(i.resolution);
            r.sort();
            return r;
        };
        // The trade's answer settles the trade's item, not the refunds.
        QVERIFY(answer(trade, QStringLiteral("paid"), QStringLiteral("TRADE_SUCCESS")));
        QCOMPARE(*requests.resolveAnswered(*m_batches, Channel::Alipay, kOrder1, {}, 3100), 1);
        QCOMPARE(resolutions(),
                 (QStringList{QStringLiteral(":automatic"), QStringLiteral("MP1:open"),
                              QStringLiteral("MP2:open")}));
        // MP1 is recorded made by the till; MP2 is not (its provider does not know it).
        QVERIFY(answer(mp1, QStringLiteral("succeeded"), QStringLiteral("REFUND_SUCCESS")));
        QVERIFY(answer(mp2, QString(), QStringLiteral("NOT_FOUND")));
        QCOMPARE(*requests.resolveAnswered(*m_batches, Channel::Alipay, kOrder1,
                                           QStringLiteral("MP1"), 3200),
                 1);
        QCOMPARE(*requests.resolveAnswered(*m_batches, Channel::Alipay, kOrder1,
                                           QStringLiteral("MP2"), 3200),
                 0);
        QCOMPARE(resolutions(),
                 (QStringList{QStringLiteral(":automatic"), QStringLiteral("MP1:automatic"),
                              QStringLiteral("MP2:open")}));
        const Result<QList<StoredItem>> items = m_batches->items(batch);
        QVERIFY_OK(items);
        for (const StoredItem& i : *items) {
            if (i.item.outRequestNo == u"MP1")
                QVERIFY2(i.evidence == evidence + QStringLiteral("; till S001/T01 settled: "
                                                                 "refund MP1 succeeded (its "
                                                                 "provider: REFUND_SUCCESS)"),
                         qPrintable(i.evidence));
            if (i.item.outRequestNo == u"MP2")
                QVERIFY2(i.evidence.endsWith(QStringLiteral(
                             "till S001/T01 did not record refund MP2 (its provider: NOT_FOUND)")),
                         qPrintable(i.evidence));
        }
    }

    void refusesARunItCannotStoreAndSavesNothing() {
        CompletedRun mismatched =
            sampleRun(kDay, {sampleItem(DifferenceClass::LocalOnly, kOrder1)}, 1000);
        mismatched.resolutions.clear();
        Result<qint64> r = m_batches->saveCompleted(mismatched);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("reconcile.bad_input"));

        CompletedRun byHand =
            sampleRun(kDay, {sampleItem(DifferenceClass::LocalOnly, kOrder1)}, 1000);
        byHand.resolutions[0] = ItemResolution::Handled;
        QVERIFY(!m_batches->saveCompleted(byHand).ok());

        CompletedRun cash = sampleRun(kDay, {}, 1000, Channel::Cash);
        r = m_batches->saveCompleted(cash);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("nothing was saved")));

        QVERIFY(!m_batches->saveIncomplete(sampleScope(), QDate(), BatchState::Failed, {}, 1).ok());
        QVERIFY(!m_batches->saveIncomplete(sampleScope(), kDay, BatchState::Complete, {}, 1).ok());
        QCOMPARE(m_batches->batches(kDay.addDays(-30), kDay.addDays(30))->size(), 0);
    }

    void keepsEverythingAcrossARestart() {
        const qint64 id = saveSample(kDay, {sampleItem(DifferenceClass::Amount, kOrder2)}, 1000);
        QVERIFY_OK(m_batches->markHandled(m_batches->items(id)->at(0).id, QStringLiteral("M01"),
                                          QStringLiteral("Checked"), 2000));

        std::unique_ptr<ServerStore> restarted = m_backend.makeStore();
        QVERIFY_OK(restarted->open());
        ServerBatchStore reopened(*restarted);
        const StoredBatch batch = *reopened.batch(id).value();
        QCOMPARE(batch.totals.fee.thousandthsOfFen(), -74040);
        QCOMPARE(batch.openItemCount, 0);
        QCOMPARE(reopened.items(id)->at(0).note, QStringLiteral("Checked"));
        QCOMPARE(reopened.poolBefore(sampleScope(), kDay.addDays(1))->billedAhead.size(), 1);
    }

    void countsBatchesByProviderAndState() {
        saveSample(kDay, {}, 1000);
        QVERIFY(m_batches->saveCompleted(sampleRun(kDay, {}, 1000, Channel::WeChat)).ok());
        QVERIFY_OK(m_batches->saveIncomplete(sampleScope(), kDay.addDays(1), BatchState::Overdue,
                                             QStringLiteral("No bill by 18:00"), 1000));
        QVERIFY_OK(m_batches->saveIncomplete(sampleScope(), kDay.addDays(2), BatchState::Overdue,
                                             QStringLiteral("No bill by 18:00"), 1000));
        const auto counts = m_batches->countsByState();
        QVERIFY_OK(counts);
        QCOMPARE(counts->size(), 3);
        QCOMPARE(counts->value({QStringLiteral("alipay"), QStringLiteral("complete")}), 1);
        QCOMPARE(counts->value({QStringLiteral("wechat"), QStringLiteral("complete")}), 1);
        QCOMPARE(counts->value({QStringLiteral("alipay"), QStringLiteral("overdue")}), 2);
    }

    // Two server instances (threads with their own connections) saving the same day at once:
    // one batch, every save counted, none failed.
    void instancesSavingOneDayAtOnceMakeOneBatch() {
        constexpr int kThreads = 4;
        std::atomic<int> failures = 0;
        QList<QThread*> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.append(QThread::create([&, t] {
                std::unique_ptr<ServerStore> store = m_backend.makeStore();
                if (!store->open()) {
                    ++failures;
                    return;
                }
                ServerBatchStore batches(*store);
                for (int n = 0; n < 5; ++n) {
                    const bool ok =
                        (t + n) % 2 == 0
                            ? batches
                                  .saveCompleted(sampleRun(
                                      kDay, {sampleItem(DifferenceClass::LocalOnly, kOrder1)},
                                      1000 + n))
                                  .ok()
                            : batches
                                  .saveIncomplete(sampleScope(), kDay, BatchState::WaitingForBill,
                                                  QStringLiteral("Not yet"), 1000 + n)
                                  .ok();
                    if (!ok)
                        ++failures;
                }
            }));
            threads.last()->start();
        }
        for (QThread* t : threads) {
            QVERIFY(t->wait(60000));
            delete t;
        }
        QCOMPARE(failures.load(), 0);
        const QList<StoredBatch> found = *m_batches->batches(kDay, kDay);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].attempts, kThreads * 5);
    }
};

QTEST_GUILESS_MAIN(TestServerBatchStore)
#include "tst_server_batch_store.moc"
