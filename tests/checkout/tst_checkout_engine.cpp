// The checkout engine against the real sandbox over loopback HTTP: paid, cancelled, expired,
// paid during the cancel, unknown then paid, duplicate and late results, refunds, and
// start-up recovery of what an earlier run left open.

#include "core/checkout/CheckoutEngine.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "core/storage/OrderStore.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/faults/FaultPlan.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "tests/checkout/EngineFixture.h"
#include "tests/sandbox/FaultRules.h"
#include "tests/sandbox/SandboxClientSettings.h"
#include "tests/support/TempDir.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::checkout;
using namespace qpos::sandbox;

namespace {

const QString kAppId = QStringLiteral("2021000000000888");
const QString kAuthCode = QStringLiteral("287951669656380001");

} // namespace

class TestCheckoutEngine : public QObject, private test::EngineFixture {
    Q_OBJECT

    crypto::RsaPrivateKey m_appKey;

    AlipaySimulator& sim() { return m_server->alipay(); }

    alipay::AlipayClientSettings settings() {
        return test::alipaySandboxSettings(*m_server, kAppId, m_appKey,
                                           test::LoopbackTiming::engine());
    }

    static NewOrder sale(money::Fen fen, PaymentFlow flow = PaymentFlow::QrCode) {
        return newSale(Channel::Alipay, QStringLiteral("Coffee"), fen, flow);
    }

    void makeEngine(const CheckoutPolicy& p) {
        Result<std::unique_ptr<alipay::AlipayClient>> client =
            alipay::AlipayClient::create(settings());
        QVERIFY2(client.ok(), qPrintable(client.ok() ? QString() : client.error().message));
        installEngine(std::move(client).value(), p);
    }

private slots:
    void init() {
        startSandboxAndStore();
        if (QTest::currentTestFailed())
            return;
        Result<crypto::RsaPrivateKey> key = sim().createApp(kAppId);
        QVERIFY(key.ok());
        m_appKey = *key;
        makeEngine(policy());
    }

    void cleanup() { tearDown(); }

    void qrPaidByPolling() {
        const QString id = start(sale(1234));
        std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(waiting);
        QVERIFY(waiting->qrCode.startsWith(QStringLiteral("https://qr.alipay.com/")));
        QVERIFY(waiting->expiresAtMs > QDateTime::currentMSecsSinceEpoch());
        // The order was durable before the request left: its first event is Created.
        QCOMPARE(stored(waiting->outTradeNo).events.first().newState, OrderState::Created);
        QVERIFY(sim().buyerPay(waiting->outTradeNo).ok());
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Paid);
        const OrderWithEvents o = stored(done->outTradeNo);
        QCOMPARE(o.order.state, OrderState::Paid);
        QVERIFY(!o.order.providerTradeNo.isEmpty());
        QVERIFY(o.order.paidAtMs.has_value());
        QCOMPARE(statesOf(o),
                 (QList<OrderState>{OrderState::Created, OrderState::Pending, OrderState::Paid}));
        QCOMPARE(o.events.last().source, TransitionSource::Poll);
        QVERIFY(!m_engine->isRunning(done->outTradeNo));
    }

    void cashierCancelsBeforeScan() {
        const QString id = start(sale(500));
        std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(waiting);
        m_engine->cancel(waiting->outTradeNo, QStringLiteral("1001"));
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Cancelled);
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Cancelled);
        // The provider keeps the number closed: the QR can never be paid now.
        QVERIFY(!sim().buyerPay(done->outTradeNo).ok());
    }

    void cashierCancelsAfterScan() {
        const QString id = start(sale(501));
        std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(waiting);
        QVERIFY(sim().buyerScan(waiting->outTradeNo).ok());
        m_engine->cancel(waiting->outTradeNo, QStringLiteral("1001"));
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Cancelled);
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Cancelled);
    }

    void qrExpires() {
        makeEngine(policy(1));
        const QString id = start(sale(502));
        std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(waiting);
        QVERIFY(sim().buyerScan(waiting->outTradeNo).ok()); // scanned, never paid
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Expired);
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Cancelled);
        QCOMPARE(sim().trade(done->outTradeNo)->status, AlipayTradeStatus::Closed);
    }

    void qrExpiresUnscanned() {
        makeEngine(policy(1));
        const QString id = start(sale(503));
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Expired);
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Cancelled);
        // Nothing existed to close, so the engine cancelled: the QR is dead for good.
        QVERIFY(!sim().buyerPay(done->outTradeNo).ok());
    }

    void paidDuringCancelIsRefunded() {
        // Slow polls: the buyer's payment is not seen before the cashier's cancel.
        CheckoutPolicy p = policy();
        p.poll.fastInterval = std::chrono::seconds(30);
        makeEngine(p);
        const QString id = start(sale(777));
        std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(waiting);
        QVERIFY(sim().buyerPay(waiting->outTradeNo).ok());
        m_engine->cancel(waiting->outTradeNo, QStringLiteral("1001"));
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Reversed);
        const OrderWithEvents o = stored(done->outTradeNo);
        QCOMPARE(o.order.state, OrderState::Refunded);
        QCOMPARE(o.order.refundedFen, money::Fen(777));
        QCOMPARE(statesOf(o), (QList<OrderState>{OrderState::Created, OrderState::Pending,
                                                 OrderState::Paid, OrderState::Refunded}));
        QCOMPARE(sim().trade(done->outTradeNo)->refunded, money::Fen(777));
    }

    void paidJustBeforeExpiryStaysPaid() {
        CheckoutPolicy p = policy(1);
        p.poll.fastInterval = std::chrono::seconds(30);
        makeEngine(p);
        const QString id = start(sale(778));
        std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(waiting);
        QVERIFY(sim().buyerPay(waiting->outTradeNo).ok());
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Paid);
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Paid);
        QCOMPARE(sim().trade(done->outTradeNo)->refunded, money::Fen(0));
    }

    void payByCodePaidAtOnce() {
        const QString id = start(sale(888, PaymentFlow::PayByCode), kAuthCode);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Paid);
        const OrderWithEvents o = stored(done->outTradeNo);
        QCOMPARE(o.order.state, OrderState::Paid);
        QCOMPARE(o.events.last().source, TransitionSource::Request);
    }

    void payByCodeDeclined() {
        sim().setPayBehaviour(AlipayPayBehaviour::Declined);
        const QString id = start(sale(889, PaymentFlow::PayByCode), kAuthCode);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Failed);
        QVERIFY(!done->message.isEmpty());
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Failed);
    }

    void payByCodeBuyerConfirms() {
        sim().setPayBehaviour(AlipayPayBehaviour::BuyerConfirms);
        const QString id = start(sale(890, PaymentFlow::PayByCode), kAuthCode);
        std::optional<CheckoutUpdate> confirming = waitFor(id, CheckoutPhase::Confirming);
        QVERIFY(confirming);
        QCOMPARE(stored(confirming->outTradeNo).order.state, OrderState::Pending);
        QVERIFY(sim().buyerPay(confirming->outTradeNo).ok());
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Paid);
    }

    void unknownThenPaid() {
        // The pay is applied but its answer is lost (Qt resends a POST once, so drop both).
        m_server->faults().add(
            test::faultRule(FaultKind::DropAfterCommit, QStringLiteral("alipay.trade.pay"), 3));
        const QString id = start(sale(891, PaymentFlow::PayByCode), kAuthCode);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Paid);
        const OrderWithEvents o = stored(done->outTradeNo);
        QCOMPARE(statesOf(o),
                 (QList<OrderState>{OrderState::Created, OrderState::Unknown, OrderState::Paid}));
        // Only a query answer leaves Unknown.
        QCOMPARE(o.events.last().source, TransitionSource::Poll);
    }

    void unknownQrIsCancelledNotGuessed() {
        // The precreate's answer is lost: no QR can be shown, so nobody can pay it; the
        // engine cancels it at the provider and a query decides.
        m_server->faults().add(test::faultRule(FaultKind::DropAfterCommit,
                                               QStringLiteral("alipay.trade.precreate"), 3));
        const QString id = start(sale(892));
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Cancelled);
        const OrderWithEvents o = stored(done->outTradeNo);
        QCOMPARE(o.order.state, OrderState::Cancelled);
        QVERIFY(statesOf(o).contains(OrderState::Unknown));
        QVERIFY(o.events.last().source == TransitionSource::Poll);
    }

    void pushAndPollDuplicatesAreHarmless() {
        CheckoutPolicy p = policy();
        p.poll.fastInterval = std::chrono::seconds(30);
        makeEngine(p);
        const QString id = start(sale(900));
        std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(waiting);
        QVERIFY(sim().buyerPay(waiting->outTradeNo).ok());
        gateway::PaymentNotification n;
        n.channel = Channel::Alipay;
        n.outTradeNo = waiting->outTradeNo;
        n.providerTradeNo = sim().trade(waiting->outTradeNo)->tradeNo;
        n.state = gateway::TradeState::Paid;
        n.totalFen = 900;
        QVERIFY(m_engine->acceptNotification(n).ok());
        QVERIFY(m_engine->acceptNotification(n).ok()); // the provider repeats itself
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Paid);
        // A late "waiting" and a stale duplicate change nothing.
        n.state = gateway::TradeState::WaitingForBuyer;
        QVERIFY(m_engine->acceptNotification(n).ok()); // handled: it changes nothing
        const OrderWithEvents o = stored(done->outTradeNo);
        QCOMPARE(o.order.state, OrderState::Paid);
        QCOMPARE(statesOf(o).count(OrderState::Paid), 1);
        QCOMPARE(o.events.last().source, TransitionSource::Push);
        // A forged amount is refused.
        n.state = gateway::TradeState::Closed;
        n.totalFen = 1;
        QCOMPARE(m_engine->acceptNotification(n).error().code,
                 QStringLiteral("notification.amount_mismatch"));
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Paid);
    }

    void refundPartialThenFull() {
        const QString id = start(sale(1000, PaymentFlow::PayByCode), kAuthCode);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done && done->phase == CheckoutPhase::Paid);
        QSignalSpy reports(m_engine.get(), &CheckoutEngine::refundFinished);

        m_engine->refund(RefundCommand{QStringLiteral("r1"), done->outTradeNo, 300,
                                       QStringLiteral("broken cup"), QStringLiteral("9001")});
        QVERIFY(reports.wait(10000));
        auto report = reports.takeFirst().at(0).value<RefundReport>();
        QVERIFY2(report.ok, qPrintable(report.message));
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::PartiallyRefunded);
        QCOMPARE(stored(done->outTradeNo).order.refundedFen, money::Fen(300));

        // More than what is left is refused before anything is sent.
        m_engine->refund(
            RefundCommand{QStringLiteral("r2"), done->outTradeNo, 701, {}, QStringLiteral("9001")});
        QVERIFY(reports.count() > 0 || reports.wait(5000));
        report = reports.takeFirst().at(0).value<RefundReport>();
        QVERIFY(!report.ok);
        QCOMPARE(sim().trade(done->outTradeNo)->refunded, money::Fen(300));

        m_engine->refund(
            RefundCommand{QStringLiteral("r3"), done->outTradeNo, 700, {}, QStringLiteral("9001")});
        QVERIFY(reports.wait(10000));
        report = reports.takeFirst().at(0).value<RefundReport>();
        QVERIFY2(report.ok, qPrintable(report.message));
        const OrderWithEvents o = stored(done->outTradeNo);
        QCOMPARE(o.order.state, OrderState::Refunded);
        QCOMPARE(o.order.refundedFen, money::Fen(1000));
        QCOMPARE(sim().trade(done->outTradeNo)->refunded, money::Fen(1000));
        QCOMPARE(m_store->openRefunds()->size(), 0);
    }

    void refundAnswerLostIsSettledLater() {
        const QString id = start(sale(1100, PaymentFlow::PayByCode), kAuthCode);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done && done->phase == CheckoutPhase::Paid);
        m_server->faults().add(
            test::faultRule(FaultKind::Timeout, QStringLiteral("alipay.trade.refund"), 3));
        QSignalSpy reports(m_engine.get(), &CheckoutEngine::refundFinished);
        m_engine->refund(RefundCommand{
            QStringLiteral("r1"), done->outTradeNo, 1100, {}, QStringLiteral("9001")});
        QVERIFY(reports.wait(15000));
        const auto report = reports.takeFirst().at(0).value<RefundReport>();
        QVERIFY(!report.ok);
        QVERIFY(report.pending);
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Paid);
        // The engine asks again by itself and settles it once.
        QTRY_COMPARE_WITH_TIMEOUT(stored(done->outTradeNo).order.state, OrderState::Refunded,
                                  15000);
        QCOMPARE(sim().trade(done->outTradeNo)->refunded, money::Fen(1100));
        QCOMPARE(m_store->openRefunds()->size(), 0);
    }

    // The refund's answer was lost, and Alipay's notification of it came before the engine
    // asked again: the notification settles the till's open refund, so the query's answer that
    // follows counts the money no second time.
    void aRefundNotifiedBeforeItsLostAnswerCountsOnce() {
        const QString id = start(sale(1000, PaymentFlow::PayByCode), kAuthCode);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done && done->phase == CheckoutPhase::Paid);
        m_server->faults().add(
            test::faultRule(FaultKind::DropAfterCommit, QStringLiteral("alipay.trade.refund"), 1));
        QSignalSpy reports(m_engine.get(), &CheckoutEngine::refundFinished);
        m_engine->refund(
            RefundCommand{QStringLiteral("r1"), done->outTradeNo, 400, {}, QStringLiteral("9001")});
        QVERIFY(reports.wait(15000));
        QVERIFY(reports.takeFirst().at(0).value<RefundReport>().pending);
        const QList<RefundRecord> open = *m_store->openRefunds();
        QCOMPARE(open.size(), 1);
        QCOMPARE(sim().trade(done->outTradeNo)->refunded, money::Fen(400));

        gateway::PaymentNotification n;
        n.channel = Channel::Alipay;
        n.outTradeNo = done->outTradeNo;
        n.providerTradeNo = sim().trade(done->outTradeNo)->tradeNo;
        n.state = gateway::TradeState::Paid;
        n.totalFen = 1000;
        n.refundedTotalFen = 400;
        n.outRequestNo = open[0].outRequestNo;
        QVERIFY(m_engine->acceptNotification(n).ok());
        QCOMPARE(m_store->openRefunds()->size(), 0);
        QCOMPARE(stored(done->outTradeNo).order.refundedFen, money::Fen(400));
        const QList<OutboxEntry> outbox = *m_store->pendingOutbox(50);
        const QJsonObject last = QJsonDocument::fromJson(outbox.last().payload).object();
        QCOMPARE(last.value(u"out_request_no").toString(), open[0].outRequestNo);
        QCOMPARE(last.value(u"approved_by").toString(), QStringLiteral("9001"));

        // The engine's own check comes and finds it settled; the total stays.
        QTest::qWait(6000);
        const OrderWithEvents o = stored(done->outTradeNo);
        QCOMPARE(o.order.state, OrderState::PartiallyRefunded);
        QCOMPARE(o.order.refundedFen, money::Fen(400));
        QCOMPARE(statesOf(o).count(OrderState::PartiallyRefunded), 1);
        QCOMPARE(m_store->refunds(done->outTradeNo)->at(0).state, RefundRecordState::Succeeded);
    }

    RefundReport refundAndWait(const QString& outTradeNo, money::Fen fen, const QString& id) {
        QSignalSpy reports(m_engine.get(), &CheckoutEngine::refundFinished);
        m_engine->refund(RefundCommand{id, outTradeNo, fen, {}, QStringLiteral("9001")});
        if (reports.isEmpty() && !reports.wait(15000))
            return {};
        return reports.takeFirst().at(0).value<RefundReport>();
    }

    // fund_change=N does not prove the money moved: the refund stays open until the refund
    // query finds it, and is not sent again when it is there.
    void refundWithoutFundChangeIsConfirmedByQuery() {
        const QString id = start(sale(1000, PaymentFlow::PayByCode), kAuthCode);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done && done->phase == CheckoutPhase::Paid);
        FaultRule unconfirmed =
            test::faultRule(FaultKind::RefundUnconfirmed, QStringLiteral("alipay.trade.refund"));
        unconfirmed.commit = true; // made, but answered N
        m_server->faults().add(unconfirmed);

        const RefundReport report = refundAndWait(done->outTradeNo, 300, QStringLiteral("r1"));
        QVERIFY2(!report.ok, qPrintable(report.message));
        QVERIFY(report.pending);
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Paid);
        QTRY_COMPARE_WITH_TIMEOUT(stored(done->outTradeNo).order.state,
                                  OrderState::PartiallyRefunded, 15000);
        QCOMPARE(stored(done->outTradeNo).order.refundedFen, money::Fen(300));
        QCOMPARE(m_store->refunds(done->outTradeNo)->at(0).state, RefundRecordState::Succeeded);
        QCOMPARE(sim().trade(done->outTradeNo)->refunded, money::Fen(300));
        QCOMPARE(sim().refundRequestTimes(done->outTradeNo).size(), 1); // never repeated
    }

    // fund_change=N for a refund Alipay did not make: the query finds no refund data, and the
    // refund is sent again with the same out_request_no, at least 3 s after the first.
    void refundNotMadeIsRepeatedWithTheSameNumber() {
        const QString id = start(sale(1000, PaymentFlow::PayByCode), kAuthCode);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done && done->phase == CheckoutPhase::Paid);
        m_server->faults().add(
            test::faultRule(FaultKind::RefundUnconfirmed, QStringLiteral("alipay.trade.refund")));

        const RefundReport report = refundAndWait(done->outTradeNo, 400, QStringLiteral("r1"));
        QVERIFY2(!report.ok, qPrintable(report.message));
        QVERIFY(report.pending);
        QCOMPARE(sim().trade(done->outTradeNo)->refunded, money::Fen(0));
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Paid);
        QTRY_COMPARE_WITH_TIMEOUT(stored(done->outTradeNo).order.state,
                                  OrderState::PartiallyRefunded, 15000);
        const AlipayTrade trade = *sim().trade(done->outTradeNo);
        QCOMPARE(trade.refunded, money::Fen(400));
        QCOMPARE(trade.refunds.size(), 1);
        QCOMPARE(trade.refunds.at(0).outRequestNo, report.outRequestNo);
        const QList<qint64> sent = sim().refundRequestTimes(done->outTradeNo);
        QCOMPARE(sent.size(), 2);
        QVERIFY2(sent.at(1) - sent.at(0) >= 3000,
                 qPrintable(QString::number(sent.at(1) - sent.at(0))));
    }

    // Alipay asks for repeats of a refund on a trade to be at least 3 s apart.
    void refundRepeatsAreThreeSecondsApart() {
        QCOMPARE(CheckoutPolicy{}.refundRepeatGap, std::chrono::milliseconds(3000));
        QCOMPARE(policy().refundRepeatGap, std::chrono::milliseconds(3000));
        const QString id = start(sale(1000, PaymentFlow::PayByCode), kAuthCode);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done && done->phase == CheckoutPhase::Paid);
        // Not made, and its outcome not known: the refund is repeated.
        m_server->faults().add(
            test::faultRule(FaultKind::SystemError, QStringLiteral("alipay.trade.refund")));

        const RefundReport report = refundAndWait(done->outTradeNo, 500, QStringLiteral("r1"));
        QVERIFY(report.pending);
        QTRY_COMPARE_WITH_TIMEOUT(stored(done->outTradeNo).order.state,
                                  OrderState::PartiallyRefunded, 15000);
        const QList<qint64> sent = sim().refundRequestTimes(done->outTradeNo);
        QCOMPARE(sent.size(), 2);
        QVERIFY2(sent.at(1) - sent.at(0) >= 3000,
                 qPrintable(QString::number(sent.at(1) - sent.at(0))));
        QCOMPARE(sim().trade(done->outTradeNo)->refunded, money::Fen(500));
    }

    void recoverySettlesWhatAnEarlierRunLeftOpen() {
        // Three checkouts are left open by a till that went away: one the buyer paid, one
        // scanned and abandoned, one never scanned.
        const QString paid = start(sale(1201));
        const QString scanned = start(sale(1202));
        const QString unscanned = start(sale(1203));
        std::optional<CheckoutUpdate> a = waitFor(paid, CheckoutPhase::Waiting);
        std::optional<CheckoutUpdate> b = waitFor(scanned, CheckoutPhase::Waiting);
        std::optional<CheckoutUpdate> c = waitFor(unscanned, CheckoutPhase::Waiting);
        QVERIFY(a && b && c);
        m_engine.reset(); // the till stops
        QVERIFY(sim().buyerPay(a->outTradeNo).ok());
        QVERIFY(sim().buyerScan(b->outTradeNo).ok());
        // And an order written just before a crash, whose request never left.
        Result<Order> created = m_store->createOrder(sale(1204));
        QVERIFY(created.ok());
        QCOMPARE(m_store->openOrders()->size(), 4);

        makeEngine(policy());
        QSignalSpy finished(m_engine.get(), &CheckoutEngine::recoveryFinished);
        m_engine->recover();
        QVERIFY(finished.wait(20000));
        const auto report = finished.takeFirst().at(0).value<RecoveryReport>();
        qInfo().noquote() << report.lines.join(QLatin1Char('\n'));
        QCOMPARE(report.examined, 4);
        QCOMPARE(report.settled, 4);
        QCOMPARE(report.unresolved, 0);
        QCOMPARE(stored(a->outTradeNo).order.state, OrderState::Paid);
        QCOMPARE(stored(a->outTradeNo).events.last().source, TransitionSource::Recovery);
        QCOMPARE(stored(b->outTradeNo).order.state, OrderState::Cancelled);
        QCOMPARE(stored(c->outTradeNo).order.state, OrderState::Cancelled);
        QCOMPARE(stored(created->outTradeNo).order.state, OrderState::Cancelled);
        QVERIFY(!sim().buyerPay(c->outTradeNo).ok());
        QCOMPARE(m_store->openOrders()->size(), 0);
    }

    void recoveryLeavesOrdersOpenWhenTheProviderIsAway() {
        const QString id = start(sale(1301));
        std::optional<CheckoutUpdate> w = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(w);
        m_engine.reset();
        m_server->faults().add(test::faultRule(FaultKind::HttpError, QString(), -1));
        makeEngine(policy());
        QSignalSpy finished(m_engine.get(), &CheckoutEngine::recoveryFinished);
        m_engine->recover();
        QVERIFY(finished.wait(20000));
        const auto report = finished.takeFirst().at(0).value<RecoveryReport>();
        QCOMPARE(report.unresolved, 1);
        QCOMPARE(stored(w->outTradeNo).order.state, OrderState::Pending); // not guessed
    }

    void unknownChannelIsRefusedWithoutAnOrder() {
        NewOrder o = sale(100);
        o.channel = Channel::WeChat;
        const QString id = start(o);
        std::optional<CheckoutUpdate> u = m_harness.latest(id);
        QVERIFY(u);
        QCOMPARE(u->phase, CheckoutPhase::Failed);
        QVERIFY(u->outTradeNo.isEmpty());
        QVERIFY(!u->message.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCheckoutEngine)
#include "tst_checkout_engine.moc"
