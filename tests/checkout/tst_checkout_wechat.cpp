// The checkout engine over the real WeChat Pay client against the sandbox's WeChat side, over
// loopback HTTP: the same flows as Alipay (QR paid, cancelled, expired, paid during the cancel,
// payment code confirmed or not, refunds WeChat finishes later, push, recovery), which proves
// the engine is not Alipay-shaped.

#include "core/checkout/CheckoutEngine.h"
#include "core/gateways/wechat/WechatClient.h"
#include "core/storage/OrderStore.h"
#include "sandbox/faults/FaultPlan.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatSimulator.h"
#include "tests/checkout/EngineFixture.h"
#include "tests/sandbox/SandboxClientSettings.h"
#include "tests/support/TempDir.h"

#include <QDeadlineTimer>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::checkout;
using namespace qpos::sandbox;

namespace {

const QString kMchId = QStringLiteral("1900000109");
const QString kAppId = QStringLiteral("wx8888888888888888");
const QString kCodePaysAtOnce = QStringLiteral("134567890123450001");
const QString kCodeBuyerConfirms = QStringLiteral("134567890123459991");

} // namespace

class TestCheckoutWechat : public QObject, private test::EngineFixture {
    Q_OBJECT

    std::optional<WechatMerchantCredentials> m_merchant;
    wechat::WechatClient* m_client = nullptr;
    QList<gateway::IncomingNotification> m_notifications;

    WechatSimulator& sim() { return m_server->wechat(); }

    wechat::WechatClientSettings settings() {
        return test::wechatSandboxSettings(
            *m_server, *m_merchant, QStringLiteral("https://backend.example.com/wechat/notify"),
            test::LoopbackTiming::engine());
    }

    static NewOrder sale(money::Fen fen, PaymentFlow flow = PaymentFlow::QrCode) {
        return newSale(Channel::WeChat, QStringLiteral("Tea"), fen, flow);
    }

    void makeEngine(const CheckoutPolicy& p) {
        Result<std::unique_ptr<wechat::WechatClient>> client =
            wechat::WechatClient::create(settings());
        QVERIFY2(client.ok(), qPrintable(client.ok() ? QString() : client.error().message));
        m_client = client->get();
        installEngine(std::move(client).value(), p);
    }

    RefundReport refund(const QString& outTradeNo, money::Fen fen, const QString& requestId) {
        QSignalSpy reports(m_engine.get(), &CheckoutEngine::refundFinished);
        m_engine->refund(RefundCommand{requestId, outTradeNo, fen, QStringLiteral("returned"),
                                       QStringLiteral("9001")});
        // A refusal before anything is sent is reported at once, inside refund().
        if (reports.isEmpty() && !reports.wait(10000))
            return {};
        return reports.takeFirst().at(0).value<RefundReport>();
    }

private slots:
    void init() {
        m_notifications.clear();
        startSandboxAndStore();
        if (QTest::currentTestFailed())
            return;
        Result<WechatMerchantCredentials> merchant = sim().createMerchant(kMchId, kAppId);
        QVERIFY2(merchant.ok(), qPrintable(merchant.ok() ? QString() : merchant.error().message));
        m_merchant = *merchant;
        makeEngine(policy());
    }

    void cleanup() {
        m_client = nullptr;
        tearDown();
        m_merchant.reset();
    }

    void qrPaidByPolling() {
        const QString id = start(sale(1234));
        std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(waiting);
        QVERIFY2(waiting->qrCode.startsWith(QStringLiteral("weixin://wxpay/bizpayurl?pr=")),
                 qPrintable(waiting->qrCode));
        QCOMPARE(sim().trade(waiting->outTradeNo)->total, money::Fen(1234));
        QVERIFY(sim().buyerPay(waiting->outTradeNo).ok());
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Paid);
        const OrderWithEvents o = stored(done->outTradeNo);
        QCOMPARE(o.order.state, OrderState::Paid);
        QCOMPARE(o.order.providerTradeNo, sim().trade(done->outTradeNo)->transactionId);
        QVERIFY(o.order.paidAtMs.has_value());
        QCOMPARE(statesOf(o),
                 (QList<OrderState>{OrderState::Created, OrderState::Pending, OrderState::Paid}));
    }

    void cashierCancelsUnpaidQr() {
        const QString id = start(sale(500));
        std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(waiting);
        m_engine->cancel(waiting->outTradeNo, QStringLiteral("1001"));
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Cancelled);
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Cancelled);
        QCOMPARE(sim().trade(done->outTradeNo)->state, WechatTradeState::Closed);
        QVERIFY(!sim().buyerPay(done->outTradeNo).ok());
    }

    void qrExpiresAndIsClosed() {
        makeEngine(policy(2));
        const QString id = start(sale(502));
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Expired);
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Cancelled);
        QCOMPARE(sim().trade(done->outTradeNo)->state, WechatTradeState::Closed);
    }

    void paidDuringCancelIsRefunded() {
        CheckoutPolicy p = policy();
        p.poll.fastInterval = std::chrono::seconds(30); // the payment is not seen by a poll
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
        // WeChat has no cancel for a paid Native order: the client refunded it in full.
        QCOMPARE(sim().trade(done->outTradeNo)->refunded, money::Fen(777));
    }

    void codePaysAtOnce() {
        const QString id = start(sale(880, PaymentFlow::PayByCode), kCodePaysAtOnce);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Paid);
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Paid);
        QCOMPARE(sim().trade(done->outTradeNo)->kind, WechatTrade::Kind::CodePay);
    }

    void codeConfirmedByTheBuyer() {
        const QString id = start(sale(881, PaymentFlow::PayByCode), kCodeBuyerConfirms);
        std::optional<CheckoutUpdate> confirming = waitFor(id, CheckoutPhase::Confirming);
        QVERIFY(confirming);
        QCOMPARE(sim().trade(confirming->outTradeNo)->state, WechatTradeState::UserPaying);
        QVERIFY(sim().buyerPay(confirming->outTradeNo).ok());
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Paid);
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Paid);
    }

    void codeNotConfirmedIsReversed() {
        CheckoutPolicy p = policy();
        p.codeTimeoutS = 1;
        makeEngine(p);
        const QString id = start(sale(882, PaymentFlow::PayByCode), kCodeBuyerConfirms);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QVERIFY2(done->phase == CheckoutPhase::Expired || done->phase == CheckoutPhase::Cancelled,
                 qPrintable(checkoutPhaseName(done->phase)));
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Cancelled);
        QCOMPARE(sim().trade(done->outTradeNo)->state, WechatTradeState::Revoked);
    }

    void refundsFinishedLaterAreConfirmed() {
        WechatOptions options = sim().options();
        options.refundProcessingMs = 400;
        sim().setOptions(options);
        const QString id = start(sale(1000, PaymentFlow::PayByCode), kCodePaysAtOnce);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done && done->phase == CheckoutPhase::Paid);

        // WeChat accepts the refund and finishes it later: kept open, never repeated.
        RefundReport report = refund(done->outTradeNo, 300, QStringLiteral("r1"));
        QVERIFY(!report.ok);
        QVERIFY2(report.pending, qPrintable(report.message));
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Paid);
        QTRY_COMPARE_WITH_TIMEOUT(stored(done->outTradeNo).order.state,
                                  OrderState::PartiallyRefunded, 15000);
        QCOMPARE(stored(done->outTradeNo).order.refundedFen, money::Fen(300));
        QCOMPARE(sim().trade(done->outTradeNo)->refunds.size(), 1);
        QCOMPARE(m_store->openRefunds()->size(), 0);

        // Immediate again: the rest is refunded and confirmed in the answer.
        options.refundProcessingMs = 0;
        sim().setOptions(options);
        report = refund(done->outTradeNo, 700, QStringLiteral("r2"));
        QVERIFY2(report.ok, qPrintable(report.message));
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Refunded);
        QCOMPARE(sim().trade(done->outTradeNo)->refunded, money::Fen(1000));
    }

    // A refund WeChat is still processing after the engine's own checks is not left for the
    // next start: the recovery passes go on asking, less and less often, until it is done.
    void refundsStillProcessingAfterTheChecksAreSweptLater() {
        CheckoutPolicy p = policy();
        p.settleRetry = std::chrono::milliseconds(20); // the five checks are over in 0.3 s
        p.recoveryRetry = std::chrono::milliseconds(300);
        p.recoveryRetryMax = std::chrono::milliseconds(600);
        makeEngine(p);
        WechatOptions options = sim().options();
        options.refundProcessingMs = 2500;
        sim().setOptions(options);
        const QString id = start(sale(1000, PaymentFlow::PayByCode), kCodePaysAtOnce);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done && done->phase == CheckoutPhase::Paid);

        const RefundReport report = refund(done->outTradeNo, 400, QStringLiteral("r1"));
        QVERIFY2(report.pending, qPrintable(report.message));
        QTest::qWait(1000); // the checks have given up; WeChat is still processing
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Paid);
        QCOMPARE(m_store->openRefunds()->size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(stored(done->outTradeNo).order.state,
                                  OrderState::PartiallyRefunded, 15000);
        QCOMPARE(stored(done->outTradeNo).order.refundedFen, money::Fen(400));
        QCOMPARE(sim().trade(done->outTradeNo)->refunds.size(), 1); // never repeated
        QCOMPARE(m_store->openRefunds()->size(), 0);
    }

    // Refund reports that tell of a refund after its own report (no request id).
    QList<RefundReport> laterReports(QSignalSpy& spy) {
        QList<RefundReport> out;
        for (const QList<QVariant>& args : spy) {
            const auto r = args.at(0).value<RefundReport>();
            if (r.requestId.isEmpty())
                out << r;
        }
        return out;
    }

    void setRefundEnd(int processingMs, const QString& outcome) {
        WechatOptions options = sim().options();
        options.refundProcessingMs = processingMs;
        options.refundOutcome = outcome;
        sim().setOptions(options);
    }

    // ABNORMAL: WeChat holds the money. Not a failure (the amount stays spoken for), not sent
    // again, the manager is told, and it is checked until it ends.
    void abnormalRefundIsHeldAndNeverRepeated() {
        CheckoutPolicy p = policy();
        p.settleRetry = std::chrono::milliseconds(50);
        p.recoveryRetry = std::chrono::milliseconds(300);
        p.recoveryRetryMax = std::chrono::milliseconds(600);
        makeEngine(p);
        setRefundEnd(300, QStringLiteral("ABNORMAL"));
        const QString id = start(sale(1000, PaymentFlow::PayByCode), kCodePaysAtOnce);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done && done->phase == CheckoutPhase::Paid);
        QSignalSpy all(m_engine.get(), &CheckoutEngine::refundFinished);

        const RefundReport report = refund(done->outTradeNo, 400, QStringLiteral("r1"));
        QVERIFY2(report.pending, qPrintable(report.message));
        QTRY_COMPARE_WITH_TIMEOUT(m_store->refunds(done->outTradeNo)->at(0).state,
                                  RefundRecordState::HeldByProvider, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!laterReports(all).isEmpty(), 5000);
        QVERIFY2(laterReports(all).first().message.contains(QStringLiteral("merchant platform")),
                 qPrintable(laterReports(all).first().message));
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Paid);
        QCOMPARE(stored(done->outTradeNo).order.refundedFen, money::Fen(0));
        QCOMPARE(m_store->openRefunds()->size(), 1);

        // The held amount is not refundable again; the rest is.
        const RefundReport again = refund(done->outTradeNo, 601, QStringLiteral("r2"));
        QVERIFY(!again.ok && !again.pending);
        QVERIFY2(again.message.contains(QStringLiteral("merchant platform")),
                 qPrintable(again.message));
        QTest::qWait(1500); // recovery passes check it several times
        QCOMPARE(sim().trade(done->outTradeNo)->refunds.size(), 1); // never sent again
        QCOMPARE(m_store->refunds(done->outTradeNo)->at(0).state,
                 RefundRecordState::HeldByProvider);

        // The manager resolves it on the merchant platform: the till sees it made.
        QVERIFY(sim().resolveRefund(kMchId, report.outRequestNo, WechatRefundStatus::Success));
        QTRY_COMPARE_WITH_TIMEOUT(stored(done->outTradeNo).order.state,
                                  OrderState::PartiallyRefunded, 15000);
        QCOMPARE(stored(done->outTradeNo).order.refundedFen, money::Fen(400));
        QCOMPARE(m_store->openRefunds()->size(), 0);
    }

    // PROCESSING that ends CLOSED: a failed refund (no money moved) the manager is told about,
    // not repeated.
    void processingRefundClosedIsAFailureTheManagerIsTold() {
        CheckoutPolicy p = policy();
        p.settleRetry = std::chrono::milliseconds(50);
        makeEngine(p);
        setRefundEnd(300, QStringLiteral("CLOSED"));
        const QString id = start(sale(1000, PaymentFlow::PayByCode), kCodePaysAtOnce);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done && done->phase == CheckoutPhase::Paid);
        QSignalSpy all(m_engine.get(), &CheckoutEngine::refundFinished);

        const RefundReport report = refund(done->outTradeNo, 400, QStringLiteral("r1"));
        QVERIFY2(report.pending, qPrintable(report.message));
        QTRY_COMPARE_WITH_TIMEOUT(m_store->refunds(done->outTradeNo)->at(0).state,
                                  RefundRecordState::Failed, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!laterReports(all).isEmpty(), 5000);
        const RefundReport told = laterReports(all).first();
        QCOMPARE(told.outRequestNo, report.outRequestNo);
        QVERIFY2(told.message.contains(QStringLiteral("closed")), qPrintable(told.message));
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Paid);
        QCOMPARE(stored(done->outTradeNo).order.refundedFen, money::Fen(0));
        QCOMPARE(sim().trade(done->outTradeNo)->refunds.size(), 1);
        QCOMPARE(m_store->openRefunds()->size(), 0);
    }

    // A cancel that refunded a paid Native order: PROCESSING is not refunded yet. The order
    // is paid with the refund being confirmed until WeChat says SUCCESS.
    void cancelRefundIsConfirmedBeforeTheOrderIsRefunded() {
        CheckoutPolicy p = policy();
        p.poll.fastInterval = std::chrono::seconds(30); // the payment is not seen by a poll
        p.settleRetry = std::chrono::milliseconds(250); // the checks outlast the processing
        makeEngine(p);
        setRefundEnd(1500, QStringLiteral("SUCCESS"));
        const QString id = start(sale(777));
        std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(waiting);
        QVERIFY(sim().buyerPay(waiting->outTradeNo).ok());
        m_engine->cancel(waiting->outTradeNo, QStringLiteral("1001"));
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Reversed);
        QCOMPARE(stored(done->outTradeNo).order.state, OrderState::Paid);
        QCOMPARE(stored(done->outTradeNo).order.refundedFen, money::Fen(0));
        QCOMPARE(m_store->openRefunds()->size(), 1);
        QCOMPARE(m_store->openRefunds()->at(0).outRequestNo, done->outTradeNo + u'C');
        QCOMPARE(m_store->openRefunds()->at(0).amountFen, money::Fen(777));

        QTRY_COMPARE_WITH_TIMEOUT(stored(done->outTradeNo).order.state, OrderState::Refunded,
                                  15000);
        QCOMPARE(stored(done->outTradeNo).order.refundedFen, money::Fen(777));
        QCOMPARE(m_store->openRefunds()->size(), 0);
        QCOMPARE(sim().trade(done->outTradeNo)->refunds.size(), 1);
    }

    // The cancel's refund CLOSED: the payment stays with the shop, and the manager is told.
    void cancelRefundClosedLeavesThePaymentAndTellsTheManager() {
        CheckoutPolicy p = policy();
        p.poll.fastInterval = std::chrono::seconds(30);
        p.settleRetry = std::chrono::milliseconds(50);
        makeEngine(p);
        setRefundEnd(300, QStringLiteral("CLOSED"));
        QSignalSpy all(m_engine.get(), &CheckoutEngine::refundFinished);
        const QString id = start(sale(778));
        std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(waiting);
        QVERIFY(sim().buyerPay(waiting->outTradeNo).ok());
        m_engine->cancel(waiting->outTradeNo, QStringLiteral("1001"));
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Reversed);
        QTRY_VERIFY_WITH_TIMEOUT(!laterReports(all).isEmpty(), 10000);
        QVERIFY2(laterReports(all).first().message.contains(QStringLiteral("closed")),
                 qPrintable(laterReports(all).first().message));
        const OrderWithEvents o = stored(done->outTradeNo);
        QCOMPARE(o.order.state, OrderState::Paid);
        QCOMPARE(o.order.refundedFen, money::Fen(0));
        QCOMPARE(m_store->refunds(done->outTradeNo)->at(0).state, RefundRecordState::Failed);
        QCOMPARE(m_store->openRefunds()->size(), 0);
    }

    void refundOverTheRestIsRefusedLocally() {
        const QString id = start(sale(600, PaymentFlow::PayByCode), kCodePaysAtOnce);
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done && done->phase == CheckoutPhase::Paid);
        const RefundReport report = refund(done->outTradeNo, 601, QStringLiteral("r1"));
        QVERIFY(!report.ok);
        QVERIFY(!report.pending);
        QCOMPARE(sim().trade(done->outTradeNo)->refunded, money::Fen(0));
    }

    void pushNotificationSettlesThePayment() {
        // The store backend's receiver, as far as the till is concerned: what arrived.
        QHttpServer receiver;
        receiver.route(QStringLiteral("/wechat/notify"), QHttpServerRequest::Method::Post,
                       [this](const QHttpServerRequest& request) {
                           gateway::IncomingNotification n;
                           n.body = request.body();
                           for (const auto& [name, value] : request.headers())
                               n.headers.insert(name.toLower(), value);
                           m_notifications << n;
                           return QHttpServerResponse(QHttpServerResponse::StatusCode::NoContent);
                       });
        const quint16 port = receiver.listen(QHostAddress::LocalHost, 0);
        QVERIFY(port != 0);
        QVERIFY(
            sim()
                .setNotifyUrl(kMchId, QStringLiteral("http://127.0.0.1:%1/wechat/notify").arg(port))
                .ok());
        CheckoutPolicy p = policy();
        p.poll.fastInterval = std::chrono::seconds(30); // only the push can tell
        makeEngine(p);
        const QString id = start(sale(990));
        std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
        QVERIFY(waiting);
        QVERIFY(sim().buyerPay(waiting->outTradeNo).ok());

        // The notification as the sandbox posted it to the merchant's notify_url.
        QTRY_VERIFY_WITH_TIMEOUT(!m_notifications.isEmpty(), 5000);
        const gateway::IncomingNotification incoming = m_notifications.constLast();
        Result<gateway::PaymentNotification> verified = m_client->verifyNotification(
            incoming, [this](const QString& outTradeNo) -> std::optional<Order> {
                Result<Order> o = m_store->order(outTradeNo);
                return o ? std::optional<Order>(*o) : std::nullopt;
            });
        QVERIFY2(verified.ok(), qPrintable(verified.ok() ? QString() : verified.error().message));
        QVERIFY(m_engine->acceptNotification(*verified).ok());
        std::optional<CheckoutUpdate> done = waitFor(id, std::nullopt, 3000);
        QVERIFY(done);
        QCOMPARE(done->phase, CheckoutPhase::Paid);
        const OrderWithEvents o = stored(done->outTradeNo);
        QCOMPARE(o.order.state, OrderState::Paid);
        QCOMPARE(o.events.last().source, TransitionSource::Push);
        // A duplicate changes nothing.
        const qsizetype events = o.events.size();
        QVERIFY(m_engine->acceptNotification(*verified).ok());
        QCOMPARE(stored(done->outTradeNo).events.size(), events);
    }

    void unknownCreateThenPaidIsFound() {
        // The Native answer is lost after WeChat made the order: the engine cannot show a QR,
        // so it cancels; the order the buyer never saw ends cancelled at WeChat too.
        FaultRule drop;
        drop.kind = FaultKind::DropAfterCommit;
        drop.provider = QStringLiteral("wechat");
        drop.method = QStringLiteral("native");
        drop.remaining = 3;
        m_server->faults().add(drop);
        const QString id = start(sale(333));
        std::optional<CheckoutUpdate> done = waitFor(id);
        QVERIFY(done);
        QVERIFY2(isFinalPhase(done->phase), qPrintable(checkoutPhaseName(done->phase)));
        const Order o = stored(done->outTradeNo).order;
        QCOMPARE(o.state, OrderState::Cancelled);
        const std::optional<WechatTrade> trade = sim().trade(done->outTradeNo);
        QVERIFY(trade);
        QCOMPARE(trade->state, WechatTradeState::Closed);
    }

    void recoverySettlesWhatAnEarlierRunLeftOpen() {
        const QString paid = start(sale(1201));
        const QString abandoned = start(sale(1202));
        std::optional<CheckoutUpdate> a = waitFor(paid, CheckoutPhase::Waiting);
        std::optional<CheckoutUpdate> b = waitFor(abandoned, CheckoutPhase::Waiting);
        QVERIFY(a && b);
        m_engine.reset(); // the till stops
        QVERIFY(sim().buyerPay(a->outTradeNo).ok());
        Result<Order> created = m_store->createOrder(sale(1203)); // its request never left
        QVERIFY(created.ok());

        makeEngine(policy());
        QSignalSpy finished(m_engine.get(), &CheckoutEngine::recoveryFinished);
        m_engine->recover();
        QVERIFY(finished.wait(20000));
        const auto report = finished.takeFirst().at(0).value<RecoveryReport>();
        QCOMPARE(report.examined, 3);
        QCOMPARE(report.unresolved, 0);
        QCOMPARE(stored(a->outTradeNo).order.state, OrderState::Paid);
        QCOMPARE(stored(b->outTradeNo).order.state, OrderState::Cancelled);
        QCOMPARE(sim().trade(b->outTradeNo)->state, WechatTradeState::Closed);
        QCOMPARE(stored(created->outTradeNo).order.state, OrderState::Cancelled);
        QCOMPARE(m_store->openOrders()->size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCheckoutWechat)
#include "tst_checkout_wechat.moc"
