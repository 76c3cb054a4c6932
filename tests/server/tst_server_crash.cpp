// Kills the qpos-server executable with SIGKILL while several clients post signed Alipay
// notifications and several tills upload signed outbox batches, round after round, and checks
// after each kill that every acknowledged notification and batch is in the database exactly
// once, and that nothing unacknowledged is half there (a notification without its relay row,
// part of a batch, an entry without its order). At the end the providers and the tills send
// again what was never acknowledged, as they do, and then everything is there exactly once.
#include "core/link/RequestSignature.h"
#include "tests/server/AlipayNotificationSigner.h"
#include "tests/server/EnrolledTill.h"
#include "tests/server/ServerProcess.h"
#include "tests/server/ServerTestSupport.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestFiles.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTest>

#include <QHash>
#include <QSet>

#include <functional>
#include <memory>
#include <vector>

using namespace qpos;
using namespace qpos::server;
using namespace qpos::test;

namespace {

const QString kApp = QStringLiteral("2021000000000002");
const link::TerminalIdentity kRelayTill{QStringLiteral("S001"), QStringLiteral("T07")};
constexpr int kRounds = 5;
constexpr int kNotifiers = 4;
constexpr int kTills = 3;
constexpr int kEntriesPerBatch = 4;

struct SentNotification {
    QString notifyId;
    QByteArray body;
    bool acknowledged = false;
};

struct SentBatch {
    int till = 0;
    qint64 firstSeq = 0;
    QList<TillEvent> events;
    bool acknowledged = false;
};

struct Till {
    link::TerminalIdentity identity;
    link::TerminalSecret secret;
    qint64 nextSeq = 1;
};

// The load: each notifier and each till is its own HTTP client with one request in flight at
// a time, as a provider's sender and a till's uploader are; each sends its next request as
// soon as the last one is answered, until stopped.
class Traffic {
public:
    Traffic(const AlipayNotificationSigner& signer, QList<Till>& tills)
        : m_signer(signer)
        , m_tills(tills) {}

    void start(const ServerProcess& server, int round) {
        m_server = &server;
        m_round = round;
        m_running = true;
        m_clients.clear();
        for (int i = 0; i < kNotifiers + kTills; ++i)
            m_clients.push_back(std::make_unique<QNetworkAccessManager>());
        for (int i = 0; i < kNotifiers; ++i)
            postNotification(i);
        for (int t = 0; t < kTills; ++t)
            uploadBatch(t);
    }
    void stop() { m_running = false; }
    int inFlight() const { return m_inFlight; }
    int cutOff() const { return m_cutOff; }

    QList<SentNotification> notifications;
    QList<SentBatch> batches;

private:
    void postNotification(int client) {
        if (!m_running)
            return;
        SentNotification n;
        n.notifyId = QStringLiteral("2026crash%1n%2").arg(m_round).arg(notifications.size());
        const QString no =
            kRelayTill.outTradeNoPrefix() +
            QStringLiteral("20261205_%1").arg(notifications.size(), 8, 10, QLatin1Char('0'));
        n.body = m_signer.paidNotification(n.notifyId, no, QStringLiteral("12.34"));
        const qsizetype index = notifications.size();
        notifications.append(n);
        QNetworkRequest request(m_server->url(QStringLiteral("/notify/alipay")));
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded; charset=utf-8"));
        send(m_clients[size_t(client)]->post(request, n.body),
             [this, index, client](int status, const QByteArray& body) {
                 notifications[index].acknowledged = status == 200 && body == "success";
                 postNotification(client);
             });
    }

    void uploadBatch(int t) {
        if (!m_running)
            return;
        Till& till = m_tills[t];
        SentBatch b;
        b.till = t;
        b.firstSeq = till.nextSeq;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int i = 0; i < kEntriesPerBatch; ++i) {
            TillEvent e;
            e.outTradeNo =
                till.identity.outTradeNoPrefix() +
                QStringLiteral("20261205_%1").arg(till.nextSeq + i, 8, 10, QLatin1Char('0'));
            e.eventId = till.nextSeq + i;
            e.atMs = now;
            b.events.append(e);
        }
        till.nextSeq += kEntriesPerBatch; // a batch cut off is not sent again in this round
        const qsizetype index = batches.size();
        batches.append(b);
        const QByteArray body = EnrolledTill::syncBody(till.identity, b.firstSeq, b.events);
        QNetworkRequest request(m_server->url(QStringLiteral("/v1/sync")));
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        request.setRawHeader(
            "Authorization",
            *link::authorizationHeader(till.identity, till.secret, "POST", "/v1/sync", body, now));
        send(m_clients[size_t(kNotifiers + t)]->post(request, body),
             [this, index, t](int status, const QByteArray& answer) {
                 batches[index].acknowledged = status == 200 && answer.contains("stored_seq");
                 uploadBatch(t);
             });
    }

    void send(QNetworkReply* reply, std::function<void(int status, const QByteArray& body)> done) {
        ++m_inFlight;
        QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply, done] {
            --m_inFlight;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 0)
                ++m_cutOff;
            done(status, reply->readAll());
            reply->deleteLater();
        });
    }

    const AlipayNotificationSigner& m_signer;
    QList<Till>& m_tills;
    const ServerProcess* m_server = nullptr;
    std::vector<std::unique_ptr<QNetworkAccessManager>> m_clients;
    int m_round = 0;
    bool m_running = false;
    int m_inFlight = 0;
    int m_cutOff = 0;
};

} // namespace

class TestServerCrash : public QObject {
    Q_OBJECT

    // What the database holds is what was acknowledged, whole, plus possibly some of what was
    // cut off, also whole.
    static void checkDatabase(QSqlDatabase db, const QList<Till>& tills,
                              const QList<SentNotification>& notifications,
                              const QList<SentBatch>& batches, bool everythingAcknowledged) {
        QHash<QString, QByteArray> sent;
        for (const SentNotification& n : notifications)
            sent.insert(n.notifyId, n.body);
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT provider_id, raw_body FROM notifications")));
        QSet<QString> stored;
        while (q.next()) {
            const QString id = q.value(0).toString();
            QVERIFY2(sent.contains(id), qPrintable(id)); // nothing that was not sent
            QVERIFY2(!stored.contains(id), qPrintable(id));
            QCOMPARE(q.value(1).toByteArray(), sent.value(id)); // Alipay's bytes, intact
            stored.insert(id);
        }
        for (const SentNotification& n : notifications) {
            if (n.acknowledged || everythingAcknowledged)
                QVERIFY2(stored.contains(n.notifyId), qPrintable(n.notifyId));
        }
        // A notification is never without its message to the till.
        QVERIFY(q.exec(QStringLiteral(
            "SELECT count(*) FROM notifications n WHERE NOT EXISTS (SELECT 1 FROM relay_queue r "
            "WHERE r.notification = n.id)")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM relay_queue")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), stored.size());

        QHash<QString, qint64> terminalRows;
        QVERIFY(q.exec(QStringLiteral("SELECT id, terminal_id FROM terminals")));
        while (q.next())
            terminalRows.insert(q.value(1).toString(), q.value(0).toLongLong());
        qint64 wholeEntries = 0;
        QSqlQuery entry(db);
        entry.prepare(QStringLiteral(
            "SELECT e.out_trade_no, o.out_trade_no FROM synced_entries e LEFT JOIN orders o ON "
            "o.out_trade_no = e.out_trade_no WHERE e.terminal = ? AND e.seq = ?"));
        for (const SentBatch& b : batches) {
            const qint64 terminal = terminalRows.value(tills[b.till].identity.terminalId);
            int present = 0;
            for (qsizetype i = 0; i < b.events.size(); ++i) {
                entry.addBindValue(terminal);
                entry.addBindValue(b.firstSeq + i);
                QVERIFY(entry.exec());
                if (!entry.next())
                    continue;
                ++present;
                QCOMPARE(entry.value(0).toString(), b.events[i].outTradeNo);
                QCOMPARE(entry.value(1).toString(), b.events[i].outTradeNo); // with its order
                QVERIFY(!entry.next());
            }
            const QString what = QStringLiteral("%1 seq %2: %3 of %4 entries")
                                     .arg(tills[b.till].identity.terminalId)
                                     .arg(b.firstSeq)
                                     .arg(present)
                                     .arg(b.events.size());
            QVERIFY2(present == 0 || present == b.events.size(), qPrintable(what));
            if (b.acknowledged || everythingAcknowledged)
                QVERIFY2(present == b.events.size(), qPrintable(what));
            wholeEntries += present;
        }
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM synced_entries")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toLongLong(), wholeEntries); // nothing beside the batches sent
    }

private slots:
    void everythingAcknowledgedSurvivesSigkill_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("sqlite") << int(StoreUnderTest::Kind::Sqlite);
        QTest::newRow("postgresql") << int(StoreUnderTest::Kind::Postgresql);
    }

    void everythingAcknowledgedSurvivesSigkill() {
        QFETCH(int, kind);
        TempDir dir;
        StoreUnderTest backend(dir, StoreUnderTest::Kind(kind));
        QPOS_PREPARE_STORE(backend);
        const AlipayNotificationSigner signer(kApp);
        writeFileWithMode(dir, QStringLiteral("alipay_public.pem"), signer.publicKeyPem(), 0644);
        const QString config = writeFileWithMode(
            dir, QStringLiteral("server.ini"),
            "[server]\nlisten = 127.0.0.1:0\npublic_url = http://127.0.0.1:8443\n" +
                backend.databaseSection() +
                "[log]\ndir = logs\n[alipay]\nenabled = true\napp_id = " + kApp.toUtf8() +
                "\nalipay_public_key = alipay_public.pem\n",
            0600);
        ServerProcess server(QStringLiteral(QPOS_SERVER_PATH), config);

        QList<Till> tills;
        Result<link::TerminalSecret> relay = server.addTerminal(kRelayTill);
        QVERIFY2(relay.ok(), qPrintable(relay.ok() ? QString() : relay.error().message));
        for (int t = 1; t <= kTills; ++t) {
            Till till;
            till.identity = {QStringLiteral("S001"),
                             QStringLiteral("T%1").arg(t, 2, 10, QLatin1Char('0'))};
            Result<link::TerminalSecret> secret = server.addTerminal(till.identity);
            QVERIFY2(secret.ok(), qPrintable(secret.ok() ? QString() : secret.error().message));
            till.secret = *secret;
            tills.append(till);
        }

        const quint32 seed = QRandomGenerator::system()->generate();
        qInfo("seed %u", seed);
        QRandomGenerator rng(seed);
        Traffic traffic(signer, tills);
        for (int round = 0; round < kRounds; ++round) {
            const Status started = server.start();
            QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
            traffic.start(server, round);
            QTest::qWait(300 + int(rng.bounded(1200)));
            QVERIFY2(server.isRunning(), server.output().right(2000).constData());
            server.kill();
            traffic.stop();
            QTRY_VERIFY_WITH_TIMEOUT(traffic.inFlight() == 0, 60000);

            std::unique_ptr<ServerStore> store = backend.makeStore();
            const Status opened = store->open();
            QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
            checkDatabase(StoreUnderTest::sql(*store), tills, traffic.notifications,
                          traffic.batches, false);
            if (QTest::currentTestFailed())
                return;
        }
        qsizetype acknowledged = 0;
        for (const SentNotification& n : std::as_const(traffic.notifications))
            acknowledged += n.acknowledged;
        qsizetype batchesAcknowledged = 0;
        for (const SentBatch& b : std::as_const(traffic.batches))
            batchesAcknowledged += b.acknowledged;
        qInfo("%lld of %lld notifications and %lld of %lld batches acknowledged, %d cut off",
              qlonglong(acknowledged), qlonglong(traffic.notifications.size()),
              qlonglong(batchesAcknowledged), qlonglong(traffic.batches.size()), traffic.cutOff());
        QVERIFY(acknowledged > 0);
        QVERIFY(batchesAcknowledged > 0);
        QVERIFY(traffic.cutOff() > 0); // some requests were in flight at a kill

        // Alipay sends again what it has no "success" for, the tills what has no answer.
        const Status started = server.start();
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error().message));
        QCOMPARE(httpRequest("GET", server.url(QStringLiteral("/healthz"))).httpStatus, 200);
        for (SentNotification& n : traffic.notifications) {
            if (n.acknowledged)
                continue;
            const ServerAnswer a =
                httpRequest("POST", server.url(QStringLiteral("/notify/alipay")), n.body,
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
            QCOMPARE(a.body, QByteArray("success"));
        }
        for (SentBatch& b : traffic.batches) {
            if (b.acknowledged)
                continue;
            const Till& till = tills[b.till];
            const QByteArray body = EnrolledTill::syncBody(till.identity, b.firstSeq, b.events);
            const ServerAnswer a = httpRequest(
                "POST", server.url(QStringLiteral("/v1/sync")), body,
                {{"Authorization",
                  *link::authorizationHeader(till.identity, till.secret, "POST", "/v1/sync", body,
                                             QDateTime::currentMSecsSinceEpoch())},
                 {"Content-Type", "application/json"}});
            QCOMPARE(a.httpStatus, 200);
        }
        server.kill();
        std::unique_ptr<ServerStore> store = backend.makeStore();
        QVERIFY(store->open().ok());
        checkDatabase(StoreUnderTest::sql(*store), tills, traffic.notifications, traffic.batches,
                      true);
    }
};

QTEST_GUILESS_MAIN(TestServerCrash)
#include "tst_server_crash.moc"
