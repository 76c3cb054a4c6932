// The PostgreSQL store itself, on a throwaway cluster: clear errors for a wrong password, an
// unreachable server and a schema newer than this build; instances starting together migrate
// once; and what two instances racing on one database must never do: record one notification
// twice, store one uploaded entry twice, or move an order's state backwards. A relay message
// is announced to the other instances only after its commit.
#include "server/storage/PostgresSchema.h"
#include "server/storage/PostgresServerStore.h"
#include "tests/support/PostgresCluster.h"

#include <QDateTime>
#include <QFile>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <atomic>
#include <barrier>
#include <functional>
#include <memory>
#include <vector>

using namespace qpos;
using namespace qpos::server;
using namespace qpos::test;

namespace {

const QByteArray kPassword = QByteArrayLiteral("0a1b2c3d4e5f60718293a4b5c6d7e8f9");

NotificationRecord notification(const QString& id, const QString& outTradeNo) {
    NotificationRecord n;
    n.provider = QStringLiteral("alipay");
    n.notificationId = id;
    n.outTradeNo = outTradeNo;
    n.channel = QStringLiteral("alipay");
    n.totalFen = 1234;
    n.headers = {{"content-type", "application/x-www-form-urlencoded"}};
    n.body = QByteArrayLiteral("notify_id=") + id.toUtf8() + QByteArrayLiteral("&sign=\x01\x02");
    n.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
    return n;
}

SyncedEntry entry(qint64 seq, const QString& no, qint64 eventId, OrderState state) {
    SyncedEntry e;
    e.seq = seq;
    e.outTradeNo = no;
    e.channel = QStringLiteral("alipay");
    e.amountFen = 1234;
    e.newState = state;
    e.eventId = eventId;
    e.atMs = 1'780'000'000'000 + eventId;
    e.payload = QJsonObject{{QStringLiteral("out_trade_no"), no}};
    return e;
}

// Runs `body(i)` on `count` threads at once, each with its own store opened on its thread.
void onThreads(int count, const PostgresSettings& settings,
               const std::function<void(int, PostgresServerStore&)>& body) {
    std::barrier start(count);
    std::vector<std::unique_ptr<QThread>> threads;
    for (int i = 0; i < count; ++i) {
        threads.emplace_back(QThread::create([&, i] {
            PostgresServerStore store(settings);
            const Status opened = store.open();
            start.arrive_and_wait();
            if (!opened)
                qWarning("open failed: %s", qPrintable(opened.error().message));
            else
                body(i, store);
        }));
        threads.back()->start();
    }
    for (auto& t : threads)
        t->wait();
}

} // namespace

class TestServerPostgres : public QObject {
    Q_OBJECT

    PostgresCluster m_cluster;
    int m_databases = 0;

    // A fresh database and role on the cluster, as the store's settings.
    PostgresSettings freshDatabase() {
        const QString name = QStringLiteral("qpos_%1").arg(++m_databases);
        const Status created = m_cluster.createDatabase(name, kPassword);
        if (!created)
            qFatal("%s", qPrintable(created.error().message));
        PostgresSettings s;
        s.host = m_cluster.socketDir();
        s.port = PostgresCluster::kPort;
        s.name = name;
        s.user = name;
        s.passwordFile = m_cluster.writePasswordFile(name + QStringLiteral(".pw"), kPassword);
        return s;
    }
    static qint64 count(PostgresServerStore& store, const QString& sql) {
        QSqlQuery q(store.connection());
        if (!q.exec(sql) || !q.next())
            qFatal("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return q.value(0).toLongLong();
    }
    static qint64 addT07(PostgresServerStore& store) {
        Result<TerminalRecord> t =
            store.addTerminal({QStringLiteral("S001"), QStringLiteral("T07")},
                              StoredSecret{QStringLiteral("k1"), QByteArray(32, 'k'), {}}, 1000);
        if (!t)
            qFatal("%s", qPrintable(t.error().message));
        return t->rowId;
    }

private slots:
    void initTestCase() { QPOS_START_POSTGRES(m_cluster); }

    void aWrongPasswordIsRefusedClearly() {
        PostgresSettings s = freshDatabase();
        s.passwordFile = m_cluster.writePasswordFile(QStringLiteral("wrong.pw"), "not-it");
        PostgresServerStore store(s);
        const Status opened = store.open();
        QVERIFY(!opened);
        QCOMPARE(opened.error().code, QStringLiteral("db.auth"));
        QVERIFY(opened.error().message.contains(QStringLiteral("password_file")));
        QVERIFY(!opened.error().message.contains(QStringLiteral("not-it")));
    }

    void aPasswordFileOthersCanReadIsRefused() {
        PostgresSettings s = freshDatabase();
        QVERIFY(QFile::setPermissions(s.passwordFile, QFileDevice::ReadOwner |
                                                          QFileDevice::WriteOwner |
                                                          QFileDevice::ReadGroup));
        PostgresServerStore store(s);
        const Status opened = store.open();
        QVERIFY(!opened);
        QVERIFY2(opened.error().message.contains(QStringLiteral("chmod 600")),
                 qPrintable(opened.error().message));
    }

    void anUnreachableServerIsReportedClearly() {
        PostgresSettings s = freshDatabase();
        s.host = m_cluster.socketDir() + QStringLiteral("/nothing-listens-here");
        PostgresServerStore store(s);
        const Status opened = store.open();
        QVERIFY(!opened);
        QCOMPARE(opened.error().code, QStringLiteral("db.unreachable"));
        QVERIFY(opened.error().message.contains(s.host));
    }

    void aSchemaNewerThanThisBuildIsRefused() {
        const PostgresSettings s = freshDatabase();
        {
            PostgresServerStore store(s);
            QVERIFY(store.open().ok());
            QSqlQuery q(store.connection());
            QVERIFY(q.exec(QStringLiteral(
                "INSERT INTO schema_version (version, applied_at_ms) VALUES (99, 0)")));
        }
        PostgresServerStore store(s);
        const Status opened = store.open();
        QVERIFY(!opened);
        QCOMPARE(opened.error().code, QStringLiteral("db.too_new"));
        QVERIFY(opened.error().message.contains(QStringLiteral("schema 99")));
    }

    void instancesStartingTogetherMigrateOnce() {
        const PostgresSettings s = freshDatabase();
        std::atomic<int> opened = 0;
        onThreads(4, s, [&](int, PostgresServerStore&) { ++opened; });
        QCOMPARE(opened.load(), 4);
        PostgresServerStore store(s);
        QVERIFY(store.open().ok());
        // One row per version: each applied once.
        QCOMPARE(count(store, QStringLiteral("SELECT count(*) FROM schema_version")),
                 qint64(postgres_schema::kCurrentVersion));
        QCOMPARE(count(store, QStringLiteral("SELECT max(version) FROM schema_version")),
                 qint64(postgres_schema::kCurrentVersion));
    }

    void oneNotificationTakenByManyInstancesAtOnceIsRecordedOnce() {
        const PostgresSettings s = freshDatabase();
        PostgresServerStore setup(s);
        QVERIFY(setup.open().ok());
        const qint64 t07 = addT07(setup);
        constexpr int kInstances = 6;
        constexpr int kRounds = 20;
        std::atomic<int> fresh = 0;
        std::atomic<int> duplicates = 0;
        std::atomic<int> failures = 0;
        onThreads(kInstances, s, [&](int i, PostgresServerStore& store) {
            for (int round = 0; round < kRounds; ++round) {
                // Each instance's batch holds the shared notification among its own, in a
                // different order each time (the group commit's batches).
                QList<NotificationRecord> batch{
                    notification(QStringLiteral("own-%1-%2").arg(i).arg(round),
                                 QStringLiteral("S001_T07_own_%1_%2").arg(i).arg(round)),
                    notification(QStringLiteral("shared-%1").arg(round),
                                 QStringLiteral("S001_T07_shared_%1").arg(round))};
                if (i % 2)
                    std::swap(batch[0], batch[1]);
                Result<QList<RecordedNotification>> r = store.recordNotifications(batch);
                if (!r) {
                    qWarning("%s", qPrintable(r.error().message));
                    ++failures;
                    continue;
                }
                for (const RecordedNotification& n : *r)
                    ++(n.duplicate ? duplicates : fresh);
            }
        });
        QCOMPARE(failures.load(), 0);
        QCOMPARE(fresh.load(), kInstances * kRounds + kRounds);
        QCOMPARE(duplicates.load(), (kInstances - 1) * kRounds);
        QCOMPARE(count(setup, QStringLiteral("SELECT count(*) FROM notifications WHERE "
                                             "provider_id LIKE 'shared-%'")),
                 qint64(kRounds));
        QCOMPARE(count(setup, QStringLiteral("SELECT count(*) FROM relay_queue")),
                 qint64(kInstances * kRounds + kRounds));
        QCOMPARE(int(setup.pendingRelays(t07)->size()), kInstances * kRounds + kRounds);
        // The raw bytes come back as they were received.
        QVERIFY(setup.pendingRelays(t07)->constFirst().body.endsWith("&sign=\x01\x02"));
    }

    void uploadsRacingOnTwoInstancesStoreEachEntryOnceAndNeverGoBack() {
        const PostgresSettings s = freshDatabase();
        PostgresServerStore setup(s);
        QVERIFY(setup.open().ok());
        const qint64 t07 = addT07(setup);
        const QString no = QStringLiteral("S001_T07_20261204_00000001");
        // The till's outbox: created, pending, paid, then the `pending` event again under a
        // new seq (written to the outbox twice). Uploaded by two instances at once, one
        // front to back and one back to front, one entry per batch.
        const QList<SyncedEntry> outbox{
            entry(1, no, 1, OrderState::Created), entry(2, no, 2, OrderState::Pending),
            entry(3, no, 3, OrderState::Paid), entry(4, no, 2, OrderState::Pending)};
        std::atomic<int> failures = 0;
        for (int round = 0; round < 10; ++round) {
            onThreads(2, s, [&](int i, PostgresServerStore& store) {
                for (int k = 0; k < outbox.size(); ++k) {
                    const SyncedEntry& e = outbox.at(i == 0 ? k : outbox.size() - 1 - k);
                    if (!store.storeSyncEntries(t07, {e}, 5000))
                        ++failures;
                }
            });
        }
        QCOMPARE(failures.load(), 0);
        QCOMPARE(count(setup, QStringLiteral("SELECT count(*) FROM synced_entries")), qint64(4));
        QCOMPARE(*setup.storedSeq(t07), qint64(4));
        const std::optional<ServerOrder> order = *setup.order(no);
        QVERIFY(order);
        QCOMPARE(order->state, OrderState::Paid);
        QCOMPARE(order->lastEventId, qint64(3));

        // A refund uploaded later moves it on; the late `pending` still cannot.
        QCOMPARE(*setup.storeSyncEntries(t07, {entry(5, no, 6, OrderState::Refunded)}, 6000),
                 qint64(5));
        QCOMPARE((*setup.order(no))->state, OrderState::Refunded);
    }

    void aRelayMessageIsAnnouncedToOtherInstancesAfterItsCommit() {
        const PostgresSettings s = freshDatabase();
        PostgresServerStore a(s);
        PostgresServerStore b(s);
        QVERIFY(a.open().ok());
        QVERIFY(b.open().ok());
        const qint64 t07 = addT07(a);
        QList<qint64> heardByA;
        QList<qint64> heardByB;
        QVERIFY(a.watchRelays([&](qint64 t) { heardByA << t; }).ok());
        QVERIFY(b.watchRelays([&](qint64 t) { heardByB << t; }).ok());

        // Inside an open transaction nothing is heard yet.
        QSqlDatabase db = a.connection();
        QVERIFY(db.transaction());
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT pg_notify(?, ?)"));
        q.addBindValue(QString::fromLatin1(PostgresServerStore::kRelayChannel));
        q.addBindValue(QStringLiteral("%1 someone-else").arg(t07));
        QVERIFY(q.exec());
        QTest::qWait(300);
        QVERIFY(heardByB.isEmpty());
        QVERIFY(db.rollback());
        QTest::qWait(300);
        QVERIFY(heardByB.isEmpty()); // rolled back: never announced

        QVERIFY(a.recordNotifications(
                     {notification(QStringLiteral("n1"), QStringLiteral("S001_T07_n1"))})
                    .ok());
        QTRY_COMPARE_WITH_TIMEOUT(heardByB, QList<qint64>{t07}, 10000);
        QTest::qWait(200);
        QVERIFY(heardByA.isEmpty()); // its own message went out through its own hub already
        // A notification for no enrolled till is announced to no one.
        QVERIFY(a.recordNotifications(
                     {notification(QStringLiteral("n2"), QStringLiteral("S009_T01_n2"))})
                    .ok());
        QTest::qWait(300);
        QCOMPARE(int(heardByB.size()), 1);
    }
};

QTEST_GUILESS_MAIN(TestServerPostgres)
#include "tst_server_postgres.moc"
