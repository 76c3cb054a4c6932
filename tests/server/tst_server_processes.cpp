// Two qpos-server processes, the built executable, on one PostgreSQL database, each on a port
// the system chose: a notification Alipay posts to process A reaches the till linked to
// process B with Alipay's bytes intact, and the till's acknowledgement through B keeps A from
// sending it again. Then PostgreSQL is stopped and started again under them: while it is down
// both answer /healthz with 503 and a notification with "fail" (so Alipay sends it again) and
// record nothing; once it is back both recover without a restart, new notifications are
// recorded and B, listening again, relays them over the link it kept.
#include "core/crypto/RsaPublicKey.h"
#include "core/gateways/alipay/AlipaySignature.h"
#include "core/link/LinkMessages.h"
#include "core/link/RequestSignature.h"
#include "tests/server/AlipayNotificationSigner.h"
#include "tests/server/ServerProcess.h"
#include "tests/server/ServerTestSupport.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestFiles.h"

#include <QDateTime>
#include <QSqlQuery>
#include <QTest>
#include <QWebSocket>

#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::server;
using namespace qpos::test;

namespace {

const QString kApp = QStringLiteral("2021000000000002");
const link::TerminalIdentity kT07{QStringLiteral("S001"), QStringLiteral("T07")};

// A till's push link, as the till's PushLink speaks it: frames in, acknowledgements out.
struct TillLink {
    std::unique_ptr<QWebSocket> socket = std::make_unique<QWebSocket>();
    QList<QByteArray> frames;
    bool open = false;
    int connects = 0;

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

class TestServerProcesses : public QObject {
    Q_OBJECT

    TempDir m_dir;
    StoreUnderTest m_backend{m_dir, StoreUnderTest::Kind::Postgresql};
    AlipayNotificationSigner m_signer{kApp};
    std::unique_ptr<ServerProcess> m_a;
    std::unique_ptr<ServerProcess> m_b;
    link::TerminalSecret m_t07;
    int m_sequence = 0;

    std::unique_ptr<ServerProcess> serverProcess(const QString& name) {
        const QString config = writeFileWithMode(
            m_dir, name + QStringLiteral(".ini"),
            "[server]\nlisten = 127.0.0.1:0\npublic_url = http://127.0.0.1:8443\n" +
                m_backend.databaseSection() + "[log]\ndir = logs-" + name.toUtf8() +
                "\n[alipay]\nenabled = true\napp_id = " + kApp.toUtf8() +
                "\nalipay_public_key = alipay_public.pem\n",
            0600);
        return std::make_unique<ServerProcess>(QStringLiteral(QPOS_SERVER_PATH), config);
    }
    std::unique_ptr<TillLink> linkTo(const ServerProcess& server) {
        auto till = std::make_unique<TillLink>();
        TillLink* t = till.get();
        QNetworkRequest request(server.url(QStringLiteral("/v1/link"), "ws"));
        request.setRawHeader("Authorization",
                             *link::authorizationHeader(kT07, m_t07, "GET", "/v1/link", {},
                                                        QDateTime::currentMSecsSinceEpoch()));
        connect(t->socket.get(), &QWebSocket::textMessageReceived, this,
                [t](const QString& text) { t->frames << text.toUtf8(); });
        connect(t->socket.get(), &QWebSocket::connected, this, [t] {
            t->open = true;
            ++t->connects;
        });
        connect(t->socket.get(), &QWebSocket::disconnected, this, [t] { t->open = false; });
        t->socket->open(request);
        return till;
    }
    // A paid order of T07: its notification, signed by "Alipay", and the order number.
    QPair<QString, QByteArray> notification() {
        ++m_sequence;
        const QString no = kT07.outTradeNoPrefix() +
                           QStringLiteral("20261205_%1").arg(m_sequence, 8, 10, QLatin1Char('0'));
        return {no, m_signer.paidNotification(QStringLiteral("2026proc%1").arg(m_sequence), no,
                                              QStringLiteral("12.34"))};
    }
    static ServerAnswer post(const ServerProcess& server, const QByteArray& body) {
        return httpRequest("POST", server.url(QStringLiteral("/notify/alipay")), body,
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
    }
    static int health(const ServerProcess& server) {
        return httpRequest("GET", server.url(QStringLiteral("/healthz"))).httpStatus;
    }
    // The rows of this order's notification and whether its message was acknowledged.
    QPair<int, int> recorded(const QString& no) {
        std::unique_ptr<ServerStore> store = m_backend.makeStore();
        if (!store->open().ok())
            return {-1, -1};
        QSqlQuery q(StoreUnderTest::sql(*store));
        q.prepare(QStringLiteral("SELECT count(*), count(r.acked_at_ms) FROM notifications n "
                                 "JOIN relay_queue r ON r.notification = n.id WHERE "
                                 "n.out_trade_no = ?"));
        q.addBindValue(no);
        if (!q.exec() || !q.next())
            return {-1, -1};
        return {q.value(0).toInt(), q.value(1).toInt()};
    }

private slots:
    void initTestCase() {
        QPOS_PREPARE_STORE(m_backend);
        writeFileWithMode(m_dir, QStringLiteral("alipay_public.pem"), m_signer.publicKeyPem(),
                          0644);
        m_a = serverProcess(QStringLiteral("a"));
        m_b = serverProcess(QStringLiteral("b"));
        Result<link::TerminalSecret> secret = m_a->addTerminal(kT07);
        QVERIFY2(secret.ok(), qPrintable(secret.ok() ? QString() : secret.error().message));
        m_t07 = *secret;
        for (ServerProcess* server : {m_a.get(), m_b.get()}) {
            const Status started = server->start();
            QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        }
        QVERIFY(m_a->port() != m_b->port());
    }

    void aNotificationPostedToOneProcessReachesTheTillLinkedToTheOther() {
        auto till = linkTo(*m_b);
        QTRY_VERIFY_WITH_TIMEOUT(till->open, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!till->frames.isEmpty(), 15000); // hello

        const QPair<QString, QByteArray> paid = notification();
        const QString& no = paid.first;
        const QByteArray& body = paid.second;
        QCOMPARE(post(*m_a, body).body, QByteArray("success"));
        QTRY_VERIFY_WITH_TIMEOUT(till->relayed(no).has_value(), 15000);
        const link::RelayedNotification n = *till->relayed(no);
        // Alipay's bytes, which the till verifies itself.
        QCOMPARE(n.body, body);
        Result<alipay::Params> params = alipay::parseForm(n.body);
        QVERIFY(params.ok());
        QVERIFY(alipay::verifyNotification(*params,
                                           *crypto::RsaPublicKey::fromPem(m_signer.publicKeyPem()))
                    .ok());
        QCOMPARE(recorded(no), qMakePair(1, 0));

        till->ack(n.id);
        QTRY_COMPARE_WITH_TIMEOUT(recorded(no), qMakePair(1, 1), 10000);
        // Linked to A now, the till is not sent it again.
        till->socket->close();
        auto atA = linkTo(*m_a);
        QTRY_VERIFY_WITH_TIMEOUT(!atA->frames.isEmpty(), 15000);
        QTest::qWait(1000);
        QVERIFY(!atA->relayed(no));
        atA->socket->close();
        QTRY_VERIFY_WITH_TIMEOUT(!atA->open, 5000);
    }

    void bothProcessesRecoverWhenPostgresqlRestarts() {
        auto till = linkTo(*m_b);
        QTRY_VERIFY_WITH_TIMEOUT(till->open, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!till->frames.isEmpty(), 15000);

        const Status paused = m_backend.cluster().pause();
        QVERIFY2(paused.ok(), qPrintable(paused.ok() ? QString() : paused.error().message));
        const QPair<QString, QByteArray> lost = notification();
        const QString& lostNo = lost.first;
        const QByteArray& lostBody = lost.second;
        const ServerAnswer refused = post(*m_a, lostBody);
        QCOMPARE(refused.httpStatus, 503);
        QCOMPARE(refused.body, QByteArray("fail")); // Alipay sends it again
        QCOMPARE(post(*m_b, lostBody).body, QByteArray("fail"));
        QCOMPARE(health(*m_a), 503);
        QCOMPARE(health(*m_b), 503);
        QVERIFY(m_a->isRunning() && m_b->isRunning());

        const Status resumed = m_backend.cluster().resume();
        QVERIFY2(resumed.ok(), qPrintable(resumed.ok() ? QString() : resumed.error().message));
        QCOMPARE(recorded(lostNo), qMakePair(0, 0)); // nothing was recorded while it was down
        QTRY_COMPARE_WITH_TIMEOUT(health(*m_a), 200, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(health(*m_b), 200, 30000);

        // B listens again: what A takes now reaches the till over the link B kept.
        const QPair<QString, QByteArray> paid = notification();
        const QString& no = paid.first;
        const QByteArray& body = paid.second;
        QCOMPARE(post(*m_a, body).body, QByteArray("success"));
        QTRY_VERIFY_WITH_TIMEOUT(till->relayed(no).has_value(), 15000);
        QCOMPARE(till->relayed(no)->body, body);
        // Alipay's retry of the one refused while the database was down.
        QCOMPARE(post(*m_a, lostBody).body, QByteArray("success"));
        QTRY_VERIFY_WITH_TIMEOUT(till->relayed(lostNo).has_value(), 15000);
        QCOMPARE(recorded(lostNo), qMakePair(1, 0));
        QVERIFY(till->open);
        QCOMPARE(till->connects, 1);
        QVERIFY(m_a->isRunning() && m_b->isRunning());
        QVERIFY2(m_b->output().contains("connected to PostgreSQL again"),
                 m_b->output().right(3000));
    }
};

QTEST_GUILESS_MAIN(TestServerProcesses)
#include "tst_server_processes.moc"
