#include "core/link/Backoff.h"
#include "core/link/OutboxUploader.h"
#include "core/link/StoreServerHttp.h"
#include "core/link/SyncBatch.h"
#include "core/storage/OrderStore.h"
#include "tests/support/FakeStoreServer.h"
#include "tests/support/TempDir.h"
#include "tests/support/WaitUntil.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QTest>

#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::link;
using qpos::test::FakeStoreServer;

// The outbox upload against a fake store backend on loopback: batches of at most 100 rows
// and 64 KiB, oldest first; rows marked sent only up to the server's stored_seq after its
// 200; a server that refuses, answers nonsense, goes away mid-upload or is down for a while
// loses nothing and gets each row stored once.
class TestLinkUpload : public QObject {
    Q_OBJECT

    const TerminalIdentity m_till{QStringLiteral("S001"), QStringLiteral("T07")};
    std::optional<test::TempDir> m_dir;
    std::unique_ptr<OrderStore> m_store;
    std::unique_ptr<FakeStoreServer> m_server;
    std::unique_ptr<StoreServerHttp> m_http;
    std::unique_ptr<OutboxUploader> m_uploader;

    static OutboxUploader::Policy fastPolicy() {
        OutboxUploader::Policy p;
        p.backoff = {50, 400, 20};
        p.idleCheckMs = 50;
        return p;
    }

    void makeUploader() {
        m_uploader = std::make_unique<OutboxUploader>(
            *m_store, *m_http, fastPolicy(), [] { return QDateTime::currentMSecsSinceEpoch(); });
    }

    void createOrders(int n) {
        for (int i = 0; i < n; ++i) {
            NewOrder order;
            order.amountFen = 100 + i;
            order.subject = QStringLiteral("Tea %1 %2").arg(i).arg(QString(40, u'x'));
            QVERIFY(m_store->createOrder(order).ok());
        }
    }

    qint64 waiting() { return m_store->outboxBacklog()->rows; }

    bool allUploaded(int timeoutMs = 30000) {
        return test::waitUntil([&] { return waiting() == 0 && !m_uploader->sending(); }, timeoutMs);
    }

    // Every batch the server saw: at most 100 entries and 64 KiB, seq rising within it.
    void verifyBatchLimits() {
        for (const SyncBatch& batch : std::as_const(m_server->batches)) {
            QVERIFY(!batch.entries.isEmpty());
            QVERIFY(batch.entries.size() <= kMaxSyncEntries);
            QVERIFY(encodeSyncBatch(batch).size() <= kMaxSyncBodyBytes);
            QCOMPARE(batch.terminal, m_till);
            for (qsizetype i = 1; i < batch.entries.size(); ++i)
                QVERIFY(batch.entries[i].seq > batch.entries[i - 1].seq);
        }
    }

private slots:
    void init() {
        m_dir.emplace();
        m_store =
            std::make_unique<OrderStore>(OrderStoreOptions{m_till.storeId, m_till.terminalId, {}});
        QVERIFY(m_store->open(m_dir->file(QStringLiteral("orders.db"))).ok());
        m_server = std::make_unique<FakeStoreServer>();
        QVERIFY(m_server->start());
        const EnrollmentCode code = m_server->addTerminal(m_till);
        m_http = std::make_unique<StoreServerHttp>(
            StoreServerEndpoint{code.serverUrl, code.terminal, code.secret, {}},
            [] { return QDateTime::currentMSecsSinceEpoch(); });
    }
    void cleanup() {
        m_uploader.reset();
        m_http.reset();
        m_server.reset();
        m_store.reset();
        m_dir.reset();
    }

    void backoffDoublesToItsLimitWithJitter() {
        double r = 0.0;
        Backoff low({1000, 60000, 20}, [&] { return r; });
        QList<qint64> waits;
        for (int i = 0; i < 9; ++i)
            waits << low.next();
        QCOMPARE(waits, (QList<qint64>{800, 1600, 3200, 6400, 12800, 25600, 48000, 48000, 48000}));
        r = 0.999999;
        Backoff high({1000, 60000, 20}, [&] { return r; });
        QVERIFY(qAbs(high.next() - 1200) <= 1);
        low.reset();
        r = 0.5;
        QCOMPARE(low.next(), 1000);
    }

    void uploadsOldestFirstInBoundedBatches() {
        createOrders(250);
        m_server->clockOffsetMs = 75'000;
        const qint64 rows = waiting();
        QVERIFY(rows >= 250);
        QCOMPARE(m_store->outboxBacklog()->orders, 250);
        makeUploader();
        m_uploader->start();
        QVERIFY(allUploaded());
        QCOMPARE(qint64(m_server->storedEntries.size()), rows);
        QVERIFY(m_server->batches.size() >= 3);
        verifyBatchLimits();
        qint64 previous = 0;
        for (const SyncBatch& batch : std::as_const(m_server->batches)) {
            QVERIFY(batch.entries.constFirst().seq > previous); // oldest first, none repeated
            previous = batch.entries.constLast().seq;
        }
        // The server got the rows' payloads as stored.
        QCOMPARE(m_server->storedEntries.first().value(QStringLiteral("store_id")).toString(),
                 QStringLiteral("S001"));
        QVERIFY(m_uploader->status().clockDifferenceMs.has_value());
        QVERIFY(qAbs(*m_uploader->status().clockDifferenceMs - 75'000) < 5'000);
        QCOMPARE(m_uploader->status().waitingRows, 0);
        QCOMPARE(m_uploader->status().waitingOrders, 0);
        QVERIFY(m_server->authFailures.isEmpty());
    }

    void largePayloadsSplitUnder64KiB() {
        // Long subjects make 100 rows larger than 64 KiB; the batch is cut to fit.
        for (int i = 0; i < 120; ++i) {
            NewOrder order;
            order.amountFen = 100;
            order.subject = QString(120, QChar(0x8336)); // 茶, three UTF-8 bytes each
            QVERIFY(m_store->createOrder(order).ok());
        }
        makeUploader();
        m_uploader->start();
        QVERIFY(allUploaded());
        verifyBatchLimits();
        QCOMPARE(qint64(m_server->storedEntries.size()), 120);
    }

    void marksOnlyUpToTheStoredSeq() {
        createOrders(40);
        m_server->storeAtMost = 15;
        makeUploader();
        m_uploader->start();
        QVERIFY(test::waitUntil([&] { return m_server->batches.size() >= 2; }));
        const SyncBatch first = m_server->batches.at(0);
        const SyncBatch second = m_server->batches.at(1);
        QCOMPARE(first.entries.size(), 40);
        // The next batch starts right after what the server said it holds.
        QCOMPARE(second.entries.constFirst().seq, first.entries.at(15).seq);
        QVERIFY(allUploaded());
        QCOMPARE(m_server->storedEntries.size(), 40);
    }

    void answerLostIsSentAgainAndStoredOnce() {
        createOrders(10);
        const qint64 rows = waiting();
        m_server->storeThenHold = true; // the server stores, the answer never comes
        makeUploader();
        m_uploader->start();
        QVERIFY(test::waitUntil([&] { return m_server->heldSyncRequests() == 1; }));
        QCOMPARE(qint64(m_server->storedEntries.size()), rows);
        // The till is killed before the answer: nothing was marked sent.
        m_uploader.reset();
        QCOMPARE(waiting(), rows);
        // Its next start sends the same rows again; the server keeps each once.
        m_server->storeThenHold = false;
        makeUploader();
        m_uploader->start();
        QVERIFY(allUploaded());
        QCOMPARE(m_server->batches.size(), 2);
        QCOMPARE(m_server->batches.at(0).entries.size(), m_server->batches.at(1).entries.size());
        QCOMPARE(qint64(m_server->storedEntries.size()), rows);
    }

    void serverGoingAwayMidUploadLosesNothing() {
        createOrders(10);
        const qint64 rows = waiting();
        const quint16 port = m_server->port();
        m_server->holdSync = true;
        makeUploader();
        m_uploader->start();
        QVERIFY(test::waitUntil([&] { return m_server->heldSyncRequests() == 1; }));
        m_server->stop(); // mid-request: the connection drops without an answer
        QVERIFY(test::waitUntil([&] { return !m_uploader->status().lastError.isEmpty(); }));
        QCOMPARE(waiting(), rows);
        QCOMPARE(m_uploader->status().waitingRows, rows);
        m_server->holdSync = false;
        QVERIFY(m_server->start(port));
        QVERIFY(allUploaded());
        QCOMPARE(qint64(m_server->storedEntries.size()), rows);
        QVERIFY(m_uploader->status().lastError.isEmpty());
    }

    void refusedOrUnreadableAnswersMarkNothing_data() {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("401") << 401 << QByteArray(R"({"code":"auth.revoked"})");
        QTest::newRow("400") << 400 << QByteArray(R"({"code":"sync.malformed"})");
        QTest::newRow("503") << 503 << QByteArray("busy");
        QTest::newRow("200 not json") << 200 << QByteArray("<html>");
        QTest::newRow("200 numbers")
            << 200 << QByteArray(R"({"stored_seq":99,"server_time_ms":1})");
    }
    void refusedOrUnreadableAnswersMarkNothing() {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        createOrders(5);
        const qint64 rows = waiting();
        m_server->syncAnswer = std::make_pair(status, body);
        makeUploader();
        QElapsedTimer clock;
        clock.start();
        m_uploader->start();
        QVERIFY(test::waitUntil([&] { return m_server->syncCalls >= 3; }));
        // Three tries take at least the two first waits (40 + 80 ms at the lowest jitter).
        QVERIFY(clock.elapsed() >= 120);
        QCOMPARE(waiting(), rows);
        QVERIFY(!m_uploader->status().lastError.isEmpty());
        m_server->syncAnswer.reset();
        QVERIFY(allUploaded());
        QCOMPARE(qint64(m_server->storedEntries.size()), rows);
    }

    void offlineTillCatchesUp() {
        const quint16 port = m_server->port();
        m_server->stop();
        makeUploader();
        m_uploader->start();
        // Sales go on while the server is away.
        for (int round = 0; round < 5; ++round) {
            createOrders(60);
            m_uploader->nudge();
            QTest::qWait(100);
        }
        const qint64 rows = waiting();
        QCOMPARE(m_uploader->status().waitingRows, rows);
        QCOMPARE(m_uploader->status().waitingOrders, 300);
        QVERIFY(!m_uploader->status().lastError.isEmpty());
        QVERIFY(m_server->start(port));
        QVERIFY(allUploaded());
        verifyBatchLimits();
        QCOMPARE(qint64(m_server->storedEntries.size()), rows);
    }
};

QTEST_GUILESS_MAIN(TestLinkUpload)
#include "tst_link_upload.moc"
