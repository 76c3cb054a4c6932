// Two qpos-server instances on one PostgreSQL database: a notification the provider posts to
// instance A reaches the till linked to instance B (LISTEN/NOTIFY), with the provider's own
// signature intact; the till's acknowledgement through B is what A sees too, so nobody sends
// it again; and a notification taken by A while B is down reaches the till when it links to
// B again.
#include "core/gateways/alipay/AlipayNotification.h"
#include "core/link/EnrollmentCode.h"
#include "core/link/LinkMessages.h"
#include "core/link/RequestSignature.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/SandboxServer.h"
#include "server/QposServer.h"
#include "server/storage/PostgresServerStore.h"
#include "server/terminals/TerminalAdmin.h"
#include "tests/sandbox/AlipayTestClient.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"

#include <QSqlQuery>
#include <QTest>
#include <QWebSocket>

#include <algorithm>

using namespace qpos;
using namespace qpos::sandbox;
using namespace qpos::server;
using namespace qpos::test;

namespace {

const QString kApp = QStringLiteral("2021000000000002");
const link::TerminalIdentity kT07{QStringLiteral("S001"), QStringLiteral("T07")};

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

QUrl urlOf(const QposServer& server, const QString& path, const char* scheme = "http") {
    return QUrl(QStringLiteral("%1://127.0.0.1:%2%3")
                    .arg(QLatin1String(scheme))
                    .arg(server.port())
                    .arg(path));
}

// A till's push link, as the till's PushLink speaks it: frames in, acknowledgements out.
struct TillLink {
    std::unique_ptr<QWebSocket> socket = std::make_unique<QWebSocket>();
    QList<QByteArray> frames;
    bool open = false;

    std::optional<link::RelayedNotification> relayed(const QString& no) const {
        for (const QByteArray& f : frames) {
            Result<link::LinkMessage> m = link::decodeLinkMessage(f);
            if (!m)
                continue;
            if (const auto* n = std::get_if<link::RelayedNotification>(&*m);
                n && n->outTradeNo == no)
                return *n;
        }
        return std::nullopt;
    }
    void ack(qint64 id) {
        socket->sendTextMessage(QString::fromUtf8(
            link::encodeLinkMessage(link::LinkAck{id, link::LinkAck::Result::Applied, {}})));
    }
};

} // namespace

class TestServerFanout : public QObject {
    Q_OBJECT

    TempDir m_dir;
    StoreUnderTest m_backend{m_dir, StoreUnderTest::Kind::Postgresql};
    std::unique_ptr<SandboxServer> m_sandbox;
    std::unique_ptr<AlipayTestClient> m_alipay;
    std::unique_ptr<QposServer> m_a;
    std::unique_ptr<QposServer> m_b;
    link::TerminalSecret m_t07;
    int m_sequence = 0;

    std::unique_ptr<QposServer> startServer() {
        auto verifier = std::make_shared<alipay::AlipayNotificationVerifier>(
            kApp, QString(), m_sandbox->alipay().alipayPublicKey());
        auto server = std::make_unique<QposServer>(
            m_backend.makeStore(), ProviderVerifiers(verifier, nullptr), QposServer::Options{});
        const Status started = server->start();
        if (!started)
            qFatal("%s", qPrintable(started.error().message));
        return server;
    }
    std::unique_ptr<TillLink> linkTo(const QposServer& server) {
        auto till = std::make_unique<TillLink>();
        TillLink* t = till.get();
        QNetworkRequest request(urlOf(server, QStringLiteral("/v1/link"), "ws"));
        request.setRawHeader("Authorization", *link::authorizationHeader(kT07, m_t07, "GET",
                                                                         "/v1/link", {}, nowMs()));
        connect(t->socket.get(), &QWebSocket::textMessageReceived, this,
                [t](const QString& text) { t->frames << text.toUtf8(); });
        connect(t->socket.get(), &QWebSocket::connected, this, [t] { t->open = true; });
        connect(t->socket.get(), &QWebSocket::disconnected, this, [t] { t->open = false; });
        t->socket->open(request);
        return till;
    }
    // An order of T07 paid by the simulated buyer; Alipay posts its notification to `server`.
    QString paidOrderNotifying(const QposServer& server) {
        const QString no = kT07.outTradeNoPrefix() +
                           QStringLiteral("20261204_%1").arg(++m_sequence, 8, 10, QLatin1Char('0'));
        const GatewayResult r =
            m_alipay->precreate(no, QStringLiteral("12.34"),
                                urlOf(server, QStringLiteral("/notify/alipay")).toString());
        if (r.code() != u"10000")
            qFatal("precreate failed");
        if (!m_sandbox->alipay().buyerPay(no).ok())
            qFatal("pay failed");
        return no;
    }
    qint64 t07Row(QposServer& server) { return (*server.store().terminal(kT07))->rowId; }
    static bool pendingFor(QposServer& server, qint64 terminal, qint64 id) {
        const Result<QList<PendingRelay>> pending = server.store().pendingRelays(terminal);
        if (!pending)
            qFatal("%s", qPrintable(pending.error().message));
        return std::any_of(pending->cbegin(), pending->cend(),
                           [id](const PendingRelay& p) { return p.id == id; });
    }

private slots:
    void initTestCase() {
        QPOS_PREPARE_STORE(m_backend);
        SandboxOptions options;
        options.alipay.notifyScale = 0.0001;
        options.alipay.notifyTimeoutMs = 3000;
        m_sandbox = std::make_unique<SandboxServer>(options);
        QVERIFY(m_sandbox->listen().ok());
        Result<crypto::RsaPrivateKey> appKey = m_sandbox->alipay().createApp(kApp);
        QVERIFY(appKey.ok());
        m_alipay = std::make_unique<AlipayTestClient>(m_sandbox->baseUrl(), kApp, *appKey,
                                                      m_sandbox->alipay().alipayPublicKey());
        m_a = startServer();
        m_b = startServer();
        TerminalAdmin admin(m_a->store(), urlOf(*m_a, QStringLiteral("/")), QString(),
                            86400 * 1000LL);
        Result<link::EnrollmentCode> code = admin.add(kT07, nowMs());
        QVERIFY(code.ok());
        m_t07 = link::EnrollmentCode::decode(code->encode())->secret;
    }

    void aNotificationTakenByOneInstanceReachesTheTillLinkedToTheOther() {
        auto till = linkTo(*m_b);
        QTRY_VERIFY_WITH_TIMEOUT(till->open, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!till->frames.isEmpty(), 15000); // hello

        const QString no = paidOrderNotifying(*m_a);
        QTRY_VERIFY_WITH_TIMEOUT(till->relayed(no).has_value(), 15000);
        const link::RelayedNotification n = *till->relayed(no);
        // A took it: counted there, relayed by B with Alipay's own signature intact.
        QCOMPARE(m_a->metrics().render({}).contains(
                     "qpos_notifications_total{provider=\"alipay\",result=\"accepted\"} 1"),
                 true);
        Result<alipay::Params> params = alipay::parseForm(n.body);
        QVERIFY(params.ok());
        QVERIFY(alipay::verifyNotification(*params, m_sandbox->alipay().alipayPublicKey()).ok());

        const qint64 terminal = t07Row(*m_a);
        QVERIFY(pendingFor(*m_a, terminal, n.id));
        till->ack(n.id);
        // Acknowledged through B, in the shared database: A and B agree.
        QTRY_VERIFY_WITH_TIMEOUT(!pendingFor(*m_a, terminal, n.id), 10000);
        QVERIFY(!pendingFor(*m_b, terminal, n.id));
        QSqlQuery q(StoreUnderTest::sql(m_a->store()));
        q.prepare(QStringLiteral("SELECT ack_result FROM relay_queue WHERE notification = ? AND "
                                 "acked_at_ms IS NOT NULL"));
        q.addBindValue(n.id);
        QVERIFY(q.exec() && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("applied"));

        // Linked to A now, the till is not sent it again.
        till->socket->close();
        auto atA = linkTo(*m_a);
        QTRY_VERIFY_WITH_TIMEOUT(!atA->frames.isEmpty(), 15000);
        QTest::qWait(500);
        QVERIFY(!atA->relayed(no));
        atA->socket->close();
        QTRY_VERIFY_WITH_TIMEOUT(!atA->open, 5000);
    }

    void aNotificationTakenWhileTheTillsInstanceIsDownArrivesAfterItsRestart() {
        auto till = linkTo(*m_b);
        QTRY_VERIFY_WITH_TIMEOUT(till->open, 15000);
        till->socket->abort();
        m_b.reset(); // B goes down; the till is offline with it

        const QString no = paidOrderNotifying(*m_a);
        // Recorded by A and waiting for the till.
        const auto queued = [&] {
            QSqlQuery q(StoreUnderTest::sql(m_a->store()));
            q.prepare(QStringLiteral("SELECT count(*) FROM relay_queue r JOIN notifications n ON "
                                     "n.id = r.notification WHERE n.out_trade_no = ? AND "
                                     "r.acked_at_ms IS NULL"));
            q.addBindValue(no);
            return q.exec() && q.next() && q.value(0).toInt() == 1;
        };
        QTRY_VERIFY_WITH_TIMEOUT(queued(), 15000);

        m_b = startServer();
        auto again = linkTo(*m_b);
        QTRY_VERIFY_WITH_TIMEOUT(again->relayed(no).has_value(), 15000);
        const qint64 id = again->relayed(no)->id;
        again->ack(id);
        QTRY_VERIFY_WITH_TIMEOUT(!pendingFor(*m_a, t07Row(*m_a), id), 10000);
        QVERIFY(!pendingFor(*m_b, t07Row(*m_b), id));
        again->socket->close();
        QTRY_VERIFY_WITH_TIMEOUT(!again->open, 5000);
    }
};

QTEST_GUILESS_MAIN(TestServerFanout)
#include "tst_server_fanout.moc"
