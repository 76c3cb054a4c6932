// Order store benchmark: builds a 1,000,000-order database, then prints
//  (a) durable transitions per second through OrderStore, next to the sqlite3 command-line
//      shell writing the same rows in equally durable transactions on the same disk, and
//      their ratio (target >= 0.8);
//  (b) the daily-totals report over the whole range and one order-list page (targets
//      <= 20 ms and <= 5 ms).
// It prints figures and never fails on time.
#include "core/calendar/ChinaCalendar.h"
#include "core/orders/OutTradeNo.h"
#include "core/storage/OrderStore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

using namespace qpos;

namespace {

constexpr qint64 kDayMs = 24LL * 3600 * 1000;
constexpr int kDays = 365;

void die(const QString& what) {
    std::fprintf(stderr, "bench_store: %s\n", qPrintable(what));
    std::exit(1);
}

void must(const Status& s) {
    if (!s.ok())
        die(s.error().message);
}

double median(QList<double> values) {
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values[values.size() / 2];
}

// Bulk-loads orders the way a year of trading leaves them: a creation event for each, a
// second event for those that moved on, the outbox rows, and the daily totals. Bulk loading
// uses one big transaction without per-row durability; only the measured part below is
// durable per transaction.
void buildDatabase(const QString& path, int orders, qint64 endMs, QList<QString>* pending) {
    OrderStore init(OrderStoreOptions{QStringLiteral("BENCH"), QStringLiteral("T1"), {}});
    if (Status s = init.open(path); !s.ok())
        die(s.error().message);
    init.close();

    Database db;
    if (Status s = db.open(path); !s.ok())
        die(s.error().message);
    must(db.exec(QStringLiteral("PRAGMA synchronous=OFF")));
    if (!db.begin().ok())
        die(QStringLiteral("begin"));
    QSqlQuery order(db.handle());
    order.prepare(QStringLiteral(
        "INSERT INTO orders (id, out_trade_no, channel, flow, amount_fen, refunded_fen, subject, "
        "state, provider_trade_no, store_id, terminal_id, cashier_id, created_at_ms, "
        "updated_at_ms, paid_at_ms) VALUES (?, ?, ?, 'qr', ?, ?, 'Bench sale', ?, ?, 'BENCH', "
        "'T1', 'c1', ?, ?, ?)"));
    QSqlQuery event(db.handle());
    event.prepare(QStringLiteral(
        "INSERT INTO order_events (id, order_id, old_state, new_state, source, actor, at_ms, "
        "refunded_fen) VALUES (?, ?, ?, ?, ?, 'bench', ?, ?)"));
    QSqlQuery outbox(db.handle());
    outbox.prepare(QStringLiteral("INSERT INTO outbox (event_id, idempotency_key, payload, "
                                  "created_at_ms, sent_at_ms) VALUES (?, ?, '{}', ?, ?)"));
    QRandomGenerator rng(42);
    const qint64 startMs = endMs - kDays * kDayMs;
    const qint64 step = (endMs - startMs) / orders;
    qint64 eventId = 0;
    for (int i = 1; i <= orders; ++i) {
        const qint64 at = startMs + qint64(i) * step;
        const quint32 roll = rng.bounded(100);
        // Most sales are paid; some cancelled, refunded, failed; the newest few still open.
        OrderState state = roll < 80   ? OrderState::Paid
                           : roll < 90 ? OrderState::Cancelled
                           : roll < 94 ? OrderState::PartiallyRefunded
                           : roll < 97 ? OrderState::Refunded
                                       : OrderState::Failed;
        if (i > orders - 20000)
            state = OrderState::Pending;
        const qint64 amount = 1 + rng.bounded(50000);
        const qint64 refunded = state == OrderState::Refunded            ? amount
                                : state == OrderState::PartiallyRefunded ? amount / 2
                                                                         : 0;
        const bool paid = state == OrderState::Paid || state == OrderState::PartiallyRefunded ||
                          state == OrderState::Refunded;
        const QString no = out_trade_no::make(QStringLiteral("BENCH"), QStringLiteral("T1"), at, i);
        order.bindValue(0, i);
        order.bindValue(1, no);
        order.bindValue(2, i % 3 ? QStringLiteral("alipay") : QStringLiteral("wechat"));
        order.bindValue(3, amount);
        order.bindValue(4, refunded);
        order.bindValue(5, int(state));
        order.bindValue(6, paid ? QStringLiteral("P%1").arg(i)
                                : QVariant(QMetaType::fromType<QString>()));
        order.bindValue(7, at);
        order.bindValue(8, at + 30000);
        order.bindValue(9, paid ? QVariant(at + 20000) : QVariant(QMetaType::fromType<qint64>()));
        if (!order.exec())
            die(order.lastError().text());
        auto addEvent = [&](QVariant old, OrderState to, const char* source, qint64 eventAt,
                            qint64 refundedAfter) {
            ++eventId;
            event.bindValue(0, eventId);
            event.bindValue(1, i);
            event.bindValue(2, old);
            event.bindValue(3, int(to));
            event.bindValue(4, QString::fromLatin1(source));
            event.bindValue(5, eventAt);
            event.bindValue(6, refundedAfter);
            if (!event.exec())
                die(event.lastError().text());
            outbox.bindValue(0, eventId);
            outbox.bindValue(1, QStringLiteral("bench-%1").arg(eventId));
            outbox.bindValue(2, eventAt);
            outbox.bindValue(3, state == OrderState::Pending
                                    ? QVariant(QMetaType::fromType<qint64>())
                                    : QVariant(eventAt + 1000));
            if (!outbox.exec())
                die(outbox.lastError().text());
        };
        addEvent(QVariant(QMetaType::fromType<int>()), OrderState::Created, "cashier", at, 0);
        addEvent(int(OrderState::Created), state, "poll", at + 30000, refunded);
        if (state == OrderState::Pending)
            pending->append(no);
    }
    must(db.exec(QStringLiteral("INSERT INTO sequences (name, value) VALUES ('out_trade_no', %1)")
                     .arg(orders)));
    must(db.exec(QStringLiteral(
        "INSERT INTO daily_totals (day, channel, paid_count, paid_fen, refunded_fen) "
        "SELECT CAST(strftime('%Y%m%d', created_at_ms / 1000, 'unixepoch', '+8 hours') AS "
        "INTEGER), channel, COUNT(*), SUM(amount_fen), SUM(refunded_fen) FROM orders WHERE "
        "state IN (3, 4, 5) GROUP BY 1, 2")));
    if (!db.commit().ok())
        die(QStringLiteral("commit"));
    must(db.exec(QStringLiteral("ANALYZE")));
    must(db.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
}

// Durable transitions through the store: each is one transaction with its event, outbox and
// totals rows, committed with a full fsync.
double storeTransitionsPerSecond(OrderStore& store, const QList<QString>& orders) {
    QElapsedTimer timer;
    timer.start();
    for (const QString& no : orders) {
        OrderTransition t;
        t.outTradeNo = no;
        t.to = OrderState::Paid;
        t.source = TransitionSource::Poll;
        t.actor = QStringLiteral("bench");
        Result<TransitionOutcome> r = store.apply(t);
        if (!r || *r != TransitionOutcome::Applied)
            die(QStringLiteral("transition failed"));
    }
    return orders.size() / (timer.nsecsElapsed() / 1e9);
}

// The sqlite3 shell writing the same rows: one durable transaction per order with the order
// update, the event and the outbox row, on the same database file.
double shellTransactionsPerSecond(const QString& sqlite3, const QString& path,
                                  const QList<qint64>& orderIds, const QString& scriptPath) {
    QFile script(scriptPath);
    if (!script.open(QIODevice::WriteOnly | QIODevice::Truncate))
        die(scriptPath);
    QTextStream out(&script);
    out << "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\nPRAGMA foreign_keys=ON;\n";
    for (qint64 id : orderIds) {
        out << "BEGIN IMMEDIATE;\n"
            << "UPDATE orders SET state=3, refunded_fen=0, paid_at_ms=1, updated_at_ms=1 WHERE id="
            << id << ";\n"
            << "INSERT INTO order_events (order_id, old_state, new_state, source, actor, at_ms,"
               " refunded_fen, provider_fields, note) VALUES ("
            << id << ",1,3,'poll','bench',1,0,'{}','');\n"
            << "INSERT INTO outbox (event_id, idempotency_key, payload, created_at_ms) VALUES "
               "(last_insert_rowid(), 'shell-' || last_insert_rowid(), '{\"order\":"
            << id << "}',1);\n"
            << "COMMIT;\n";
    }
    out.flush();
    script.close();

    QProcess shell;
    shell.setStandardInputFile(scriptPath);
    QElapsedTimer timer;
    timer.start();
    shell.start(sqlite3, {QStringLiteral("-batch"), path});
    if (!shell.waitForFinished(600000) || shell.exitCode() != 0)
        die(QStringLiteral("sqlite3 failed: ") +
            QString::fromLocal8Bit(shell.readAllStandardError()));
    return orderIds.size() / (timer.nsecsElapsed() / 1e9);
}

template <typename F>
double medianMs(int runs, F&& f) {
    QList<double> ms;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        f();
        ms.append(timer.nsecsElapsed() / 1e6);
    }
    return median(ms);
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("qpos.store.info=false"));
    const int orders = argc > 1 ? QByteArray(argv[1]).toInt() : 1'000'000;
    const int perRound = argc > 2 ? QByteArray(argv[2]).toInt() : 1000;
    const QString sqlite3 = QStandardPaths::findExecutable(QStringLiteral("sqlite3"));
    if (sqlite3.isEmpty())
        die(QStringLiteral("the sqlite3 shell is not installed (apt-get install sqlite3)"));

    // Same disk as the tests and the app would use: the build tree's temp area.
    QTemporaryDir dir(QDir::current().filePath(QStringLiteral("bench-store-XXXXXX")));
    const QString path = dir.filePath(QStringLiteral("orders.db"));
    const qint64 endMs = QDateTime::currentMSecsSinceEpoch();
    QList<QString> pending;
    QElapsedTimer buildTimer;
    buildTimer.start();
    buildDatabase(path, orders, endMs, &pending);
    std::printf("built %d orders (%lld events) in %.1f s; file %.0f MiB\n", orders,
                qint64(orders) * 2, buildTimer.elapsed() / 1000.0,
                QFileInfo(path).size() / 1048576.0);

    // (a) Alternate rounds of the store and the shell so drift on a shared machine hits both.
    QList<double> ours;
    QList<double> shell;
    const int rounds = 3;
    for (int round = 0; round < rounds; ++round) {
        const QList<QString> mine = pending.mid(round * 2 * perRound, perRound);
        QList<qint64> theirs;
        for (const QString& no : pending.mid(round * 2 * perRound + perRound, perRound))
            theirs.append(no.section(u'_', 3).toLongLong());
        {
            OrderStore store(OrderStoreOptions{QStringLiteral("BENCH"), QStringLiteral("T1"), {}});
            if (Status s = store.open(path); !s.ok())
                die(s.error().message);
            ours.append(storeTransitionsPerSecond(store, mine));
        }
        shell.append(shellTransactionsPerSecond(sqlite3, path, theirs,
                                                dir.filePath(QStringLiteral("shell.sql"))));
    }
    const double oursTps = median(ours);
    const double shellTps = median(shell);
    std::printf("\n(a) durable transitions, %d per round, median of %d rounds\n", perRound, rounds);
    std::printf("    OrderStore::apply             %8.0f /s  (order + event + outbox + totals)\n",
                oursTps);
    std::printf("    sqlite3 shell, same rows       %8.0f /s  (update + event + outbox)\n",
                shellTps);
    std::printf("    ratio store/shell              %8.2f   (target >= 0.80)\n",
                oursTps / shellTps);

    // (b) Reports on the whole database.
    OrderStore store(OrderStoreOptions{QStringLiteral("BENCH"), QStringLiteral("T1"), {}});
    if (Status s = store.open(path); !s.ok())
        die(s.error().message);
    const int firstDay = china_calendar::dayNumberOf(endMs - kDays * kDayMs);
    const int lastDay = china_calendar::dayNumberOf(endMs);
    qsizetype rows = 0;
    const double totalsMs =
        medianMs(50, [&] { rows = store.dailyTotals(firstDay, lastDay)->size(); });
    OrderFilter today;
    today.fromMs = endMs - kDayMs;
    today.toMs = endMs + 1;
    today.limit = 50;
    const double pageMs = medianMs(50, [&] { rows = store.listOrders(today)->orders.size(); });
    OrderFilter paidWechat;
    paidWechat.fromMs = endMs - kDays * kDayMs;
    paidWechat.toMs = endMs + 1;
    paidWechat.states = {OrderState::Paid};
    paidWechat.channel = Channel::WeChat;
    paidWechat.limit = 50;
    const OrderPage first = *store.listOrders(paidWechat);
    paidWechat.after = first.next;
    const double filteredMs =
        medianMs(50, [&] { rows = store.listOrders(paidWechat)->orders.size(); });
    OrderFilter search = today;
    search.fromMs = endMs - kDays * kDayMs;
    search.search = pending.constFirst();
    const double exactMs = medianMs(50, [&] { rows = store.listOrders(search)->orders.size(); });
    search.search = pending.constFirst().right(6);
    const double fragmentYearMs =
        medianMs(5, [&] { rows = store.listOrders(search)->orders.size(); });
    search.fromMs = today.fromMs;
    const double fragmentTodayMs =
        medianMs(20, [&] { rows = store.listOrders(search)->orders.size(); });

    std::printf("\n(b) queries on %d orders, median\n", orders);
    std::printf("    daily totals, %d days x channels  %7.3f ms  (target <= 20 ms)\n", kDays,
                totalsMs);
    std::printf("    order list, first page of today   %7.3f ms  (target <= 5 ms)\n", pageMs);
    std::printf("    order list, paid+wechat, page 2   %7.3f ms\n", filteredMs);
    std::printf("    whole order number, over the year %7.3f ms\n", exactMs);
    std::printf("    number fragment, today            %7.3f ms\n", fragmentTodayMs);
    std::printf("    number fragment, over the year    %7.3f ms  (scans the range)\n",
                fragmentYearMs);
    return 0;
}
