#include "bench/server/SyncBench.h"

#include "core/link/OutboxUploader.h"
#include "core/link/StoreServerHttp.h"
#include "core/storage/OrderStore.h"
#include "server/QposServer.h"
#include "server/storage/SqliteServerStore.h"
#include "server/terminals/TerminalAdmin.h"
#include "tests/support/TempDir.h"
#include "tests/support/WaitUntil.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <atomic>
#include <cstdio>
#include <memory>

namespace qpos::bench {

namespace {

const link::TerminalIdentity kTill{QStringLiteral("S001"), QStringLiteral("T08")};

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

// The till's database with `orders` new orders, each queued in the outbox, written by the
// store's own createOrder. Only this filling runs without fsync; the upload marks rows sent
// with the store's durability.
Status fillTill(const QString& path, int orders, qint64* outboxRows, double* backlogMs) {
    OrderStore store(OrderStoreOptions{kTill.storeId, kTill.terminalId, {}});
    if (Status opened = store.open(path); !opened)
        return opened;
    if (Status fast = store.database().exec(QStringLiteral("PRAGMA synchronous=OFF")); !fast)
        return fast;
    for (int i = 0; i < orders; ++i) {
        NewOrder order;
        order.channel = i % 3 ? Channel::Alipay : Channel::WeChat;
        order.amountFen = 100 + i % 50000;
        order.subject = QStringLiteral("Bench sale");
        order.cashierId = QStringLiteral("1001");
        if (Result<Order> created = store.createOrder(order); !created)
            return created.error();
    }
    // The uploader counts its backlog again after every batch: what that costs when full.
    QElapsedTimer timer;
    timer.start();
    Result<OutboxBacklog> backlog = store.outboxBacklog();
    *backlogMs = timer.nsecsElapsed() / 1e6;
    if (!backlog)
        return backlog.error();
    *outboxRows = backlog->rows;
    return Status::success();
}

} // namespace

bool runSync(int orders) {
    std::printf("\n(3) sync: a till with %d queued orders uploads its outbox\n", orders);
    std::fflush(stdout);
    test::TempDir dir;
    const QString tillPath = dir.file(QStringLiteral("orders.db"));
    qint64 queued = 0;
    double backlogMs = 0;
    QElapsedTimer fillTimer;
    fillTimer.start();
    if (Status filled = fillTill(tillPath, orders, &queued, &backlogMs); !filled) {
        std::printf("    filling the till failed: %s\n", qPrintable(filled.error().message));
        return false;
    }
    std::printf("    the till's outbox: %lld rows, written in %.1f s; counting them (as the "
                "uploader does after every batch) takes %.1f ms\n",
                queued, fillTimer.elapsed() / 1000.0, backlogMs);
    std::fflush(stdout);

    server::QposServer qpos(
        std::make_unique<server::SqliteServerStore>(dir.file(QStringLiteral("server.db"))),
        server::ProviderVerifiers(), server::QposServer::Options());
    if (Status started = qpos.start(); !started) {
        std::printf("    the server did not start: %s\n", qPrintable(started.error().message));
        return false;
    }
    const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(qpos.port()));
    server::TerminalAdmin admin(qpos.store(), base, QString(), 86400 * 1000LL);
    Result<link::EnrollmentCode> code = admin.add(kTill, nowMs());
    if (!code) {
        std::printf("    adding the till failed: %s\n", qPrintable(code.error().message));
        return false;
    }

    // The till's side on its own thread, as on a till: its store, HTTP client and uploader.
    QThread tillThread;
    QObject context;
    context.moveToThread(&tillThread);
    tillThread.start();
    std::unique_ptr<OrderStore> store;
    std::unique_ptr<link::StoreServerHttp> http;
    std::unique_ptr<link::OutboxUploader> uploader;
    std::atomic<bool> done = false;
    QString problem;
    QElapsedTimer timer;
    QMetaObject::invokeMethod(
        &context,
        [&] {
            store = std::make_unique<OrderStore>(
                OrderStoreOptions{kTill.storeId, kTill.terminalId, {}});
            if (Status opened = store->open(tillPath); !opened) {
                problem = opened.error().message;
                done = true;
                return;
            }
            http = std::make_unique<link::StoreServerHttp>(
                link::StoreServerEndpoint{base, code->terminal, code->secret, {}}, nowMs);
            uploader = std::make_unique<link::OutboxUploader>(
                *store, *http, link::OutboxUploader::Policy(), nowMs);
            QObject::connect(uploader.get(), &link::OutboxUploader::statusChanged, &context,
                             [&](const link::UploadStatus& s) {
                                 if (!s.lastError.isEmpty() && problem.isEmpty())
                                     problem = s.lastError;
                                 if (s.lastUploadAtMs > 0 && s.waitingRows == 0)
                                     done = true;
                             });
            timer.start();
            uploader->start();
        },
        Qt::BlockingQueuedConnection);
    // The server answers on this thread meanwhile.
    test::waitUntil([&] { return done.load(); }, 3600 * 1000);
    const qint64 elapsedNs = timer.nsecsElapsed();
    QMetaObject::invokeMethod(
        &context,
        [&] {
            uploader.reset();
            http.reset();
            store.reset();
        },
        Qt::BlockingQueuedConnection);
    tillThread.quit();
    tillThread.wait();

    QSqlQuery q(dynamic_cast<server::SqliteServerStore&>(qpos.store()).database().handle());
    qint64 entries = -1;
    qint64 serverOrders = -1;
    if (q.exec(
            QStringLiteral("SELECT count(*), count(DISTINCT out_trade_no) FROM synced_entries")) &&
        q.next()) {
        entries = q.value(0).toLongLong();
        serverOrders = q.value(1).toLongLong();
    }
    std::printf("    uploaded in %.2f s: %.0f orders/s (one entry each; batches of at most 100 "
                "rows and 64 KiB, each committed on both sides)\n",
                elapsedNs / 1e9, elapsedNs > 0 ? double(entries) * 1e9 / double(elapsedNs) : 0);
    std::printf("    the server holds %lld entries of %lld orders (of %lld queued)%s\n", entries,
                serverOrders, queued,
                problem.isEmpty() ? ""
                                  : qPrintable(QStringLiteral("; the last error: ") + problem));
    std::fflush(stdout);
    return entries == queued && serverOrders == orders;
}

} // namespace qpos::bench
