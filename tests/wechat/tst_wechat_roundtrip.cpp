// The real WechatClient against the real sandbox over loopback HTTP: every API round-trips
// (Native, code pay, query, close, cancel, refund, refund query, bill, notifications) and
// every sandbox fault ends in the typed outcome the checkout relies on.

#include "core/calendar/ChinaCalendar.h"
#include "core/gateways/wechat/WechatClient.h"
#include "sandbox/faults/FaultPlan.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatSimulator.h"
#include "tests/sandbox/SandboxClientSettings.h"
#include "tests/sandbox/WechatTestClient.h"
#include "tests/support/AwaitedGatewayCalls.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QTest>

#include <functional>
#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::gateway;
using namespace qpos::sandbox;
using qpos::money::Fen;
using qpos::wechat::WechatClient;
using qpos::wechat::WechatClientSettings;

namespace {

const QString kMchId = QStringLiteral("1900000109");
const QString kAppId = QStringLiteral("wx8888888888888888");
const QString kPaidCode = QStringLiteral("134567890123450001");
const QString kConfirmCode = QStringLiteral("134567890123459991");

} // namespace

class TestWechatRoundtrip : public QObject, private test::AwaitedGatewayCalls {
    Q_OBJECT

    std::unique_ptr<SandboxServer> m_server;
    WechatMerchantCredentials m_merchant;
    std::unique_ptr<WechatClient> m_client;
    std::unique_ptr<test::WechatNotifyReceiver> m_receiver;
    int m_sequence = 0;

    WechatSimulator& sim() { return m_server->wechat(); }
    gateway::PaymentGateway& calledGateway() override { return *m_client; }
    QString nextNo() {
        return QStringLiteral("WR%1_%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(++m_sequence);
    }
    void addFault(const char* spec) {
        Result<FaultRule> rule = FaultRule::fromSpec(QString::fromLatin1(spec));
        QVERIFY2(rule.ok(), spec);
        m_server->faults().add(*rule);
    }

    WechatClientSettings settings() {
        return test::wechatSandboxSettings(*m_server, m_merchant,
                                           QStringLiteral("https://shop.example.com/wechat/notify"),
                                           test::LoopbackTiming::sandbox());
    }

    std::optional<GatewayResult<QrOrder>> native(const QString& no, Fen amountFen) {
        const QrOrderRequest request{no,
                                     amountFen,
                                     QStringLiteral("Coffee"),
                                     600,
                                     QStringLiteral("S01"),
                                     QStringLiteral("T01"),
                                     QStringLiteral("C01")};
        return test::createQrOrder(*m_client, request);
    }
    std::optional<GatewayResult<TradeSnapshot>> pay(const QString& no, Fen amountFen,
                                                    const QString& code = kPaidCode) {
        const PayByCodeRequest request{no,
                                       amountFen,
                                       QStringLiteral("Tea"),
                                       code,
                                       QStringLiteral("S01"),
                                       QStringLiteral("T01"),
                                       QStringLiteral("C01")};
        return test::payByCode(*m_client, request);
    }
    QString paidNative(Fen amountFen) {
        const QString no = nextNo();
        const auto created = native(no, amountFen);
        if (!created || !created->isSuccess() || !sim().buyerPay(no).ok())
            return {};
        return no;
    }

private slots:
    void initTestCase() {
        SandboxOptions options;
        options.faultSeed = 11;
        options.wechat.notifyScale = 0.001;
        m_server = std::make_unique<SandboxServer>(options);
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0).ok());
        Result<WechatMerchantCredentials> merchant = sim().createMerchant(kMchId, kAppId);
        QVERIFY(merchant.ok());
        m_merchant = *merchant;
        m_receiver = std::make_unique<test::WechatNotifyReceiver>();
    }

    void init() {
        m_server->faults().clear();
        Result<std::unique_ptr<WechatClient>> made = WechatClient::create(settings());
        QVERIFY2(made.ok(), made.ok() ? "" : qPrintable(made.error().message));
        m_client = std::move(made).value();
    }
    void cleanup() {
        m_client.reset();
        m_server->faults().clear();
    }

    void nativeIsPaidByTheBuyer() {
        const QString no = nextNo();
        const auto created = native(no, 1234);
        QVERIFY(created);
        QVERIFY2(created->isSuccess(), qPrintable(created->cashierMessage()));
        QVERIFY(created->value().qrCode.startsWith(u"weixin://wxpay/bizpayurl?pr="));
        QVERIFY(sim().tradeByCodeUrl(created->value().qrCode).has_value());
        // time_expire reached the sandbox (600 s from now).
        const qint64 expires = sim().trade(no)->expiresMs;
        QVERIFY(qAbs(expires - QDateTime::currentMSecsSinceEpoch() - 600000) < 5000);

        auto q = query(no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::WaitingForBuyer);
        QCOMPARE(q->value().providerState, QStringLiteral("NOTPAY"));

        QVERIFY(sim().payCodeUrl(created->value().qrCode).ok());
        q = query(no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Paid);
        QCOMPARE(q->value().providerState, QStringLiteral("SUCCESS"));
        QCOMPARE(q->value().totalFen, Fen(1234));
        QCOMPARE(q->value().providerTradeNo, sim().trade(no)->transactionId);
        QVERIFY(q->value().paidAtMs.has_value());

        // An order nobody created is not a failure.
        q = query(QStringLiteral("NEVER_CREATED_1"));
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::NotCreated);
    }

    void codePayPaidAndConfirming() {
        QString no = nextNo();
        auto r = pay(no, 888);
        QVERIFY(r);
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        QCOMPARE(r->value().state, TradeState::Paid);
        QCOMPARE(r->value().totalFen, Fen(888));

        no = nextNo();
        r = pay(no, 999, kConfirmCode);
        QVERIFY(r);
        QVERIFY2(r->isInProgress(), qPrintable(outcomeKindName(r->kind())));
        auto q = query(no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::WaitingForBuyer);
        QCOMPARE(q->value().providerState, QStringLiteral("USERPAYING"));
        QVERIFY(sim().buyerPay(no).ok());
        q = query(no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Paid);

        // Not enough balance: refused, and the trade failed.
        no = nextNo();
        r = pay(no, 999, QStringLiteral("134567890123459992"));
        QVERIFY(r);
        QVERIFY2(r->isRefused(), qPrintable(outcomeKindName(r->kind())));
        q = query(no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Failed);
    }

    void closeAndCancel() {
        // Close an unpaid Native order.
        QString no = nextNo();
        QVERIFY(native(no, 100)->isSuccess());
        auto closed = close(no);
        QVERIFY(closed);
        QVERIFY2(closed->isSuccess(), qPrintable(closed->cashierMessage()));
        QCOMPARE(sim().trade(no)->state, WechatTradeState::Closed);
        auto q = query(no);
        QCOMPARE(q->value().state, TradeState::Closed);

        // Cancel: a Native order nobody paid is closed.
        no = nextNo();
        QVERIFY(native(no, 100)->isSuccess());
        auto c = cancel(no);
        QVERIFY(c);
        QVERIFY2(c->isSuccess(), qPrintable(c->cashierMessage()));
        QCOMPARE(c->value().action, CancelAction::Closed);
        QCOMPARE(sim().trade(no)->state, WechatTradeState::Closed);

        // A paid Native order is refunded in full, once however often it is cancelled.
        no = paidNative(300);
        QVERIFY(!no.isEmpty());
        c = cancel(no);
        QVERIFY(c && c->isSuccess());
        QCOMPARE(c->value().action, CancelAction::Refunded);
        QCOMPARE(sim().trade(no)->refunded, Fen(300));
        c = cancel(no);
        QVERIFY(c && c->isSuccess());
        QCOMPARE(sim().trade(no)->refunded, Fen(300));

        // Code pay: reversed, paid or not.
        no = nextNo();
        QVERIFY(pay(no, 200)->isSuccess());
        c = cancel(no);
        QVERIFY(c && c->isSuccess());
        QCOMPARE(c->value().action, CancelAction::Refunded);
        QCOMPARE(sim().trade(no)->state, WechatTradeState::Revoked);
        no = nextNo();
        QVERIFY(pay(no, 200, kConfirmCode)->isInProgress());
        c = cancel(no);
        QVERIFY(c && c->isSuccess());
        QCOMPARE(c->value().action, CancelAction::Closed);
        QCOMPARE(sim().trade(no)->state, WechatTradeState::Revoked);

        // Nothing there.
        c = cancel(QStringLiteral("NEVER_CREATED_2"));
        QVERIFY(c && c->isSuccess());
        QCOMPARE(c->value().action, CancelAction::NotCreatedAtProvider);
    }

    void refundsRepeatAndQuery() {
        const QString no = paidNative(1000);
        QVERIFY(!no.isEmpty());
        auto r = refund(no, no + QStringLiteral("R1"), 300, 1000);
        QVERIFY(r);
        QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
        QCOMPARE(r->value().outRequestNo, no + QStringLiteral("R1"));
        QCOMPARE(sim().trade(no)->refunded, Fen(300));
        r = refund(no, no + QStringLiteral("R1"), 300, 1000);
        QVERIFY(r && r->isSuccess());
        QCOMPARE(sim().trade(no)->refunded, Fen(300));
        // Over what is left: refused.
        r = refund(no, no + QStringLiteral("R2"), 701, 1000);
        QVERIFY(r);
        QVERIFY2(r->isRefused(), qPrintable(outcomeKindName(r->kind())));
        auto q = queryRefund(no, no + QStringLiteral("R1"));
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, RefundState::Refunded);
        QCOMPARE(q->value().refundFen, Fen(300));
        q = queryRefund(no, no + QStringLiteral("R9"));
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, RefundState::NotFound);
        // A refund that takes a while.
        WechatOptions o = sim().options();
        o.refundProcessingMs = 300;
        sim().setOptions(o);
        r = refund(no, no + QStringLiteral("R3"), 100, 1000);
        QVERIFY(r);
        QVERIFY(!r->isRefused());
        q = queryRefund(no, no + QStringLiteral("R3"));
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, RefundState::Processing);
        QTRY_COMPARE(queryRefund(no, no + QStringLiteral("R3"))->value().state,
                     RefundState::Refunded);
        o.refundProcessingMs = 0;
        sim().setOptions(o);
    }

    void billIsDownloadedAndParsed() {
        const QString no = paidNative(4321);
        QVERIFY(!no.isEmpty());
        QVERIFY(refund(no, no + QStringLiteral("R"), 321, 4321)->isSuccess());
        const auto bill = dayBill(china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch()));
        QVERIFY(bill);
        QVERIFY2(bill->isSuccess(), qPrintable(bill->cashierMessage()));
        bool payment = false;
        bool refunded = false;
        for (const BillRecord& record : bill->value().bill.records) {
            if (record.outTradeNo != no)
                continue;
            if (record.kind == BillLineKind::Payment) {
                payment = true;
                QCOMPARE(record.amountFen, Fen(4321));
                QCOMPARE(record.providerTradeNo, sim().trade(no)->transactionId);
                // 0.60 % of 43.21 yuan, to 10^-5 yuan: 0.25926.
                QCOMPARE(record.fee, money::SubFen::fromThousandthsOfFen(25926));
            } else if (record.kind == BillLineKind::Refund) {
                refunded = true;
                QCOMPARE(record.refundFen, Fen(321));
                QCOMPARE(record.outRequestNo, no + QStringLiteral("R"));
                QCOMPARE(record.fee, money::SubFen::fromThousandthsOfFen(-1926));
            }
        }
        QVERIFY(payment);
        QVERIFY(refunded);
        // A bill changed in transit (its gzip still sound) is fetched again, then given up.
        addFault("bad_signature:provider=wechat,method=bill.download,count=-1");
        const auto changed = dayBill(china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch()));
        m_server->faults().clear();
        QVERIFY(changed && changed->isUnknown());
        QCOMPARE(changed->unknown().reason.code, QStringLiteral("wechat.bill_hash_mismatch"));
        // A day without trades has no bill: WeChat says so (NO_STATEMENT_EXIST), which is
        // neither a failure nor "not ready yet".
        const auto none = dayBill(QDate(2020, 1, 1));
        QVERIFY(none);
        QVERIFY2(none->isSuccess(), qPrintable(none->cashierMessage()));
        QCOMPARE(none->value().availability, BillAvailability::NoBill);
        QCOMPARE(none->value().providerCode, QStringLiteral("NO_STATEMENT_EXIST"));
    }

    void notificationVerifies() {
        QVERIFY(sim().setNotifyUrl(kMchId, m_receiver->url().toString()).ok());
        m_receiver->clear();
        const QString no = paidNative(4321);
        QVERIFY(!no.isEmpty());
        QVERIFY(m_receiver->waitFor(1));
        const auto received = m_receiver->received().first();
        IncomingNotification incoming;
        incoming.body = received.body;
        for (const auto& [name, value] : received.headers)
            incoming.headers.insert(name.toLower(), value);
        const NotificationOrderLookup lookup = [no](const QString& outTradeNo) {
            if (outTradeNo != no)
                return std::optional<Order>();
            Order o;
            o.outTradeNo = no;
            o.amountFen = 4321;
            o.channel = Channel::WeChat;
            return std::optional<Order>(o);
        };
        Result<PaymentNotification> n = m_client->verifyNotification(incoming, lookup);
        QVERIFY2(n.ok(), n.ok() ? "" : qPrintable(n.error().code + u' ' + n.error().message));
        QCOMPARE(n->outTradeNo, no);
        QCOMPARE(n->state, TradeState::Paid);
        QCOMPARE(n->totalFen, Fen(4321));
        // Tampered: refused.
        IncomingNotification tampered = incoming;
        tampered.body.replace("TRANSACTION", "TRANSACTIOM");
        QVERIFY(!m_client->verifyNotification(tampered, lookup).ok());

        // A notification signed by another key, and a stale one, are refused.
        m_receiver->clear();
        addFault("notify_bad_signature:provider=wechat");
        QString other = paidNative(4321);
        QVERIFY(m_receiver->waitFor(1));
        IncomingNotification forged{m_receiver->received().first().body, {}};
        for (const auto& [name, value] : m_receiver->received().first().headers)
            forged.headers.insert(name.toLower(), value);
        const NotificationOrderLookup any = [](const QString& outTradeNo) {
            Order o;
            o.outTradeNo = outTradeNo;
            o.amountFen = 4321;
            o.channel = Channel::WeChat;
            return std::optional<Order>(o);
        };
        QCOMPARE(m_client->verifyNotification(forged, any).error().code,
                 QLatin1String(wechat::notification_errc::badSignature));
        m_receiver->clear();
        addFault("notify_stale_timestamp:provider=wechat");
        other = paidNative(4321);
        QVERIFY(m_receiver->waitFor(1));
        IncomingNotification stale{m_receiver->received().first().body, {}};
        for (const auto& [name, value] : m_receiver->received().first().headers)
            stale.headers.insert(name.toLower(), value);
        QCOMPARE(m_client->verifyNotification(stale, any).error().code,
                 QLatin1String(wechat::notification_errc::stale));
        QVERIFY(sim().setNotifyUrl(kMchId, {}).ok());
    }

    void latencyBelowTheTimeoutIsFine() {
        addFault("latency:provider=wechat,method=native,latency_ms=300");
        const auto r = native(nextNo(), 100);
        QVERIFY(r && r->isSuccess());
    }

    void refusedSignatureIsToldPlainly() {
        // A merchant key WeChat does not know: WeChat cannot verify the request, so its 401
        // comes unsigned. Never a payment result: the order is settled by querying.
        WechatClientSettings s = settings();
        Result<crypto::RsaPrivateKey> other = crypto::RsaPrivateKey::generate();
        QVERIFY(other.ok());
        s.merchantPrivateKey = *other;
        Result<std::unique_ptr<WechatClient>> made = WechatClient::create(s);
        QVERIFY(made.ok());
        m_client = std::move(made).value();
        const QString no = nextNo();
        const auto r = pay(no, 100);
        QVERIFY(r);
        QVERIFY2(r->isUnknown(), qPrintable(outcomeKindName(r->kind())));
        QCOMPARE(r->unknown().reason.code, QStringLiteral("wechat.request_signature_refused"));
        QVERIFY(r->unknown().reason.message.contains(u"merchant_serial_no"));
        QVERIFY(!sim().trade(no));
    }

    void notEnoughBalanceIsTheBuyers() {
        const auto r = pay(nextNo(), 100, QStringLiteral("134567890123459992"));
        QVERIFY(r);
        QVERIFY2(r->isRefused(), qPrintable(outcomeKindName(r->kind())));
        QCOMPARE(r->refused().code, QStringLiteral("NOT_ENOUGH"));
        QVERIFY2(r->refused().cashierMessage.contains(u"customer's WeChat balance"),
                 qPrintable(r->refused().cashierMessage));
    }

    void faultsGiveUnknown_data() {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<bool>("applied");
        QTest::newRow("http_error")
            << "http_error:provider=wechat,method=native,status=502" << false;
        QTest::newRow("timeout") << "timeout:provider=wechat,method=native" << false;
        QTest::newRow("latency above timeout")
            << "latency:provider=wechat,method=native,latency_ms=2500" << true;
        QTest::newRow("drop_after_commit")
            << "drop_after_commit:provider=wechat,method=native,count=3" << true;
        QTest::newRow("service_unavailable")
            << "service_unavailable:provider=wechat,method=native" << false;
        QTest::newRow("system_error commit")
            << "system_error:provider=wechat,method=native,commit=true" << true;
        QTest::newRow("bad_signature") << "bad_signature:provider=wechat,method=native" << true;
        QTest::newRow("stale_timestamp") << "stale_timestamp:provider=wechat,method=native" << true;
    }

    void faultsGiveUnknown() {
        QFETCH(QString, spec);
        QFETCH(bool, applied);
        m_server->faults().add(*FaultRule::fromSpec(spec));
        const QString no = nextNo();
        const auto r = native(no, 100);
        QVERIFY(r);
        QVERIFY2(r->isUnknown(), qPrintable(outcomeKindName(r->kind())));
        m_server->faults().clear();
        // The engine resolves an unknown outcome by querying.
        const auto q = query(no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, applied ? TradeState::WaitingForBuyer : TradeState::NotCreated);
    }

    void queryFaultsGiveUnknownAfterRetries() {
        const QString no = paidNative(100);
        addFault("system_error:provider=wechat,method=query,count=-1");
        auto q = query(no);
        QVERIFY(q && q->isUnknown());
        m_server->faults().clear();
        addFault("http_error:provider=wechat,method=query");
        q = query(no); // one failure is retried
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Paid);
    }
};

QTEST_GUILESS_MAIN(TestWechatRoundtrip)
#include "tst_wechat_roundtrip.moc"
