// The daily run end to end: real checkouts through the till's engine against the sandbox's
// Alipay and WeChat Pay over loopback, the bills downloaded by the real clients with the
// sandbox's bill faults switched on, matched against the order database (SqliteLedger), the
// Janitor asking the provider through the engine, and the batches kept in a BatchStore.

#include "core/calendar/ChinaCalendar.h"
#include "core/checkout/CheckoutEngine.h"
#include "core/checkout/EngineJanitor.h"
#include "core/checkout/GatewayDirectory.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "core/gateways/wechat/WechatClient.h"
#include "core/orders/OrderTransition.h"
#include "core/reconcile/DailyReconciliation.h"
#include "core/reconcile/MemoryBatchStore.h"
#include "core/reconcile/Reconciler.h"
#include "core/reconcile/SqliteBatchStore.h"
#include "core/reconcile/SqliteLedger.h"
#include "sandbox/alipay/AlipayOptions.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatOptions.h"
#include "sandbox/wechat/WechatSimulator.h"
#include "tests/checkout/EngineFixture.h"
#include "tests/sandbox/SandboxClientSettings.h"
#include "tests/support/AwaitedGatewayCalls.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace qpos;
using namespace qpos::checkout;
using namespace qpos::reconcile;
using namespace qpos::sandbox;

namespace {

const QString kAppId = QStringLiteral("2021000000000777");
const QString kPid = QStringLiteral("2088000000000777");
const QString kAlipayCode = QStringLiteral("287951669656380001");
const QString kMchId = QStringLiteral("1900000177");
const QString kWechatAppId = QStringLiteral("wx7777777777777777");
const QString kWechatCode = QStringLiteral("134567890123450001");
constexpr qint64 kDayMs = 24 * 3600 * 1000;

QStringList classesOf(const QList<StoredItem>& items) {
    QStringList names;
    for (const StoredItem& s : items)
        names << differenceClassName(s.item.kind) + u':' + s.item.outTradeNo +
                     (s.item.outRequestNo.isEmpty() ? QString() : u'/' + s.item.outRequestNo);
    return names;
}

FaultRule billFault(FaultKind kind, const QString& provider, QDate day) {
    FaultRule rule;
    rule.kind = kind;
    rule.provider = provider;
    rule.billDate = day;
    rule.remaining = -1; // every bill of the day, so a run again sees the same bill
    return rule;
}

// The payment lines of one order in a kept bill file, read as the run reads it.
class PaymentLines final : public gateway::BillRecordSink {
public:
    explicit PaymentLines(QString outTradeNo)
        : m_outTradeNo(std::move(outTradeNo)) {}

    QList<gateway::BillRecord> lines;

    Status record(const gateway::BillRecord& record, const gateway::BillRawLine&) override {
        if (record.kind == gateway::BillLineKind::Payment && record.outTradeNo == m_outTradeNo)
            lines.append(record);
        return Status::success();
    }

private:
    QString m_outTradeNo;
};

// A Janitor that records what it is asked and answers a little later, unresolved; it fails
// the test when asked again before it answered.
class RecordingJanitor final : public ReconcileJanitor {
public:
    QStringList asked;
    bool overlapped = false;

    void settle(const DifferenceItem& item, QObject* context,
                std::function<void(JanitorVerdict)> done) override {
        overlapped = overlapped || m_busy;
        m_busy = true;
        asked << differenceClassName(item.kind) + u':' + item.outTradeNo;
        QTimer::singleShot(20, context, [this, done = std::move(done)] {
            m_busy = false;
            done(JanitorVerdict{false, QStringLiteral("asked")});
        });
    }

private:
    bool m_busy = false;
};

} // namespace

class TestReconcileRuns : public QObject, private test::EngineFixture {
    Q_OBJECT

    QDate m_day;
    WechatMerchantCredentials m_wechatMerchant;
    std::unique_ptr<BatchStore> m_batchStore;
    BatchStore& batches() { return *m_batchStore; }

    AlipaySimulator& alipaySim() { return m_server->alipay(); }
    WechatSimulator& wechatSim() { return m_server->wechat(); }

    QString merchantOf(Channel channel) { return channel == Channel::Alipay ? kPid : kMchId; }
    QString billDirectory() { return m_dir->file(QStringLiteral("bills")); }

    QString pay(Channel channel, money::Fen fen, PaymentFlow flow) {
        const NewOrder order = newSale(channel, QStringLiteral("Tea"), fen, flow);
        const QString code = flow == PaymentFlow::QrCode  ? QString()
                             : channel == Channel::Alipay ? kAlipayCode
                                                          : kWechatCode;
        const QString id = start(order, code);
        if (flow == PaymentFlow::QrCode) {
            std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
            if (!waiting)
                return {};
            const bool paid = channel == Channel::Alipay
                                  ? alipaySim().buyerPay(waiting->outTradeNo).ok()
                                  : wechatSim().buyerPay(waiting->outTradeNo).ok();
            if (!paid)
                return {};
        }
        std::optional<CheckoutUpdate> done = waitFor(id);
        return done && done->phase == CheckoutPhase::Paid ? done->outTradeNo : QString();
    }

    QString refund(const QString& outTradeNo, money::Fen fen) {
        QSignalSpy reports(m_engine.get(), &CheckoutEngine::refundFinished);
        m_engine->refund(RefundCommand{QStringLiteral("r-") + outTradeNo, outTradeNo, fen,
                                       QStringLiteral("returned"), QStringLiteral("9001")});
        if (reports.isEmpty() && !reports.wait(10000))
            return {};
        const RefundReport report = reports.takeFirst().at(0).value<RefundReport>();
        return report.ok ? report.outRequestNo : QString();
    }

    // A refund the provider makes without the till: a manager's on its merchant platform.
    bool refundAtTheProvider(Channel channel, const QString& outTradeNo, const QString& requestNo,
                             money::Fen fen) {
        Result<Order> order = m_store->order(outTradeNo);
        if (!order)
            return false;
        const auto made = test::refundTrade(*m_gateways->find(channel), outTradeNo, requestNo, fen,
                                            order->amountFen);
        return made && made->isSuccess() && made->value().state == gateway::RefundState::Refunded;
    }

    // One run through DailyReconciliation; its outcome, checked to come exactly once.
    // `reader`: another client of the provider than the till's own.
    DailyRunOutcome runDay(Channel channel, QDate day, ReconcileJanitor* janitor,
                           std::optional<qint64> deadlineMs = std::nullopt,
                           gateway::PaymentGateway* reader = nullptr) {
        DailyRunOutcome none;
        SqliteLedger ledger;
        if (Status s = ledger.open(m_dir->file(QStringLiteral("orders.db"))); !s.ok()) {
            none.message = s.error().message;
            return none;
        }
        DailyReconciliation run(reader ? *reader : *m_gateways->find(channel), ledger, batches(),
                                janitor, LedgerScope{channel, merchantOf(channel)}, day,
                                DailyRunOptions{billDirectory(), deadlineMs});
        QSignalSpy finished(&run, &DailyReconciliation::finished);
        run.start();
        run.start(); // a second start is ignored
        if (!finished.wait(60000)) {
            none.message = QStringLiteral("the run did not finish");
            return none;
        }
        QTest::qWait(50);
        if (finished.size() != 1) {
            none.message = QStringLiteral("finished() came %1 times").arg(finished.size());
            return none;
        }
        return finished.at(0).at(0).value<DailyRunOutcome>();
    }

    StoredBatch storedBatch(qint64 id) {
        Result<std::optional<StoredBatch>> b = batches().batch(id);
        return b && b->has_value() ? **b : StoredBatch{};
    }

    QList<StoredItem> storedItems(qint64 id) {
        Result<QList<StoredItem>> items = batches().items(id);
        return items ? *items : QList<StoredItem>{};
    }

    // An order the till has in `recorded` (failed: it took a refusal for the answer; pending:
    // it stopped polling and the notification never came) that the buyer paid all the same;
    // empty on failure.
    QString paidWhileTheTillHad(Channel channel, money::Fen fen, OrderState recorded) {
        Result<Order> order =
            m_store->createOrder(newSale(channel, QStringLiteral("Tea"), fen, PaymentFlow::QrCode));
        if (!order)
            return {};
        const QString outTradeNo = order->outTradeNo;
        QObject context;
        QSignalSpy created(&context, &QObject::objectNameChanged);
        m_gateways->find(channel)->createQrOrder(
            gateway::QrOrderRequest{outTradeNo, fen, QStringLiteral("Tea"), 0, {}, {}, {}},
            &context, [&context](gateway::GatewayResult<gateway::QrOrder> r) {
                context.setObjectName(r.isSuccess() ? QStringLiteral("created")
                                                    : r.cashierMessage());
            });
        if (!created.wait(15000) || context.objectName() != u"created")
            return {};
        OrderTransition t;
        t.outTradeNo = outTradeNo;
        t.to = recorded;
        t.source = TransitionSource::Request;
        t.actor = QStringLiteral("engine");
        t.note = recorded == OrderState::Failed ? QStringLiteral("refused") : QString();
        if (!m_store->apply(t).ok())
            return {};
        const bool paid = channel == Channel::Alipay ? alipaySim().buyerPay(outTradeNo).ok()
                                                     : wechatSim().buyerPay(outTradeNo).ok();
        return paid ? outTradeNo : QString();
    }

    QString failedButPaid(money::Fen fen) {
        return paidWhileTheTillHad(Channel::Alipay, fen, OrderState::Failed);
    }

    static QString providerName(Channel channel) {
        return channel == Channel::Alipay ? QStringLiteral("alipay") : QStringLiteral("wechat");
    }

    // Every trade of the test on one China day: a run that straddles midnight waits for it.
    bool tradesOfToday() {
        for (const AlipayTrade& t : alipaySim().trades(kAppId))
            if (china_calendar::dateOf(t.paidMs) != m_day)
                return false;
        for (const WechatTrade& t : wechatSim().trades(kMchId))
            if (china_calendar::dateOf(t.paidMs) != m_day)
                return false;
        return true;
    }

private slots:
    // Every case with the store in memory and with the till's database.
    void initTestCase_data() {
        QTest::addColumn<bool>("sqlite");
        QTest::newRow("memory") << false;
        QTest::newRow("sqlite") << true;
    }

    void init() {
        QFETCH_GLOBAL(bool, sqlite);
        startSandboxAndStore();
        if (QTest::currentTestFailed())
            return;
        if (sqlite) {
            auto store = std::make_unique<SqliteBatchStore>();
            QVERIFY(store->open(m_dir->file(QStringLiteral("orders.db"))).ok());
            m_batchStore = std::move(store);
        } else {
            m_batchStore = std::make_unique<MemoryBatchStore>();
        }
        Result<crypto::RsaPrivateKey> key = alipaySim().createApp(kAppId, kPid);
        QVERIFY(key.ok());
        Result<WechatMerchantCredentials> merchant =
            wechatSim().createMerchant(kMchId, kWechatAppId);
        QVERIFY(merchant.ok());
        m_wechatMerchant = *merchant;
        Result<std::unique_ptr<alipay::AlipayClient>> alipayClient = alipay::AlipayClient::create(
            test::alipaySandboxSettings(*m_server, kAppId, *key, test::LoopbackTiming::engine()));
        QVERIFY(alipayClient.ok());
        Result<std::unique_ptr<wechat::WechatClient>> wechatClient =
            wechat::WechatClient::create(test::wechatSandboxSettings(
                *m_server, *merchant, QStringLiteral("https://backend.example.com/wechat/notify"),
                test::LoopbackTiming::engine()));
        QVERIFY(wechatClient.ok());
        m_gateways = std::make_unique<GatewayDirectory>();
        m_gateways->add(std::move(alipayClient).value());
        m_gateways->add(std::move(wechatClient).value());
        m_engine = std::make_unique<CheckoutEngine>(*m_store, *m_gateways, policy());
        m_harness.watch(*m_engine);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (china_calendar::dayEndMs(china_calendar::dateOf(now)) - now < 120'000)
            QTest::qWait(121'000);
        m_day = china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch());
    }

    void cleanup() {
        m_batchStore.reset();
        tearDown();
    }

    void faithfulBillsAreKeptMatchedAndRunAgainSafely() {
        const QString a = pay(Channel::Alipay, 1234, PaymentFlow::QrCode);
        const QString w = pay(Channel::WeChat, 990, PaymentFlow::PayByCode);
        QVERIFY(!a.isEmpty() && !w.isEmpty());
        QVERIFY(!refund(a, 200).isEmpty());
        if (!tradesOfToday())
            QSKIP("the trades straddle China midnight");
        checkout::EngineJanitor janitor(*m_engine);

        const DailyRunOutcome alipay = runDay(Channel::Alipay, m_day, &janitor);
        QVERIFY2(alipay.state == BatchState::Complete, qPrintable(alipay.message));
        QCOMPARE(alipay.itemCount, 0);
        const StoredBatch batch = storedBatch(alipay.batchId);
        QCOMPARE(batch.totals.matched, 2);
        QCOMPARE(batch.totals.provider, batch.totals.local);
        QCOMPARE(batch.totals.local.paymentFen, money::Fen(1234));
        QCOMPARE(batch.merchantId, kPid);
        // The raw file is kept whole, its hash recorded.
        const QString kept =
            QDir(billDirectory())
                .filePath(
                    QStringLiteral("alipay-%1-%2.zip").arg(kPid, m_day.toString(Qt::ISODate)));
        QCOMPARE(batch.billFile, kept);
        QFile file(kept);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromLatin1(
                     QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256).toHex()),
                 batch.billSha256);
        QVERIFY(!QFile::exists(kept + QStringLiteral(".part")));

        const DailyRunOutcome wechat = runDay(Channel::WeChat, m_day, &janitor);
        QVERIFY2(wechat.state == BatchState::Complete, qPrintable(wechat.message));
        QCOMPARE(wechat.itemCount, 0);
        QVERIFY(QFile::exists(storedBatch(wechat.batchId).billFile));
        QVERIFY(storedBatch(wechat.batchId).billFile.endsWith(QStringLiteral(".csv.gz")));

        // The same day again: the same batch, not a second one.
        const DailyRunOutcome again = runDay(Channel::Alipay, m_day, &janitor);
        QCOMPARE(again.state, BatchState::Complete);
        QCOMPARE(again.batchId, alipay.batchId);
        Result<QList<StoredBatch>> all = batches().batches(m_day, m_day);
        QVERIFY(all.ok());
        QCOMPARE(all->size(), 2);
        QCOMPARE(storedBatch(alipay.batchId).attempts, 2);
        QCOMPARE(storedBatch(alipay.batchId).totals, batch.totals);
    }

    void eachDifferenceEndToEndAndTheHoldingPool() {
        const QString kept = pay(Channel::Alipay, 1000, PaymentFlow::QrCode);
        const QString dropped = pay(Channel::Alipay, 2000, PaymentFlow::PayByCode);
        const QString changed = pay(Channel::Alipay, 3000, PaymentFlow::QrCode);
        QVERIFY(!kept.isEmpty() && !dropped.isEmpty() && !changed.isEmpty());
        const QString refundNo = refund(kept, 400);
        QVERIFY(!refundNo.isEmpty());
        if (!tradesOfToday())
            QSKIP("the trades straddle China midnight");
        FaultRule drop = billFault(FaultKind::BillDropLine, QStringLiteral("alipay"), m_day);
        drop.outTradeNo = dropped;
        FaultRule change = billFault(FaultKind::BillChangeAmount, QStringLiteral("alipay"), m_day);
        change.outTradeNo = changed;
        change.amountFen = 3100;
        FaultRule foreign = billFault(FaultKind::BillForeignTrade, QStringLiteral("alipay"), m_day);
        foreign.outTradeNo = QStringLiteral("OTHERSHOP_0001");
        FaultRule dropRefund =
            billFault(FaultKind::BillDropRefund, QStringLiteral("alipay"), m_day);
        dropRefund.outRequestNo = refundNo;
        for (const FaultRule& rule : {drop, change, foreign, dropRefund})
            m_server->faults().add(rule);
        checkout::EngineJanitor janitor(*m_engine);

        const DailyRunOutcome day1 = runDay(Channel::Alipay, m_day, &janitor);
        QVERIFY2(day1.state == BatchState::Complete, qPrintable(day1.message));
        QList<StoredItem> items = storedItems(day1.batchId);
        QCOMPARE(classesOf(items), (QStringList{QStringLiteral("provider_only:OTHERSHOP_0001"),
                                                QStringLiteral("amount:") + changed}));
        // Another shop's trade: the provider does not know it to this app; the till does not
        // have it. Left for the manager, with what the provider said.
        QCOMPARE(items[0].resolution, ItemResolution::Open);
        QVERIFY2(items[0].evidence.startsWith(QStringLiteral("alipay.trade.query: ")),
                 qPrintable(items[0].evidence));
        QVERIFY2(items[0].evidence.contains(QStringLiteral("the till has no such order")),
                 qPrintable(items[0].evidence));
        // The Janitor is asked about status and provider_only items only.
        QCOMPARE(items[1].resolution, ItemResolution::Open);
        QVERIFY(items[1].evidence.isEmpty());
        QCOMPARE(items[1].item.localAmountFen, money::Fen(3000));
        QCOMPARE(items[1].item.providerAmountFen, money::Fen(3100));
        QCOMPARE(day1.openItemCount, 2);
        QCOMPARE(storedBatch(day1.batchId).totals.held, 2); // the dropped payment and refund

        // A manager handles the amount; running the day again keeps the note.
        QVERIFY(batches()
                    .markHandled(items[1].id, QStringLiteral("9001"),
                                 QStringLiteral("customer paid 1 yuan more"), 1)
                    .ok());
        const DailyRunOutcome rerun = runDay(Channel::Alipay, m_day, &janitor);
        QCOMPARE(rerun.batchId, day1.batchId);
        QCOMPARE(rerun.itemCount, 2);
        QCOMPARE(rerun.openItemCount, 1);
        items = storedItems(rerun.batchId);
        QCOMPARE(items[1].resolution, ItemResolution::Handled);
        QCOMPARE(items[1].note, QStringLiteral("customer paid 1 yuan more"));

        // D+1 and D+2: the sandbox's clock moves on; their bills do not list the held
        // entries either, so D+2 reports them.
        const qint64 shift = 2 * kDayMs;
        alipaySim().setClock([shift] { return QDateTime::currentMSecsSinceEpoch() + shift; });
        AlipayOptions lenient;
        lenient.timestampToleranceSecs = int(shift / 1000) + 600; // the till's clock stays
        alipaySim().setOptions(lenient);
        const DailyRunOutcome day2 = runDay(Channel::Alipay, m_day.addDays(1), &janitor);
        QVERIFY2(day2.state == BatchState::Complete, qPrintable(day2.message));
        QCOMPARE(day2.itemCount, 0);
        QCOMPARE(storedBatch(day2.batchId).totals.held, 2);
        const DailyRunOutcome day3 = runDay(Channel::Alipay, m_day.addDays(2), &janitor);
        QVERIFY2(day3.state == BatchState::Complete, qPrintable(day3.message));
        QCOMPARE(classesOf(storedItems(day3.batchId)),
                 (QStringList{QStringLiteral("local_only:") + dropped,
                              QStringLiteral("refund:") + kept + u'/' + refundNo}));
        QCOMPARE(storedBatch(day3.batchId).totals.held, 0);
        Result<HoldingPool> after =
            batches().poolBefore(LedgerScope{Channel::Alipay, kPid}, m_day.addDays(3));
        QVERIFY(after.ok());
        QVERIFY(after->held.isEmpty());
    }

    // The provider's clock put a payment a second after China midnight, the till's before it:
    // the bill of D lacks it and the bill of D+1 lists it. D's run holds it, D+1's matches it
    // once; a payment that neither D+1's nor D+2's bill lists is local_only on D+2.
    void aPaymentTheBillDatesOnTheNextDay_data() {
        QTest::addColumn<QString>("provider");
        QTest::newRow("alipay") << QStringLiteral("alipay");
        QTest::newRow("wechat") << QStringLiteral("wechat");
    }
    void aPaymentTheBillDatesOnTheNextDay() {
        QFETCH(QString, provider);
        const Channel channel = provider == u"alipay" ? Channel::Alipay : Channel::WeChat;
        const QString late = pay(channel, 1100, PaymentFlow::PayByCode);
        const QString dropped = pay(channel, 1200, PaymentFlow::PayByCode);
        const QString agreed = pay(channel, 1300, PaymentFlow::PayByCode);
        QVERIFY(!late.isEmpty() && !dropped.isEmpty() && !agreed.isEmpty());
        if (!tradesOfToday())
            QSKIP("the trades straddle China midnight");
        FaultRule nextDay = billFault(FaultKind::BillNextDay, provider, m_day);
        nextDay.outTradeNo = late;
        FaultRule drop = billFault(FaultKind::BillDropLine, provider, m_day);
        drop.outTradeNo = dropped;
        // D+2's bill lists another shop's payment, so WeChat Pay makes one (a day without a
        // bill is matched as an empty one: aPaymentOnADayWithoutABill).
        FaultRule foreign = billFault(FaultKind::BillForeignTrade, provider, m_day.addDays(2));
        foreign.outTradeNo = QStringLiteral("OTHERSHOP_0002");
        for (const FaultRule& rule : {nextDay, drop, foreign})
            m_server->faults().add(rule);
        checkout::EngineJanitor janitor(*m_engine);
        const LedgerScope scope{channel, merchantOf(channel)};

        const DailyRunOutcome day1 = runDay(channel, m_day, &janitor);
        QVERIFY2(day1.state == BatchState::Complete, qPrintable(day1.message));
        QCOMPARE(day1.itemCount, 0);
        BatchTotals totals = storedBatch(day1.batchId).totals;
        QCOMPARE(totals.local.paymentCount, 3);
        QCOMPARE(totals.provider.paymentCount, 1);
        QCOMPARE(totals.provider.paymentFen, money::Fen(1300));
        QCOMPARE(totals.matched, 1);
        QCOMPARE(totals.held, 2);

        // D+1 and D+2: the sandbox's clock moves on two days, the till's stays; the bills are
        // read by a client that allows for that.
        const qint64 shift = 2 * kDayMs;
        const auto later = [shift] {
            return QDateTime::currentMSecsSinceEpoch() + shift;
        };
        alipaySim().setClock(later);
        wechatSim().setClock(later);
        AlipayOptions alipayLenient;
        alipayLenient.timestampToleranceSecs = int(shift / 1000) + 600;
        alipaySim().setOptions(alipayLenient);
        WechatOptions wechatLenient = wechatSim().options();
        wechatLenient.timestampToleranceSecs = int(shift / 1000) + 600;
        wechatSim().setOptions(wechatLenient);
        wechat::WechatClientSettings settings =
            test::wechatSandboxSettings(*m_server, m_wechatMerchant,
                                        QStringLiteral("https://backend.example.com/wechat/notify"),
                                        test::LoopbackTiming::engine());
        settings.maxClockSkew = std::chrono::seconds(shift / 1000 + 600);
        Result<std::unique_ptr<wechat::WechatClient>> shifted =
            wechat::WechatClient::create(settings);
        QVERIFY(shifted.ok());
        gateway::PaymentGateway* reader =
            channel == Channel::WeChat ? shifted->get() : m_gateways->find(channel);

        const DailyRunOutcome day2 = runDay(channel, m_day.addDays(1), &janitor, {}, reader);
        QVERIFY2(day2.state == BatchState::Complete, qPrintable(day2.message));
        // Matched there: neither provider_only nor a second payment.
        QCOMPARE(day2.itemCount, 0);
        totals = storedBatch(day2.batchId).totals;
        QCOMPARE(totals.provider.paymentCount, 1);
        QCOMPARE(totals.provider.paymentFen, money::Fen(1100));
        QCOMPARE(totals.local.paymentCount, 0);
        QCOMPARE(totals.matched, 1);
        QCOMPARE(totals.held, 1);
        Result<HoldingPool> pool = batches().poolBefore(scope, m_day.addDays(2));
        QVERIFY(pool.ok());
        QCOMPARE(pool->held.size(), 1);
        QCOMPARE(pool->held[0].outTradeNo, dropped);
        QCOMPARE(pool->held[0].firstDay, m_day);
        // The provider's bill dates it by its own time, a second after midnight, in its format.
        QFile kept(storedBatch(day2.batchId).billFile);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        const QByteArray file = kept.readAll();
        PaymentLines lines(late);
        const BillStream stream = channel == Channel::Alipay
                                      ? alipayZipStream(file, 64 * 1024 * 1024)
                                      : wechatGzipStream(file, 64 * 1024 * 1024);
        QVERIFY(stream(lines).ok());
        QCOMPARE(lines.lines.size(), 1);
        QVERIFY(lines.lines[0].finishedAtMs.has_value());
        QCOMPARE(*lines.lines[0].finishedAtMs, china_calendar::dayStartMs(m_day.addDays(1)) + 1000);
        // Run again, the day is the same: matched once.
        const DailyRunOutcome day2again = runDay(channel, m_day.addDays(1), &janitor, {}, reader);
        QCOMPARE(day2again.batchId, day2.batchId);
        QCOMPARE(day2again.itemCount, 0);
        QCOMPARE(storedBatch(day2.batchId).totals, totals);

        // Another shop's payment is not the point here: its Janitor's answer is proven above.
        const DailyRunOutcome day3 = runDay(channel, m_day.addDays(2), nullptr, {}, reader);
        QVERIFY2(day3.state == BatchState::Complete, qPrintable(day3.message));
        QCOMPARE(classesOf(storedItems(day3.batchId)),
                 (QStringList{QStringLiteral("local_only:") + dropped,
                              QStringLiteral("provider_only:OTHERSHOP_0002")}));
        QCOMPARE(storedBatch(day3.batchId).totals.held, 0);
        pool = batches().poolBefore(scope, m_day.addDays(3));
        QVERIFY(pool.ok());
        QVERIFY(pool->held.isEmpty());
    }

    // WeChat Pay says it has no bill of a day whose only payment its bill lacks
    // (bill_drop_line: NO_STATEMENT_EXIST), yet the till took that payment. "No bill" is an
    // empty bill: the day's run holds the payment, D+1 (no bill either) keeps holding it, and
    // D+2 reports it local_only, whether D+2 has a bill or none again.
    void aPaymentOnADayWithoutABill_data() {
        QTest::addColumn<bool>("billOnTheThirdDay");
        QTest::newRow("no bill on D+2 either") << false;
        QTest::newRow("a bill on D+2") << true;
    }
    void aPaymentOnADayWithoutABill() {
        QFETCH(bool, billOnTheThirdDay);
        const QString lost = pay(Channel::WeChat, 1600, PaymentFlow::PayByCode);
        QVERIFY(!lost.isEmpty());
        if (!tradesOfToday())
            QSKIP("the trades straddle China midnight");
        FaultRule drop = billFault(FaultKind::BillDropLine, QStringLiteral("wechat"), m_day);
        drop.outTradeNo = lost;
        m_server->faults().add(drop);
        if (billOnTheThirdDay) {
            FaultRule foreign =
                billFault(FaultKind::BillForeignTrade, QStringLiteral("wechat"), m_day.addDays(2));
            foreign.outTradeNo = QStringLiteral("OTHERSHOP_0003");
            m_server->faults().add(foreign);
        }
        checkout::EngineJanitor janitor(*m_engine);
        const LedgerScope scope{Channel::WeChat, kMchId};

        const DailyRunOutcome day1 = runDay(Channel::WeChat, m_day, &janitor);
        QVERIFY2(day1.state == BatchState::NoBill, qPrintable(day1.message));
        QCOMPARE(day1.itemCount, 0);
        QVERIFY2(day1.message.contains(QStringLiteral("1 payment(s) or refund(s) of that day")),
                 qPrintable(day1.message));
        const StoredBatch batch = storedBatch(day1.batchId);
        QCOMPARE(batch.state, BatchState::NoBill);
        QCOMPARE(batch.totals.provider, SideTotals{});
        QCOMPARE(batch.totals.local.paymentCount, 1);
        QCOMPARE(batch.totals.local.paymentFen, money::Fen(1600));
        QCOMPARE(batch.totals.matched, 0);
        QCOMPARE(batch.totals.held, 1);
        // No bill file is made up for it.
        QVERIFY(batch.billSha256.isEmpty());
        QVERIFY(batch.billFile.isEmpty());
        QVERIFY(!QFile::exists(QDir(billDirectory())
                                   .filePath(QStringLiteral("wechat-%1-%2.csv.gz")
                                                 .arg(kMchId, m_day.toString(Qt::ISODate)))));
        Result<HoldingPool> pool = batches().poolBefore(scope, m_day.addDays(1));
        QVERIFY(pool.ok());
        QCOMPARE(pool->held,
                 (QList<HeldEntry>{HeldEntry{PoolKind::Trade, lost, QString(), m_day}}));

        // D+1 and D+2: the sandbox's clock moves on two days, the till's stays; the bills are
        // read by a client that allows for that.
        const qint64 shift = 2 * kDayMs;
        wechatSim().setClock([shift] { return QDateTime::currentMSecsSinceEpoch() + shift; });
        WechatOptions lenient = wechatSim().options();
        lenient.timestampToleranceSecs = int(shift / 1000) + 600;
        wechatSim().setOptions(lenient);
        wechat::WechatClientSettings settings =
            test::wechatSandboxSettings(*m_server, m_wechatMerchant,
                                        QStringLiteral("https://backend.example.com/wechat/notify"),
                                        test::LoopbackTiming::engine());
        settings.maxClockSkew = std::chrono::seconds(shift / 1000 + 600);
        Result<std::unique_ptr<wechat::WechatClient>> reader =
            wechat::WechatClient::create(settings);
        QVERIFY(reader.ok());

        const DailyRunOutcome day2 =
            runDay(Channel::WeChat, m_day.addDays(1), &janitor, {}, reader->get());
        QVERIFY2(day2.state == BatchState::NoBill, qPrintable(day2.message));
        QCOMPARE(day2.itemCount, 0);
        QCOMPARE(storedBatch(day2.batchId).totals.held, 1);

        const DailyRunOutcome day3 =
            runDay(Channel::WeChat, m_day.addDays(2), nullptr, {}, reader->get());
        QVERIFY2(day3.state == (billOnTheThirdDay ? BatchState::Complete : BatchState::NoBill),
                 qPrintable(day3.message));
        QStringList expected{QStringLiteral("local_only:") + lost};
        if (billOnTheThirdDay)
            expected << QStringLiteral("provider_only:OTHERSHOP_0003");
        const QList<StoredItem> items = storedItems(day3.batchId);
        QCOMPARE(classesOf(items), expected);
        QCOMPARE(items[0].item.localState, QStringLiteral("paid"));
        QCOMPARE(items[0].item.localAmountFen, money::Fen(1600));
        QCOMPARE(items[0].resolution, ItemResolution::Open);
        QCOMPARE(day3.openItemCount, expected.size());
        QVERIFY2(day3.message.contains(QString::number(expected.size())), qPrintable(day3.message));
        QCOMPARE(storedBatch(day3.batchId).totals.held, 0);
        pool = batches().poolBefore(scope, m_day.addDays(3));
        QVERIFY(pool.ok());
        QVERIFY(pool->held.isEmpty());

        // D again: still no bill, the same batch, the payment still held there.
        const DailyRunOutcome again = runDay(Channel::WeChat, m_day, nullptr, {}, reader->get());
        QCOMPARE(again.state, BatchState::NoBill);
        QCOMPARE(again.batchId, day1.batchId);
        QCOMPARE(storedBatch(day1.batchId).attempts, 2);
        QCOMPARE(storedBatch(day1.batchId).totals, batch.totals);
    }

    void aPaymentTheTillHadAsFailedIsSettledByTheJanitor() {
        // The till recorded the order failed (it took a refusal for the answer), yet the buyer
        // paid: the bill lists it, the Janitor asks, and the order is paid.
        const QString outTradeNo = failedButPaid(1500);
        QVERIFY(!outTradeNo.isEmpty());
        const QString other = pay(Channel::Alipay, 700, PaymentFlow::PayByCode);
        QVERIFY(!other.isEmpty());
        if (!tradesOfToday())
            QSKIP("the trades straddle China midnight");
        checkout::EngineJanitor janitor(*m_engine);

        const DailyRunOutcome run = runDay(Channel::Alipay, m_day, &janitor);
        QVERIFY2(run.state == BatchState::Complete, qPrintable(run.message));
        QCOMPARE(run.itemCount, 1);
        QCOMPARE(run.openItemCount, 0);
        const QList<StoredItem> items = storedItems(run.batchId);
        QCOMPARE(classesOf(items), QStringList{QStringLiteral("provider_only:") + outTradeNo});
        QCOMPARE(items[0].item.localState, QStringLiteral("failed"));
        QCOMPARE(items[0].resolution, ItemResolution::Automatic);
        QCOMPARE(items[0].resolvedBy, QStringLiteral("janitor"));
        QVERIFY2(items[0].evidence.contains(QStringLiteral("TRADE_SUCCESS 15.00")),
                 qPrintable(items[0].evidence));
        QVERIFY2(items[0].evidence.contains(QStringLiteral("failed -> paid")),
                 qPrintable(items[0].evidence));

        // The order is paid now, by the provider's answer, in an event of its own.
        const OrderWithEvents settled = stored(outTradeNo);
        QCOMPARE(settled.order.state, OrderState::Paid);
        QCOMPARE(settled.events.last().source, TransitionSource::Reconcile);
        QCOMPARE(settled.events.last().actor, QStringLiteral("reconcile"));

        // The next run finds nothing to say: the ledger agrees now.
        const DailyRunOutcome again = runDay(Channel::Alipay, m_day, &janitor);
        QCOMPARE(again.batchId, run.batchId);
        QCOMPARE(again.itemCount, 0);
    }

    void aPaymentWhoseNotificationWasLostIsSettledByTheJanitor() {
        // The till showed the code and stopped polling before the buyer paid, and the
        // notification never came: pending here, SUCCESS in the bill.
        const QString outTradeNo = paidWhileTheTillHad(Channel::WeChat, 1500, OrderState::Pending);
        QVERIFY(!outTradeNo.isEmpty());
        QCOMPARE(stored(outTradeNo).order.state, OrderState::Pending);
        if (!tradesOfToday())
            QSKIP("the trades straddle China midnight");
        checkout::EngineJanitor janitor(*m_engine);

        const DailyRunOutcome run = runDay(Channel::WeChat, m_day, &janitor);
        QVERIFY2(run.state == BatchState::Complete, qPrintable(run.message));
        const QList<StoredItem> items = storedItems(run.batchId);
        QCOMPARE(classesOf(items), QStringList{QStringLiteral("provider_only:") + outTradeNo});
        QCOMPARE(items[0].item.localState, QStringLiteral("pending"));
        QCOMPARE(items[0].item.localAmountFen, money::Fen(1500));
        QCOMPARE(items[0].item.providerState, QStringLiteral("SUCCESS"));
        QCOMPARE(items[0].item.providerAmountFen, money::Fen(1500));
        QCOMPARE(items[0].resolution, ItemResolution::Automatic);
        QCOMPARE(items[0].resolvedBy, QStringLiteral("janitor"));
        QVERIFY2(items[0].evidence.startsWith(
                     QStringLiteral("wechatpay transactions query: SUCCESS 15.00, trade_no ")),
                 qPrintable(items[0].evidence));
        QVERIFY2(items[0].evidence.endsWith(QStringLiteral("; order pending -> paid")),
                 qPrintable(items[0].evidence));
        QCOMPARE(run.openItemCount, 0);
        const StoredBatch batch = storedBatch(run.batchId);
        QCOMPARE(batch.totals.provider.paymentCount, 1);
        QCOMPARE(batch.totals.matched, 0);

        // Paid now by the provider's signed answer, in an event of its own.
        const OrderWithEvents settled = stored(outTradeNo);
        QCOMPARE(settled.order.state, OrderState::Paid);
        QCOMPARE(settled.events.last().source, TransitionSource::Reconcile);
        const DailyRunOutcome again = runDay(Channel::WeChat, m_day, &janitor);
        QCOMPARE(again.batchId, run.batchId);
        QCOMPARE(again.itemCount, 0);
        QCOMPARE(storedBatch(again.batchId).totals.matched, 1);
    }

    void aStatusDifferenceStaysOpenWhileTheProviderSaysPaid() {
        const QString listed = pay(Channel::WeChat, 990, PaymentFlow::PayByCode);
        const QString other = pay(Channel::WeChat, 500, PaymentFlow::PayByCode);
        QVERIFY(!listed.isEmpty() && !other.isEmpty());
        if (!tradesOfToday())
            QSKIP("the trades straddle China midnight");
        FaultRule state = billFault(FaultKind::BillChangeState, QStringLiteral("wechat"), m_day);
        state.outTradeNo = listed;
        m_server->faults().add(state);
        checkout::EngineJanitor janitor(*m_engine);

        const DailyRunOutcome run = runDay(Channel::WeChat, m_day, &janitor);
        QVERIFY2(run.state == BatchState::Complete, qPrintable(run.message));
        const QList<StoredItem> items = storedItems(run.batchId);
        QCOMPARE(classesOf(items), QStringList{QStringLiteral("status:") + listed});
        const DifferenceItem& item = items[0].item;
        QCOMPARE(item.localState, QStringLiteral("paid"));
        QCOMPARE(item.localAmountFen, money::Fen(990));
        QCOMPARE(item.providerState, QStringLiteral("REVOKED"));
        QCOMPARE(item.providerAmountFen, money::Fen(990));
        QVERIFY(item.billLine > 1);
        // The Janitor asked; the provider's signed answer says paid, so the ledger stays as it
        // is and the bill's word is left for the manager.
        QCOMPARE(items[0].resolution, ItemResolution::Open);
        QVERIFY2(items[0].evidence.startsWith(
                     QStringLiteral("wechatpay transactions query: SUCCESS 9.90, trade_no ")),
                 qPrintable(items[0].evidence));
        QVERIFY2(items[0].evidence.endsWith(QStringLiteral("; order stays paid")),
                 qPrintable(items[0].evidence));
        QCOMPARE(stored(listed).order.state, OrderState::Paid);
        QCOMPARE(run.openItemCount, 1);
        // The REVOKED line is neither a payment nor an agreement; the other payment matched.
        const StoredBatch batch = storedBatch(run.batchId);
        QCOMPARE(batch.totals.provider.paymentCount, 1);
        QCOMPARE(batch.totals.local.paymentCount, 2);
        QCOMPARE(batch.totals.matched, 1);
        QCOMPARE(batch.totals.held, 0);
    }

    // A manager refunded on the provider's merchant platform: the provider made the refund and
    // lists it in the bill; the till never heard of it. The Janitor asks the provider about that
    // refund, the till records it from the signed answer, and the item is settled automatically.
    void aRefundMadeAtTheProviderIsRecordedByTheJanitor_data() {
        QTest::addColumn<QString>("provider");
        QTest::newRow("alipay") << QStringLiteral("alipay");
        QTest::newRow("wechat") << QStringLiteral("wechat");
    }

    void aRefundMadeAtTheProviderIsRecordedByTheJanitor() {
        QFETCH(QString, provider);
        const Channel channel = provider == u"alipay" ? Channel::Alipay : Channel::WeChat;
        const QString outTradeNo = pay(channel, 3000, PaymentFlow::PayByCode);
        const QString other = pay(channel, 800, PaymentFlow::PayByCode);
        QVERIFY(!outTradeNo.isEmpty() && !other.isEmpty());
        const QString platformNo = QStringLiteral("MP") + outTradeNo.right(8);
        QVERIFY(refundAtTheProvider(channel, outTradeNo, platformNo, 500));
        if (!tradesOfToday())
            QSKIP("the trades straddle China midnight");
        QCOMPARE(stored(outTradeNo).order.refundedFen, money::Fen(0));
        checkout::EngineJanitor janitor(*m_engine);

        const DailyRunOutcome run = runDay(channel, m_day, &janitor);
        QVERIFY2(run.state == BatchState::Complete, qPrintable(run.message));
        const QList<StoredItem> items = storedItems(run.batchId);
        QCOMPARE(classesOf(items),
                 QStringList{QStringLiteral("refund:") + outTradeNo + u'/' + platformNo});
        QVERIFY(items[0].item.localState.isEmpty());
        QCOMPARE(items[0].item.providerAmountFen, money::Fen(500));
        QCOMPARE(items[0].resolution, ItemResolution::Automatic);
        QCOMPARE(items[0].resolvedBy, QStringLiteral("janitor"));
        const QString answered = channel == Channel::Alipay
                                     ? QStringLiteral("alipay.trade.fastpay.refund.query: "
                                                      "REFUND_SUCCESS 5.00; ")
                                     : QStringLiteral("wechatpay refund query: SUCCESS 5.00; ");
        QCOMPARE(items[0].evidence,
                 answered + QStringLiteral("refund %1 not recorded -> succeeded").arg(platformNo));
        QCOMPARE(run.openItemCount, 0);

        // The order is partly refunded now, by the provider's answer, in an event of its own,
        // and the refund is the till's under the provider's number.
        const OrderWithEvents settled = stored(outTradeNo);
        QCOMPARE(settled.order.state, OrderState::PartiallyRefunded);
        QCOMPARE(settled.order.refundedFen, money::Fen(500));
        QCOMPARE(settled.events.last().source, TransitionSource::Reconcile);
        Result<QList<RefundRecord>> refunds = m_store->refunds(outTradeNo);
        QVERIFY(refunds.ok());
        QCOMPARE(refunds->size(), 1);
        QCOMPARE(refunds->at(0).outRequestNo, platformNo);
        QCOMPARE(refunds->at(0).state, RefundRecordState::Succeeded);
        QCOMPARE(refunds->at(0).amountFen, money::Fen(500));

        // Running the day again finds nothing: the ledger agrees with the bill.
        const DailyRunOutcome again = runDay(channel, m_day, &janitor);
        QCOMPARE(again.batchId, run.batchId);
        QCOMPARE(again.itemCount, 0);
        QCOMPARE(storedBatch(again.batchId).totals.local.refundFen, money::Fen(500));
    }

    // A refund item is settled only by the provider's word that it made the refund, of the
    // bill's amount; a refund the provider does not know changes nothing.
    void aRefundItemAgreesOnlyWhenTheProviderMadeIt() {
        DifferenceItem item;
        item.kind = DifferenceClass::Refund;
        item.provider = Channel::Alipay;
        item.outTradeNo = QStringLiteral("S01_T01_20261201_00000001");
        item.outRequestNo = QStringLiteral("MP1");
        item.providerAmountFen = 300;
        item.billLine = 7;
        QVERIFY(janitorAsks(item));
        SettleRefundResult result;
        result.provider = Channel::Alipay;
        result.outcome = SettleFromProviderOutcome::Answered;
        result.outTradeNo = item.outTradeNo;
        result.outRequestNo = item.outRequestNo;
        result.orderKnown = true;
        result.answer.state = gateway::RefundState::NotFound;
        QVERIFY(!EngineJanitor::ledgerAgrees(item, result));
        QCOMPARE(EngineJanitor::evidenceOf(result),
                 QStringLiteral("alipay.trade.fastpay.refund.query: NOT_FOUND; refund MP1 not "
                                "recorded here"));
        result.answer.state = gateway::RefundState::Refunded;
        result.answer.refundFen = 300;
        result.after = RefundRecordState::Succeeded;
        result.refundFen = 250; // another amount than the bill's
        QVERIFY(!EngineJanitor::ledgerAgrees(item, result));
        result.refundFen = 300;
        QVERIFY(EngineJanitor::ledgerAgrees(item, result));
        result.orderKnown = false;
        result.after.reset();
        QVERIFY(!EngineJanitor::ledgerAgrees(item, result));
        QCOMPARE(EngineJanitor::evidenceOf(result),
                 QStringLiteral("alipay.trade.fastpay.refund.query: REFUND_SUCCESS 3.00; the till "
                                "has no such order"));

        // Refunds made here (missing from the bill, or of another amount) are the manager's.
        item.localState = QStringLiteral("succeeded");
        QVERIFY(!janitorAsks(item));
        item.localState = QStringLiteral("requested");
        QVERIFY(janitorAsks(item));
        item.billLine = 0;
        QVERIFY(!janitorAsks(item));
    }

    void aDuplicateLineIsOneItemAndTheFirstLineMatches() {
        checkout::EngineJanitor janitor(*m_engine);
        for (const Channel channel : {Channel::Alipay, Channel::WeChat}) {
            const QString twice = pay(channel, 1200, PaymentFlow::PayByCode);
            QVERIFY(!twice.isEmpty());
            if (!tradesOfToday())
                QSKIP("the trades straddle China midnight");
            FaultRule duplicate =
                billFault(FaultKind::BillDuplicateLine, providerName(channel), m_day);
            duplicate.outTradeNo = twice;
            m_server->faults().add(duplicate);

            const DailyRunOutcome run = runDay(channel, m_day, &janitor);
            QVERIFY2(run.state == BatchState::Complete, qPrintable(run.message));
            const QList<StoredItem> items = storedItems(run.batchId);
            QCOMPARE(classesOf(items), QStringList{QStringLiteral("duplicate:") + twice});
            const DifferenceItem& item = items[0].item;
            QCOMPARE(item.localState, QStringLiteral("paid"));
            QCOMPARE(item.localAmountFen, money::Fen(1200));
            QCOMPARE(item.providerAmountFen, money::Fen(1200));
            QCOMPARE(item.providerState, channel == Channel::Alipay ? QStringLiteral("交易")
                                                                    : QStringLiteral("SUCCESS"));
            // Not the Janitor's: only the manager can tell the provider its bill is wrong.
            QCOMPARE(items[0].resolution, ItemResolution::Open);
            QVERIFY(items[0].evidence.isEmpty());
            const StoredBatch batch = storedBatch(run.batchId);
            QCOMPARE(batch.totals.provider.paymentCount, 2);
            QCOMPARE(batch.totals.provider.paymentFen, money::Fen(2400));
            QCOMPARE(batch.totals.local.paymentCount, 1);
            QCOMPARE(batch.totals.matched, 1);
            QCOMPARE(batch.totals.held, 0);
        }
    }

    void theJanitorIsAskedAboutStatusAndProviderOnlyItemsOneAtATime() {
        const QString failed = failedButPaid(900);
        const QString changed = pay(Channel::Alipay, 1500, PaymentFlow::PayByCode);
        QVERIFY(!failed.isEmpty() && !changed.isEmpty());
        if (!tradesOfToday())
            QSKIP("the trades straddle China midnight");
        FaultRule foreign = billFault(FaultKind::BillForeignTrade, QStringLiteral("alipay"), m_day);
        foreign.outTradeNo = QStringLiteral("OTHERSHOP_A");
        m_server->faults().add(foreign);
        FaultRule change = billFault(FaultKind::BillChangeAmount, QStringLiteral("alipay"), m_day);
        change.outTradeNo = changed;
        m_server->faults().add(change);
        RecordingJanitor janitor;
        const DailyRunOutcome run = runDay(Channel::Alipay, m_day, &janitor);
        QVERIFY2(run.state == BatchState::Complete, qPrintable(run.message));
        QCOMPARE(janitor.asked, (QStringList{QStringLiteral("provider_only:OTHERSHOP_A"),
                                             QStringLiteral("provider_only:") + failed}));
        QVERIFY(!janitor.overlapped);
        const QList<StoredItem> items = storedItems(run.batchId);
        QCOMPARE(classesOf(items), (QStringList{QStringLiteral("provider_only:OTHERSHOP_A"),
                                                QStringLiteral("provider_only:") + failed,
                                                QStringLiteral("amount:") + changed}));
        QCOMPARE(items[0].evidence, QStringLiteral("asked"));
        QCOMPARE(items[1].evidence, QStringLiteral("asked"));
        QVERIFY(items[2].evidence.isEmpty()); // the amount item is not the Janitor's
        QCOMPARE(run.openItemCount, 3);
        // Only the Janitor moves the ledger: the failed order stays failed here.
        QCOMPARE(stored(failed).order.state, OrderState::Failed);
    }

    // A status item (paid here, listed otherwise in the bill) is settled only when the
    // provider's answer moved the ledger off "paid".
    void aStatusItemAgreesOnlyOnceTheLedgerDoes() {
        DifferenceItem item;
        item.kind = DifferenceClass::Status;
        item.provider = Channel::WeChat;
        item.outTradeNo = QStringLiteral("S01_T01_20261201_00000001");
        item.providerState = QStringLiteral("REVOKED");
        SettleFromProviderResult result;
        result.outcome = SettleFromProviderOutcome::Answered;
        result.before = OrderState::Paid;
        result.after = OrderState::Paid;
        result.orderFen = 1500;
        result.snapshot.state = gateway::TradeState::Closed;
        result.snapshot.providerState = QStringLiteral("REVOKED");
        result.snapshot.totalFen = 1500;
        QVERIFY(!EngineJanitor::ledgerAgrees(item, result));
        QCOMPARE(EngineJanitor::evidenceOf(item, result),
                 QStringLiteral("wechatpay transactions query: REVOKED 15.00; order stays paid"));
        result.after = OrderState::Refunded;
        QVERIFY(EngineJanitor::ledgerAgrees(item, result));
        result.outcome = SettleFromProviderOutcome::NotAnswered;
        result.message = QStringLiteral("no network");
        QVERIFY(!EngineJanitor::ledgerAgrees(item, result));
        QCOMPARE(EngineJanitor::evidenceOf(item, result),
                 QStringLiteral("wechatpay transactions query: not answered (no network)"));
    }

    void aRunningCheckoutIsNotDisturbed() {
        const QString id =
            start(newSale(Channel::Alipay, QStringLiteral("Tea"), 800, PaymentFlow::QrCode));
        std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(waiting);
        QObject context;
        std::optional<SettleFromProviderResult> answer;
        m_engine->settleFromProvider(Channel::Alipay, waiting->outTradeNo, &context,
                                     [&answer](SettleFromProviderResult r) { answer = r; });
        QTRY_VERIFY(answer.has_value());
        QCOMPARE(answer->outcome, SettleFromProviderOutcome::Running);
        QCOMPARE(stored(waiting->outTradeNo).order.state, OrderState::Pending);
        DifferenceItem item;
        item.kind = DifferenceClass::ProviderOnly;
        item.outTradeNo = waiting->outTradeNo;
        QVERIFY(!EngineJanitor::ledgerAgrees(item, *answer));
        m_engine->cancel(waiting->outTradeNo, QStringLiteral("1001"));
        QVERIFY(waitFor(id));
    }

    void aBillNotMadeYetWaitsThenIsOverdueThenIsMatched() {
        const QString paid = pay(Channel::WeChat, 1500, PaymentFlow::PayByCode);
        QVERIFY(!paid.isEmpty());
        if (!tradesOfToday())
            QSKIP("the trades straddle China midnight");
        FaultRule notReady = billFault(FaultKind::BillNotReady, QStringLiteral("wechat"), m_day);
        notReady.untilMs = QDateTime::currentMSecsSinceEpoch() + 3600'000;
        const int rule = m_server->faults().add(notReady);
        checkout::EngineJanitor janitor(*m_engine);

        const DailyRunOutcome waiting = runDay(Channel::WeChat, m_day, &janitor,
                                               QDateTime::currentMSecsSinceEpoch() + 3600'000);
        QCOMPARE(waiting.state, BatchState::WaitingForBill);
        QVERIFY(!waiting.message.isEmpty());
        QCOMPARE(storedBatch(waiting.batchId).state, BatchState::WaitingForBill);
        QCOMPARE(storedBatch(waiting.batchId).error, waiting.message);

        const DailyRunOutcome overdue =
            runDay(Channel::WeChat, m_day, &janitor, QDateTime::currentMSecsSinceEpoch() - 1);
        QCOMPARE(overdue.state, BatchState::Overdue);
        QCOMPARE(overdue.batchId, waiting.batchId);
        QCOMPARE(storedBatch(overdue.batchId).attempts, 2);

        m_server->faults().remove(rule);
        const DailyRunOutcome matched = runDay(Channel::WeChat, m_day, &janitor);
        QVERIFY2(matched.state == BatchState::Complete, qPrintable(matched.message));
        QCOMPARE(matched.batchId, waiting.batchId);
        QCOMPARE(storedBatch(matched.batchId).totals.matched, 1);

        // A matched batch is never replaced by a later download that did not work.
        m_server->faults().add(notReady);
        const DailyRunOutcome late = runDay(Channel::WeChat, m_day, &janitor);
        QCOMPARE(late.state, BatchState::WaitingForBill);
        QCOMPARE(storedBatch(waiting.batchId).state, BatchState::Complete);
    }

    void aDayWithoutTradesAndADamagedBill() {
        const QString paid = pay(Channel::Alipay, 1500, PaymentFlow::PayByCode);
        QVERIFY(!paid.isEmpty());
        if (!tradesOfToday())
            QSKIP("the trades straddle China midnight");
        // WeChat Pay says there is no bill of a day without trades.
        const DailyRunOutcome none = runDay(Channel::WeChat, m_day.addDays(-1), nullptr);
        QCOMPARE(none.state, BatchState::NoBill);
        QCOMPARE(storedBatch(none.batchId).state, BatchState::NoBill);
        // Matched as an empty bill: the till had nothing that day either.
        QCOMPARE(none.itemCount, 0);
        QCOMPARE(storedBatch(none.batchId).totals, BatchTotals{});
        QVERIFY(storedBatch(none.batchId).billFile.isEmpty());

        m_server->faults().add(
            billFault(FaultKind::BillTruncated, QStringLiteral("alipay"), m_day));
        const DailyRunOutcome damaged = runDay(Channel::Alipay, m_day, nullptr);
        QCOMPARE(damaged.state, BatchState::Failed);
        QVERIFY(!damaged.message.isEmpty());
        QCOMPARE(storedBatch(damaged.batchId).error, damaged.message);
        QVERIFY(storedItems(damaged.batchId).isEmpty());
        // Nothing half matched is kept: no bill file either.
        QVERIFY(!QFile::exists(
            QDir(billDirectory())
                .filePath(
                    QStringLiteral("alipay-%1-%2.zip").arg(kPid, m_day.toString(Qt::ISODate)))));
    }

    void aRunGoneBeforeItsAnswerNeverCallsBack() {
        SqliteLedger ledger;
        QVERIFY(ledger.open(m_dir->file(QStringLiteral("orders.db"))).ok());
        int finished = 0;
        {
            DailyReconciliation run(*m_gateways->find(Channel::Alipay), ledger, batches(), nullptr,
                                    LedgerScope{Channel::Alipay, kPid}, m_day, {});
            connect(&run, &DailyReconciliation::finished, this, [&finished] { ++finished; });
            run.start();
        }
        QTest::qWait(1500);
        QCOMPARE(finished, 0);
    }
};

QTEST_MAIN(TestReconcileRuns)
#include "tst_reconcile_runs.moc"
