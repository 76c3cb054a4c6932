// The real AlipayClient against the real sandbox over loopback HTTP: every API round-trips
// (create, pay, query, cancel, close, refund, refund query, bill, notifications) and every
// sandbox fault ends in the typed outcome the checkout relies on.

#include "core/calendar/ChinaCalendar.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "core/gateways/alipay/AlipayNotification.h"
#include "core/gateways/GatewayErrors.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/faults/FaultPlan.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "tests/sandbox/FaultRules.h"
#include "tests/sandbox/NotifyReceiver.h"
#include "tests/sandbox/SandboxClientSettings.h"
#include "tests/support/AwaitedGatewayCalls.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::alipay;
using namespace qpos::gateway;
using namespace qpos::sandbox;
using qpos::money::Fen;

namespace {

const QString kAppId = QStringLiteral("2021000000000777");
const QString kAuthCode = QStringLiteral("287951669656380000");
const QString kPrecreate = QStringLiteral("alipay.trade.precreate");
const QString kPay = QStringLiteral("alipay.trade.pay");
const QString kQuery = QStringLiteral("alipay.trade.query");

} // namespace

class TestAlipayRoundtrip : public QObject, private test::AwaitedGatewayCalls {
    Q_OBJECT

    QTemporaryDir m_keyDir;
    std::unique_ptr<SandboxServer> m_server;
    crypto::RsaPrivateKey m_appKey;
    std::unique_ptr<AlipayClient> m_client;
    int m_sequence = 0;

    AlipaySimulator& sim() { return m_server->alipay(); }
    gateway::PaymentGateway& calledGateway() override { return *m_client; }
    FaultPlan& faults() { return m_server->faults(); }

    QString nextNo() {
        return QStringLiteral("RT%1_%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(++m_sequence);
    }

    AlipayClientSettings settings() {
        return test::alipaySandboxSettings(*m_server, kAppId, m_appKey,
                                           test::LoopbackTiming::sandbox());
    }

    static std::unique_ptr<AlipayClient> makeClient(const AlipayClientSettings& s) {
        return test::createClient<AlipayClient>(s);
    }

    // --- the calls, awaited
    std::optional<GatewayResult<QrOrder>> precreate(AlipayClient& c, const QString& no,
                                                    Fen amountFen) {
        const QrOrderRequest request{no,
                                     amountFen,
                                     QStringLiteral("Coffee"),
                                     0,
                                     QStringLiteral("S01"),
                                     QStringLiteral("T01"),
                                     QStringLiteral("C01")};
        return test::createQrOrder(c, request);
    }
    std::optional<GatewayResult<TradeSnapshot>> pay(AlipayClient& c, const QString& no,
                                                    Fen amountFen) {
        const PayByCodeRequest request{no,
                                       amountFen,
                                       QStringLiteral("Tea"),
                                       kAuthCode,
                                       QStringLiteral("S01"),
                                       QStringLiteral("T01"),
                                       QStringLiteral("C01")};
        return test::payByCode(c, request);
    }
    std::optional<GatewayResult<TradeSnapshot>> query(AlipayClient& c, const QString& no) {
        return test::queryTrade(c, no);
    }

    // A paid trade of `amountFen`, paid by code (the sandbox pays at once by default).
    QString paidTrade(Fen amountFen) {
        const QString no = nextNo();
        const auto r = pay(*m_client, no, amountFen);
        if (!r || !r->isSuccess())
            qFatal("pay failed: %s", r ? qPrintable(r->cashierMessage()) : "no answer");
        return no;
    }

    static Order order(const QString& no, Fen amountFen) {
        Order o;
        o.outTradeNo = no;
        o.amountFen = amountFen;
        return o;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_keyDir.isValid());
        SandboxOptions options;
        options.keyDir = m_keyDir.path();
        options.faultSeed = 7;
        options.alipay.notifyScale = 0.0001;
        m_server = std::make_unique<SandboxServer>(options);
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0).ok());
        Result<crypto::RsaPrivateKey> key = sim().createApp(kAppId);
        QVERIFY(key.ok());
        m_appKey = *key;
    }

    void init() {
        faults().clear();
        sim().setPayBehaviour(AlipayPayBehaviour::Immediate);
        m_client = makeClient(settings());
    }
    void cleanup() {
        m_client.reset();
        faults().clear();
    }

    // 1.
    void qrOrderIsScannedAndPaid() {
        const QString no = nextNo();
        const auto created = precreate(*m_client, no, 1234);
        QVERIFY(created && created->isSuccess());
        QCOMPARE(created->value().outTradeNo, no);
        QVERIFY(!created->value().qrCode.isEmpty());
        QVERIFY(sim().tradeByQrCode(created->value().qrCode).has_value());

        // Not scanned yet: Alipay has no trade, which is not a failure.
        auto q = query(*m_client, no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::NotCreated);
        QCOMPARE(q->value().providerState, QStringLiteral("ACQ.TRADE_NOT_EXIST"));

        QVERIFY(sim().buyerScan(no).ok());
        q = query(*m_client, no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::WaitingForBuyer);
        QCOMPARE(q->value().providerState, QStringLiteral("WAIT_BUYER_PAY"));
        QCOMPARE(q->value().totalFen, Fen(1234));

        Result<AlipayTrade> paid = sim().buyerPay(no);
        QVERIFY(paid.ok());
        q = query(*m_client, no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Paid);
        QCOMPARE(q->value().providerState, QStringLiteral("TRADE_SUCCESS"));
        QCOMPARE(q->value().totalFen, Fen(1234));
        QCOMPARE(q->value().outTradeNo, no);
        QVERIFY(!q->value().providerTradeNo.isEmpty());
        QCOMPARE(q->value().providerTradeNo, sim().trade(no)->tradeNo);
        QVERIFY(q->value().paidAtMs.has_value());
        QCOMPARE(q->providerFields().value(u"out_trade_no").toString(), no);
    }

    // 2.
    void payByCodeImmediateAndConfirming() {
        QString no = nextNo();
        auto r = pay(*m_client, no, 888);
        QVERIFY(r && r->isSuccess());
        QCOMPARE(r->value().state, TradeState::Paid);
        QCOMPARE(r->value().totalFen, Fen(888));
        QCOMPARE(r->value().providerTradeNo, sim().trade(no)->tradeNo);

        sim().setPayBehaviour(AlipayPayBehaviour::BuyerConfirms);
        no = nextNo();
        r = pay(*m_client, no, 999);
        QVERIFY(r);
        QVERIFY2(r->isInProgress(), qPrintable(outcomeKindName(r->kind())));
        auto q = query(*m_client, no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::WaitingForBuyer);
        QVERIFY(sim().buyerPay(no).ok());
        q = query(*m_client, no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Paid);
        QCOMPARE(q->value().totalFen, Fen(999));

        // A declined payment is a refusal: nothing happened.
        sim().setPayBehaviour(AlipayPayBehaviour::Declined);
        r = pay(*m_client, nextNo(), 100);
        QVERIFY(r && r->isRefused());
        QCOMPARE(r->refused().subCode, QStringLiteral("ACQ.BUYER_BALANCE_NOT_ENOUGH"));
    }

    // 3.
    void refundsPartialRepeatQueryFullAndOver() {
        const QString no = paidTrade(1000);
        const QString r1 = no + QStringLiteral("R1");
        auto r = refund(no, r1, 300);
        QVERIFY(r && r->isSuccess());
        QCOMPARE(r->value().refundedTotalFen, Fen(300));
        QVERIFY(r->value().fundChanged);

        // The same request number again: the same refund, no money moved.
        r = refund(no, r1, 300);
        QVERIFY(r && r->isSuccess());
        QCOMPARE(r->value().refundedTotalFen, Fen(300));
        QVERIFY(!r->value().fundChanged);

        auto rq = queryRefund(no, r1);
        QVERIFY(rq && rq->isSuccess());
        QCOMPARE(rq->value().state, RefundState::Refunded);
        QCOMPARE(rq->value().refundFen, Fen(300));
        QCOMPARE(rq->value().outRequestNo, r1);
        rq = queryRefund(no, no + QStringLiteral("NOPE"));
        QVERIFY(rq && rq->isSuccess());
        QCOMPARE(rq->value().state, RefundState::NotFound);

        r = refund(no, no + QStringLiteral("R2"), 700);
        QVERIFY(r && r->isSuccess());
        QCOMPARE(r->value().refundedTotalFen, Fen(1000));
        QVERIFY(r->value().fundChanged);

        r = refund(no, no + QStringLiteral("R3"), 1);
        QVERIFY(r);
        QVERIFY2(r->isRefused(), qPrintable(outcomeKindName(r->kind())));
        QCOMPARE(sim().trade(no)->refunds.size(), 2);
    }

    // 4.
    void cancelAndClose() {
        // Scanned, not paid: cancel closes it.
        QString no = nextNo();
        QVERIFY(precreate(*m_client, no, 500)->isSuccess());
        QVERIFY(sim().buyerScan(no).ok());
        auto c = cancel(no);
        QVERIFY(c && c->isSuccess());
        QCOMPARE(c->value().action, CancelAction::Closed);
        auto q = query(*m_client, no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Closed);

        // Paid: cancel refunds it.
        no = paidTrade(600);
        c = cancel(no);
        QVERIFY(c && c->isSuccess());
        QCOMPARE(c->value().action, CancelAction::Refunded);
        QVERIFY(!c->value().providerTradeNo.isEmpty());

        // Never scanned: nothing to close at Alipay.
        no = nextNo();
        QVERIFY(precreate(*m_client, no, 700)->isSuccess());
        auto cl = close(no);
        QVERIFY(cl && cl->isSuccess());
        QVERIFY(!cl->value().existedAtProvider);

        // Scanned: closes for real.
        QVERIFY(sim().buyerScan(no).ok());
        cl = close(no);
        QVERIFY(cl && cl->isSuccess());
        QVERIFY(cl->value().existedAtProvider);
        q = query(*m_client, no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Closed);
    }

    // 5.
    void billListsTheDaysTrades() {
        const QString a = paidTrade(1111);
        const QString b = paidTrade(2222);
        QVERIFY(refund(b, b + QStringLiteral("R1"), 222)->isSuccess());

        const auto bill = dayBill(china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch()));
        QVERIFY(bill);
        QVERIFY2(bill->isSuccess(), qPrintable(bill->cashierMessage()));
        const QList<BillRecord>& records = bill->value().bill.records;
        auto find = [&](const QString& no, BillLineKind kind) -> const BillRecord* {
            for (const BillRecord& rec : records)
                if (rec.outTradeNo == no && rec.kind == kind)
                    return &rec;
            return nullptr;
        };
        const BillRecord* pa = find(a, BillLineKind::Payment);
        QVERIFY(pa);
        QCOMPARE(pa->amountFen, Fen(1111));
        QCOMPARE(pa->providerTradeNo, sim().trade(a)->tradeNo);
        const BillRecord* pb = find(b, BillLineKind::Payment);
        QVERIFY(pb);
        QCOMPARE(pb->amountFen, Fen(2222));
        const BillRecord* rb = find(b, BillLineKind::Refund);
        QVERIFY(rb);
        QCOMPARE(rb->refundFen, Fen(222));
        QCOMPARE(rb->outRequestNo, b + QStringLiteral("R1"));
        QVERIFY(!find(a, BillLineKind::Refund));

        // The sandbox's plain-http bill host is allowed by the sandbox's settings only.
        AlipayClientSettings strict = settings();
        strict.billHttpHosts.clear();
        m_client = makeClient(strict);
        const auto refused = dayBill(china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch()));
        QVERIFY(refused && refused->isUnknown());
        QCOMPARE(refused->unknown().reason.code, QStringLiteral("alipay.bill_url_insecure"));
    }

    // 6.
    void notificationsVerify() {
        qpos::test::NotifyReceiver receiver;
        AlipayClientSettings s = settings();
        s.notifyUrl = receiver.url().toString();
        m_client = makeClient(s);

        const QString no = nextNo();
        QVERIFY(pay(*m_client, no, 4321)->isSuccess());
        QVERIFY(receiver.waitFor(1, 10000));
        const QByteArray body = receiver.received().constFirst().body;

        const NotificationOrderLookup lookup = [no](const QString& outTradeNo) {
            return outTradeNo == no ? std::optional<Order>(order(no, 4321)) : std::nullopt;
        };
        // The sandbox names its seller (the app's PID) as Alipay does.
        QVERIFY(!s.sellerId.isEmpty());
        const AlipayNotificationVerifier verifier(kAppId, s.sellerId, sim().alipayPublicKey());
        Result<PaymentNotification> n = verifier.verify(body, lookup);
        QVERIFY2(n.ok(), n.ok() ? "" : qPrintable(n.error().code));
        QCOMPARE(n->outTradeNo, no);
        QCOMPARE(n->totalFen, Fen(4321));
        QCOMPARE(n->state, TradeState::Paid);
        QCOMPARE(n->providerTradeNo, sim().trade(no)->tradeNo);
        // The client verifies it the same way.
        QVERIFY(m_client->verifyNotification(IncomingNotification{body, {}}, lookup).ok());

        // Tampered amount: the signature no longer holds.
        QByteArray tampered = body;
        tampered.replace("total_amount=43.21", "total_amount=4.32");
        QVERIFY(tampered != body);
        Result<PaymentNotification> bad = verifier.verify(tampered, lookup);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, QStringLiteral("alipay.bad_signature"));
        // Genuine, but our order has another amount.
        bad = verifier.verify(body, [no](const QString&) { return order(no, 4320); });
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, QLatin1String(notification_errc::amountMismatch));
        // Genuine, but no such order.
        bad = verifier.verify(body, [](const QString&) { return std::optional<Order>(); });
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, QLatin1String(notification_errc::unknownOrder));
        // Genuine, but for another seller than this shop.
        const AlipayNotificationVerifier otherSeller(kAppId, QStringLiteral("2088000000000001"),
                                                     sim().alipayPublicKey());
        bad = otherSeller.verify(body, lookup);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, QLatin1String(notification_errc::wrongSeller));
    }

    // 7.
    void latencyBelowAndAboveTheTimeout() {
        FaultRule slow = test::faultRule(FaultKind::Latency, kPrecreate);
        slow.latencyMs = 300;
        faults().add(slow);
        QString no = nextNo();
        auto r = precreate(*m_client, no, 100);
        QVERIFY(r && r->isSuccess());

        slow.latencyMs = 2500; // over the 1.5 s request timeout
        faults().add(slow);
        no = nextNo();
        QElapsedTimer t;
        t.start();
        r = precreate(*m_client, no, 100);
        QVERIFY(r);
        QVERIFY2(r->isUnknown(), qPrintable(outcomeKindName(r->kind())));
        QCOMPARE(r->unknown().reason.code, QLatin1String(errc::timeout));
        QVERIFY(t.elapsed() < 2400);
        // The sandbox applied it on arrival.
        QVERIFY(sim().trade(no).has_value());
    }

    void httpErrorIsUnknown() {
        FaultRule r5 = test::faultRule(FaultKind::HttpError, kPay);
        r5.httpStatus = 502;
        faults().add(r5);
        const QString no = nextNo();
        auto r = pay(*m_client, no, 100);
        QVERIFY(r && r->isUnknown());
        QCOMPARE(r->unknown().reason.code, QLatin1String(errc::httpStatus));
        // Not applied: a query says so.
        auto q = query(*m_client, no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::NotCreated);
    }

    void busyProviderIsUnknown() {
        faults().add(test::faultRule(FaultKind::SystemError, kPay));
        auto r = pay(*m_client, nextNo(), 100);
        QVERIFY(r);
        QVERIFY2(r->isUnknown(), qPrintable(outcomeKindName(r->kind())));

        faults().add(test::faultRule(FaultKind::ServiceUnavailable, kPay));
        r = pay(*m_client, nextNo(), 100);
        QVERIFY(r);
        QVERIFY2(r->isUnknown(), qPrintable(outcomeKindName(r->kind())));

        // On an idempotent query the client retries and gets through.
        faults().add(test::faultRule(FaultKind::SystemError, kQuery));
        const QString no = paidTrade(100);
        auto q = query(*m_client, no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Paid);
        QVERIFY(faults().rules().isEmpty());
    }

    void badSignatureIsUnknown() {
        faults().add(test::faultRule(FaultKind::BadSignature, kPay));
        const QString no = nextNo();
        auto r = pay(*m_client, no, 100);
        QVERIFY(r);
        QVERIFY2(r->isUnknown(), qPrintable(outcomeKindName(r->kind())));
        QVERIFY(r->providerFields().isEmpty()); // nothing unverified reaches the order event
        // It was applied: the query resolves it.
        auto q = query(*m_client, no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Paid);
    }

    void dropAfterCommitIsUnknownThenQueryFindsIt() {
        // Qt resends a POST once when the connection closes without an answer: no limit here.
        faults().add(test::faultRule(FaultKind::DropAfterCommit, kPay, -1));
        QString no = nextNo();
        auto r = pay(*m_client, no, 345);
        QVERIFY(r && r->isUnknown());
        faults().clear();
        auto q = query(*m_client, no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Paid);
        QCOMPARE(q->value().totalFen, Fen(345));

        faults().add(test::faultRule(FaultKind::DropAfterCommit, kPrecreate, -1));
        no = nextNo();
        auto c = precreate(*m_client, no, 678);
        QVERIFY(c && c->isUnknown());
        faults().clear();
        QVERIFY(sim().trade(no).has_value());
        QVERIFY(sim().buyerScan(no).ok());
        q = query(*m_client, no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::WaitingForBuyer);
        QCOMPARE(q->value().totalFen, Fen(678));
    }

    void circuitBreakerOpensAndFailsFast() {
        AlipayClientSettings s = settings();
        s.retry.maxAttempts = 1;
        s.breaker.failureThreshold = 3;
        s.breaker.coolDown = std::chrono::milliseconds(400);
        m_client = makeClient(s);
        QSignalSpy spy(m_client.get(), &AlipayClient::circuitStateChanged);

        FaultRule r5 = test::faultRule(FaultKind::HttpError, kQuery, 3);
        r5.httpStatus = 503;
        faults().add(r5);
        const QString no = paidTrade(100);
        for (int i = 0; i < 3; ++i) {
            auto q = query(*m_client, no);
            QVERIFY(q && q->isUnknown());
        }
        QCOMPARE(m_client->circuitState(), CircuitState::Open);
        QVERIFY(faults().rules().isEmpty());
        QVERIFY(!spy.isEmpty());

        // Open: fails at once without reaching the sandbox (it would answer Paid now).
        QElapsedTimer t;
        t.start();
        auto q = query(*m_client, no);
        QVERIFY(q && q->isUnknown());
        QCOMPARE(q->unknown().reason.code, QLatin1String(errc::unreachable));
        QVERIFY(t.elapsed() < 200);

        // After the cool-down a probe goes through and closes it.
        QTRY_COMPARE_WITH_TIMEOUT(m_client->circuitState(), CircuitState::HalfOpen, 3000);
        q = query(*m_client, no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Paid);
        QCOMPARE(m_client->circuitState(), CircuitState::Closed);
    }
};

QTEST_GUILESS_MAIN(TestAlipayRoundtrip)
#include "tst_alipay_roundtrip.moc"
