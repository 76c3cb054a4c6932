#include "core/gateways/alipay/AlipayClient.h"
#include "core/link/CertificatePin.h"
#include "core/link/PushLink.h"
#include "core/link/TerminalCredentials.h"
#include "core/service/PosService.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/tls/SandboxCa.h"
#include "tests/sandbox/FaultRules.h"
#include "tests/sandbox/NotifyReceiver.h"
#include "tests/support/CrossThreadSignalSpy.h"
#include "tests/support/FakeStoreServer.h"
#include "tests/support/TempDir.h"
#include "tests/support/WaitUntil.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::link;
using namespace qpos::service;

namespace {

const QString kAppId = QStringLiteral("2021000000000777");

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

// The push link end to end: a till (PosService) linked to a fake store server, an Alipay
// sandbox signing real notifications, relayed by the server with their original bytes. The
// till verifies each with its own keys and acknowledges only after its commit; a forged or
// foreign one never moves an order. And the link itself: reconnection with backoff, the
// pinned certificate, frames that are not JSON.
class TestLinkPush : public QObject {
    Q_OBJECT

    const TerminalIdentity m_till{QStringLiteral("S01"), QStringLiteral("T01")};
    std::unique_ptr<test::TempDir> m_dir;
    std::unique_ptr<sandbox::SandboxServer> m_sandbox;
    std::unique_ptr<test::NotifyReceiver> m_notify;
    std::unique_ptr<test::FakeStoreServer> m_server;
    std::unique_ptr<PosService> m_service;
    QList<LinkStatus> m_statuses;
    int m_testCase = 0; // counted by init(): a status is kept only for the case that caused it
    std::chrono::milliseconds m_recoveryRetry{30000};

    QString databasePath() const { return m_dir->file(QStringLiteral("orders.db")); }

    static StoreLinkPolicy fastLink() {
        StoreLinkPolicy p;
        p.push.backoff = {50, 400, 20};
        p.upload.backoff = {50, 400, 20};
        p.upload.idleCheckMs = 100;
        return p;
    }

    PosOptions options() {
        PosOptions o;
        o.config.store.id = m_till.storeId;
        o.config.terminal.id = m_till.terminalId;
        o.config.database.path = databasePath();
        o.config.checkout.qrTimeoutS = 120;
        o.config.storeServer.url = m_server->url().toString();
        o.config.storeServer.credentialsPath = m_dir->file(QStringLiteral("cred.json"));
        const EnrollmentCode code = m_server->addTerminal(m_till);
        const TerminalCredentials credentials{code.terminal, code.secret, {}};
        if (!credentials.write(o.config.storeServer.credentialsPath).ok())
            qFatal("cannot write the credentials");
        alipay::AlipayClientSettings s;
        s.gatewayUrl = m_sandbox->alipay().gatewayUrl();
        s.appId = kAppId;
        s.appPrivateKey = *m_sandbox->alipay().createApp(kAppId);
        s.alipayPublicKey = m_sandbox->alipay().alipayPublicKey();
        s.notifyUrl = m_notify->url().toString();
        s.requestTimeout = std::chrono::milliseconds(5000);
        o.makeGateways = [s]() -> Result<GatewayList> {
            Result<std::unique_ptr<alipay::AlipayClient>> client = alipay::AlipayClient::create(s);
            if (!client)
                return client.error();
            GatewayList list;
            list.push_back(std::move(client).value());
            return list;
        };
        // Polling stays the fallback; slow here, so the push is what settles the order.
        o.policy.poll.fastInterval = std::chrono::seconds(60);
        o.policy.poll.slowInterval = std::chrono::seconds(60);
        o.policy.recoveryRetry = m_recoveryRetry;
        o.link = fastLink();
        return o;
    }

    // Statuses of this case's till only: a status the previous case's till queued before it
    // was destroyed may still be delivered after init() cleared the list.
    void watchStatuses() {
        connect(m_service.get(), &PosService::linkStatusChanged, this,
                [this, testCase = m_testCase](const LinkStatus& s) {
                    if (testCase == m_testCase)
                        m_statuses << s;
                });
    }

    void startTill() {
        m_service = std::make_unique<PosService>(options());
        watchStatuses();
        test::CrossThreadSignalSpy ready(m_service.get(), &PosService::ready);
        m_service->start();
        if (!test::waitUntil([&] { return !ready.isEmpty(); }))
            qFatal("the till did not start");
        const PosReady r = ready.takeFirst().at(0).value<PosReady>();
        if (!r.error.isEmpty())
            qFatal("%s", qPrintable(r.error));
    }

    bool linkState(LinkStatus::State state) {
        return test::waitUntil(
            [&] { return !m_statuses.isEmpty() && m_statuses.constLast().state == state; });
    }

    // The order's state as the database has it now (read on a connection of our own).
    int storedState(const QString& outTradeNo) {
        const QString name = QStringLiteral("probe");
        int state = -1;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(databasePath());
            if (db.open()) {
                QSqlQuery q(db);
                q.prepare(QStringLiteral("SELECT state FROM orders WHERE out_trade_no = ?"));
                q.addBindValue(outTradeNo);
                if (q.exec() && q.next())
                    state = q.value(0).toInt();
            }
        }
        QSqlDatabase::removeDatabase(name);
        return state;
    }

    // A QR sale the buyer then pays in the sandbox; the sandbox's signed notification.
    std::pair<QString, test::NotifyReceiver::Received> paidSale(money::Fen fen) {
        test::CrossThreadSignalSpy updates(m_service.get(), &PosService::checkoutUpdated);
        NewOrder order;
        order.channel = Channel::Alipay;
        order.amountFen = fen;
        order.subject = QStringLiteral("Tea");
        order.cashierId = QStringLiteral("1001");
        m_service->startQrCheckout(QStringLiteral("r%1").arg(fen), order);
        QString outTradeNo;
        test::waitUntil([&] {
            for (const QList<QVariant>& args : std::as_const(updates)) {
                const auto u = args.at(0).value<checkout::CheckoutUpdate>();
                if (u.phase == checkout::CheckoutPhase::Waiting)
                    outTradeNo = u.outTradeNo;
            }
            return !outTradeNo.isEmpty();
        });
        const qsizetype before = m_notify->received().size();
        if (outTradeNo.isEmpty() || !m_sandbox->alipay().buyerPay(outTradeNo).ok() ||
            !m_notify->waitFor(int(before) + 1))
            qFatal("no paid sale");
        return {outTradeNo, m_notify->received().at(before)};
    }

    static RelayedNotification relay(qint64 id, const QString& outTradeNo, QByteArray body,
                                     const QString& provider = QStringLiteral("alipay")) {
        RelayedNotification n;
        n.id = id;
        n.provider = provider;
        n.outTradeNo = outTradeNo;
        n.receivedAtMs = nowMs();
        n.headers.insert("content-type", "application/x-www-form-urlencoded; charset=utf-8");
        n.body = std::move(body);
        return n;
    }

    std::optional<LinkAck> ackFor(qint64 id, qsizetype after = 0) {
        if (!test::waitUntil([&] {
                for (qsizetype i = after; i < m_server->acks.size(); ++i) {
                    if (m_server->acks.at(i).id == id)
                        return true;
                }
                return false;
            }))
            return std::nullopt;
        for (qsizetype i = after; i < m_server->acks.size(); ++i) {
            if (m_server->acks.at(i).id == id)
                return m_server->acks.at(i);
        }
        return std::nullopt;
    }

private slots:
    void init() {
        m_dir = std::make_unique<test::TempDir>();
        m_sandbox = std::make_unique<sandbox::SandboxServer>();
        QVERIFY(m_sandbox->listen().ok());
        m_notify = std::make_unique<test::NotifyReceiver>();
        m_server = std::make_unique<test::FakeStoreServer>();
        QVERIFY(m_server->start());
        m_statuses.clear();
        m_recoveryRetry = std::chrono::milliseconds(30000);
        ++m_testCase;
    }
    void cleanup() {
        m_service.reset();
        m_server.reset();
        m_notify.reset();
        m_sandbox.reset();
        m_dir.reset();
    }

    void relayedNotificationIsVerifiedAppliedThenAcknowledged() {
        startTill();
        QVERIFY(linkState(LinkStatus::State::Connected));
        QVERIFY(test::waitUntil([&] { return m_server->linkConnections() == 1; }));
        QVERIFY(m_server->authFailures.isEmpty()); // the upgrade carried a good HMAC
        const auto [outTradeNo, received] = paidSale(1200);
        const int pending = storedState(outTradeNo);
        QVERIFY(pending != int(OrderState::Paid));

        // The server changed one byte of the provider's body: refused, the order unmoved.
        QByteArray forged = received.body;
        const qsizetype at = forged.indexOf("total_amount=") + 13;
        forged[at] = forged.at(at) == '9' ? '8' : char(forged.at(at) + 1);
        QVERIFY(m_server->send(relay(1, outTradeNo, forged)));
        std::optional<LinkAck> ack = ackFor(1);
        QVERIFY(ack);
        QCOMPARE(ack->result, LinkAck::Result::Rejected);
        QVERIFY2(!ack->code.isEmpty(), qPrintable(ack->code));
        QCOMPARE(storedState(outTradeNo), pending);

        // A signature flipped, not the body: refused too.
        QByteArray flippedSign = received.body;
        const qsizetype sign = flippedSign.indexOf("sign=") + 10;
        flippedSign[sign] = flippedSign.at(sign) == 'A' ? 'B' : 'A';
        QVERIFY(m_server->send(relay(2, outTradeNo, flippedSign)));
        ack = ackFor(2);
        QVERIFY(ack);
        QCOMPARE(ack->result, LinkAck::Result::Rejected);
        QCOMPARE(storedState(outTradeNo), pending);

        // A provider this till has no channel for (it takes Alipay only).
        QVERIFY(m_server->send(relay(3, outTradeNo, received.body, QStringLiteral("wechat"))));
        ack = ackFor(3);
        QVERIFY(ack);
        QCOMPARE(ack->result, LinkAck::Result::Rejected);
        QCOMPARE(ack->code, QStringLiteral("notification.unknown_provider"));
        QCOMPARE(storedState(outTradeNo), pending);

        // A provider the protocol does not know: the frame cannot be read, but its id can, so
        // it is refused by id (else the server would send it forever) and changes nothing.
        RelayedNotification unknown = relay(5, outTradeNo, received.body);
        QByteArray frame = encodeLinkMessage(unknown);
        frame.replace("\"alipay\"", "\"paypal\"");
        QVERIFY(m_server->sendFrame(frame));
        ack = ackFor(5);
        QVERIFY(ack);
        QCOMPARE(ack->result, LinkAck::Result::Rejected);
        QCOMPARE(ack->code, QStringLiteral("link.malformed"));

        // A frame that is not JSON, and one of an unknown type: ignored, the link stays.
        QVERIFY(m_server->sendFrame("this is not json"));
        QVERIFY(m_server->sendFrame(R"({"type":"gift","id":"9"})"));
        QTest::qWait(200);
        QCOMPARE(m_server->linkConnections(), 1);
        QCOMPARE(storedState(outTradeNo), pending);
        for (const LinkAck& a : std::as_const(m_server->acks))
            QVERIFY(a.id != 9); // an unknown type is no notification: nothing to refuse

        // The provider's own bytes: applied, and paid in the database before the ack left.
        int stateAtAck = -1;
        connect(m_server.get(), &test::FakeStoreServer::ackReceived, this, [&](const LinkAck& a) {
            if (a.id == 4)
                stateAtAck = storedState(outTradeNo);
        });
        QVERIFY(m_server->send(relay(4, outTradeNo, received.body)));
        ack = ackFor(4);
        QVERIFY(ack);
        QCOMPARE(ack->result, LinkAck::Result::Applied);
        QCOMPARE(stateAtAck, int(OrderState::Paid));

        // The server sends it again (say after a reconnection): applied again, nothing new.
        const qsizetype acks = m_server->acks.size();
        QVERIFY(m_server->send(relay(4, outTradeNo, received.body)));
        ack = ackFor(4, acks);
        QVERIFY(ack);
        QCOMPARE(ack->result, LinkAck::Result::Applied);
        QCOMPARE(storedState(outTradeNo), int(OrderState::Paid));

        // The order's changes reach the server through the upload.
        QVERIFY(test::waitUntil([&] {
            for (const QJsonObject& e : std::as_const(m_server->storedEntries)) {
                if (e.value(QStringLiteral("out_trade_no")).toString() == outTradeNo &&
                    e.value(QStringLiteral("new_state")).toString() == u"paid")
                    return true;
            }
            return false;
        }));
        QVERIFY(linkState(LinkStatus::State::Connected));
        // The till counts its waiting rows once the server's answer reached it, a moment after
        // the server stored them.
        QVERIFY(test::waitUntil(
            [&] { return !m_statuses.isEmpty() && m_statuses.constLast().waitingOrders == 0; }));
    }

    void anotherOrdersNotificationMovesOnlyThatOrder() {
        startTill();
        QVERIFY(linkState(LinkStatus::State::Connected));
        QVERIFY(test::waitUntil([&] { return m_server->linkConnections() == 1; }));
        const auto [outTradeNo, received] = paidSale(1300);
        // A real, signed notification of another sale, relayed as if it were this one.
        const auto [otherOrder, other] = paidSale(1400);
        Q_UNUSED(otherOrder);
        QVERIFY(m_server->send(relay(7, outTradeNo, other.body)));
        const std::optional<LinkAck> ack = ackFor(7);
        QVERIFY(ack);
        // It verifies, but it names its own order: that one is paid, this one not.
        QCOMPARE(ack->result, LinkAck::Result::Applied);
        QVERIFY(storedState(outTradeNo) != int(OrderState::Paid));
    }

    std::optional<SettleAnswer> settleAnswerFor(qint64 id) {
        std::optional<SettleAnswer> found;
        test::waitUntil([&] {
            for (const SettleAnswer& a : std::as_const(m_server->settleAnswers)) {
                if (a.id == id)
                    found = a;
            }
            return found.has_value();
        });
        return found;
    }

    // Reconciliation's settle request: the till asks its provider itself, with its own keys,
    // commits the answer, then answers with its order's state. The server names no state.
    void aSettleRequestIsQueriedAppliedThenAnswered() {
        startTill();
        QVERIFY(linkState(LinkStatus::State::Connected));
        QVERIFY(test::waitUntil([&] { return m_server->linkConnections() == 1; }));
        const auto [outTradeNo, received] = paidSale(1500);
        Q_UNUSED(received); // the notification is lost: the till still has it pending
        // The till stops while the sale waits, and starts again while Alipay cannot answer a
        // query: its recovery leaves the order pending, and no checkout of it runs.
        m_service.reset();
        m_sandbox->faults().add(test::faultRule(sandbox::FaultKind::SystemError,
                                                QStringLiteral("alipay.trade.query"), -1));
        m_recoveryRetry = std::chrono::hours(1);
        startTill();
        m_sandbox->faults().clear();
        QVERIFY(test::waitUntil([&] { return m_server->linkConnections() == 1; }));
        QVERIFY(storedState(outTradeNo) != int(OrderState::Paid));

        QVERIFY(m_server->send(SettleRequest{21, QStringLiteral("alipay"), outTradeNo, {}}));
        const std::optional<SettleAnswer> answer = settleAnswerFor(21);
        QVERIFY(answer);
        QCOMPARE(answer->result, SettleAnswer::Result::Applied);
        QCOMPARE(answer->state, QStringLiteral("paid"));
        QCOMPARE(answer->providerState, QStringLiteral("TRADE_SUCCESS"));
        // Answered after the commit.
        QCOMPARE(storedState(outTradeNo), int(OrderState::Paid));

        // Asked again: the order stays paid.
        QVERIFY(m_server->send(SettleRequest{22, QStringLiteral("alipay"), outTradeNo, {}}));
        const std::optional<SettleAnswer> again = settleAnswerFor(22);
        QVERIFY(again);
        QCOMPARE(again->result, SettleAnswer::Result::Unchanged);
        QCOMPARE(again->state, QStringLiteral("paid"));

        // Another till's order is not this till's to settle; a request it cannot read is
        // answered by its id, so the server does not send it forever.
        QVERIFY(m_server->send(SettleRequest{
            23, QStringLiteral("alipay"), QStringLiteral("S01_T02_20261204_00000001"), {}}));
        const std::optional<SettleAnswer> foreign = settleAnswerFor(23);
        QVERIFY(foreign);
        QCOMPARE(foreign->result, SettleAnswer::Result::Failed);
        QCOMPARE(foreign->code, QStringLiteral("settle.not_this_till"));
        QVERIFY(m_server->sendFrame("{\"type\":\"settle\",\"id\":\"24\",\"provider\":"
                                    "\"paypal\",\"out_trade_no\":\"x\"}"));
        const std::optional<SettleAnswer> unreadable = settleAnswerFor(24);
        QVERIFY(unreadable);
        QCOMPARE(unreadable->result, SettleAnswer::Result::Failed);
        QCOMPARE(unreadable->code, QStringLiteral("link.malformed"));
    }

    void reconnectsWithBackoffAndShowsOffline() {
        startTill();
        QVERIFY(linkState(LinkStatus::State::Connected));
        QVERIFY(test::waitUntil([&] { return m_server->linkUpgrades == 1; }));
        // The server drops the link: the till comes back by itself.
        m_server->dropLinks();
        QVERIFY(test::waitUntil([&] { return m_server->linkUpgrades >= 2; }));
        QVERIFY(linkState(LinkStatus::State::Connected));
        // The server goes away: offline since then, until it is back.
        const quint16 port = m_server->port();
        const qint64 before = nowMs();
        m_server->stop();
        QVERIFY(linkState(LinkStatus::State::Offline));
        QVERIFY(m_statuses.constLast().offlineSinceMs >= before);
        QTest::qWait(600);
        QVERIFY(m_server->start(port));
        QVERIFY(linkState(LinkStatus::State::Connected));
    }

    void clockDifferenceIsReported() {
        m_server->clockOffsetMs = -120'000;
        startTill();
        QVERIFY(test::waitUntil(
            [&] { return !m_statuses.isEmpty() && m_statuses.constLast().clockDifferenceMs; },
            20'000));
        // Measured as each answer arrives; a loaded machine (sanitizers) may still add seconds
        // between the server's reading and the till's, far below the 60 s warning threshold.
        QVERIFY2(qAbs(*m_statuses.constLast().clockDifferenceMs + 120'000) < 20'000,
                 qPrintable(QString::number(*m_statuses.constLast().clockDifferenceMs)));
        QVERIFY(m_statuses.constLast().clockWarning());
    }

    void unusableCredentialsAreNotConfigured() {
        PosOptions o = options();
        QVERIFY(QFile::setPermissions(o.config.storeServer.credentialsPath,
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup));
        m_service = std::make_unique<PosService>(o);
        watchStatuses();
        m_service->start();
        QVERIFY(linkState(LinkStatus::State::NotConfigured));
        QVERIFY(m_statuses.constLast().problem.contains(QStringLiteral("chmod 600")));
        QTest::qWait(200);
        QCOMPARE(m_server->linkUpgrades, 0);
    }

    // The link on its own: a refused upgrade and a wrong certificate are retried with a wait
    // that doubles; nothing reaches a server whose certificate is not the pinned one.
    void refusedUpgradeBacksOff() {
        EnrollmentCode code = m_server->addTerminal(m_till);
        code.secret.secret[3] = char(code.secret.secret.at(3) ^ 0x10);
        PushLink::Policy policy;
        policy.backoff = {40, 320, 0};
        int handled = 0;
        PushLink link({code.serverUrl, code.terminal, code.secret, {}}, policy, nowMs,
                      [&](const RelayedNotification&, PushLink::Ack) { ++handled; });
        link.start();
        QVERIFY(test::waitUntil([&] { return m_server->authFailures.size() >= 4; }));
        QCOMPARE(m_server->authFailures.constFirst(), QStringLiteral("auth.bad_signature"));
        QVERIFY(link.lastWaitMs() >= 160);
        QVERIFY(m_server->sendFrame("{}") == false); // never an accepted link
        QCOMPARE(handled, 0);
    }

    void waitResetsAfterAStableConnection() {
        const EnrollmentCode code = m_server->addTerminal(m_till);
        PushLink::Policy policy;
        policy.backoff = {40, 1000, 0};
        policy.stableMs = 300;
        PushLink link({code.serverUrl, code.terminal, code.secret, {}}, policy, nowMs,
                      [](const RelayedNotification&, PushLink::Ack) {});
        link.start();
        auto connectedTimes = [&](int n) {
            return test::waitUntil(
                [&] { return link.connections() == n && m_server->linkConnections() == 1; });
        };
        QVERIFY(connectedTimes(1));
        m_server->dropLinks(); // a short connection: the wait grows
        QVERIFY(connectedTimes(2));
        QCOMPARE(link.lastWaitMs(), 40);
        m_server->dropLinks();
        QVERIFY(connectedTimes(3));
        QCOMPARE(link.lastWaitMs(), 80);
        QTest::qWait(400); // a connection that lasted: the wait starts again from the first
        m_server->dropLinks();
        QVERIFY(connectedTimes(4));
        QCOMPARE(link.lastWaitMs(), 40);
    }

    void wrongPinnedCertificateNeverConnects() {
        const Result<sandbox::SandboxTlsIdentity> tls = sandbox::loadOrCreateTlsIdentity({});
        QVERIFY(tls.ok());
        QVERIFY(m_server->startTls(tls->server, tls->serverKey));
        const EnrollmentCode code = m_server->addTerminal(m_till);
        PushLink::Policy policy;
        policy.backoff = {40, 200, 0};
        PushLink wrong({code.serverUrl, code.terminal, code.secret,
                        CertificatePin(certificateFingerprint(tls->ca), {})},
                       policy, nowMs, [](const RelayedNotification&, PushLink::Ack) {});
        wrong.start();
        QTest::qWait(500);
        QCOMPARE(m_server->linkUpgrades, 0);
        QVERIFY(!wrong.connected());
        QVERIFY(wrong.offlineSinceMs() > 0);

        PushLink right({code.serverUrl, code.terminal, code.secret,
                        CertificatePin(certificateFingerprint(tls->server), {})},
                       policy, nowMs, [](const RelayedNotification&, PushLink::Ack) {});
        right.start();
        QVERIFY(test::waitUntil([&] { return right.connected(); }));
        QCOMPARE(m_server->linkUpgrades, 1);
    }
};

QTEST_GUILESS_MAIN(TestLinkPush)
#include "tst_link_push.moc"
