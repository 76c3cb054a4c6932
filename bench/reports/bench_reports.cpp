// Reports benchmark: builds a database of 1,000,000 orders over a year (about 2,700 a day,
// 1% partly refunded, six cashiers, both channels), then prints the median time of
//  (a) today's full report (every section; target <= 20 ms),
//  (b) a month's report with its hourly chart (target <= 50 ms),
//  (c) a Z report: snapshot, JSON and its row, one per day over the last days (target <= 50 ms),
// each beside the same SELECTs run in the sqlite3 shell, and their ratio. It prints figures
// and never fails on time.
#include "core/calendar/ChinaCalendar.h"
#include "core/reports/ReportBuilder.h"
#include "core/reports/ZReportBook.h"
#include "core/storage/OrderStore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace qpos;

namespace {

constexpr qint64 kHourMs = 3600LL * 1000;
constexpr qint64 kDayMs = 24 * kHourMs;
constexpr int kDays = 365;
constexpr int kRepeats = 21;
constexpr int kZDays = 7;

void die(const QString& what) {
    std::fprintf(stderr, "bench_reports: %s\n", qPrintable(what));
    std::exit(1);
}

void must(const Status& s) {
    if (!s.ok())
        die(s.error().message);
}

void must(QSqlQuery& q, bool ok) {
    if (!ok)
        die(q.lastError().text());
}

double median(QList<double> values) {
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values[values.size() / 2];
}

// A year of trading, bulk-loaded in one transaction: the orders, an event for each refund,
// and the report tables as migration 6 fills them from a ledger.
void buildDatabase(const QString& path, int orders, qint64 todayStartMs) {
    {
        OrderStore init(OrderStoreOptions{QStringLiteral("BENCH"), QStringLiteral("T1"), {}});
        must(init.open(path));
    }
    Database db;
    must(db.open(path));
    must(db.exec(QStringLiteral("PRAGMA synchronous=OFF")));
    must(db.begin());
    QSqlQuery order(db.handle());
    order.prepare(QStringLiteral(
        "INSERT INTO orders (id, out_trade_no, channel, flow, amount_fen, refunded_fen, subject, "
        "state, store_id, terminal_id, cashier_id, created_at_ms, updated_at_ms, paid_at_ms) "
        "VALUES (?, ?, ?, 'qr', ?, ?, 'Bench sale', ?, 'BENCH', 'T1', ?, ?, ?, ?)"));
    QSqlQuery event(db.handle());
    event.prepare(QStringLiteral(
        "INSERT INTO order_events (id, order_id, old_state, new_state, source, actor, at_ms, "
        "refunded_fen) VALUES (?, ?, 3, 4, 'request', 'M1', ?, ?)"));
    QSqlQuery refund(db.handle());
    refund.prepare(QStringLiteral(
        "INSERT INTO report_refunds (business_day, at_ms, order_id, event_id, channel, "
        "cashier_id, shift_id, amount_fen, approved_by, reason) "
        "VALUES (?, ?, ?, ?, ?, ?, 0, ?, 'M1', '顾客退货 returned')"));
    QRandomGenerator rng(42);
    const qint64 firstDayMs = todayStartMs - (kDays - 1) * kDayMs;
    for (int i = 1; i <= orders; ++i) {
        const int day = int(qint64(i - 1) * kDays / orders);
        // Open 08:00 to 22:00 China time.
        const qint64 at = firstDayMs + day * kDayMs + 8 * kHourMs + rng.bounded(14 * 3600) * 1000LL;
        const QString channel =
            rng.bounded(10) < 6 ? QStringLiteral("alipay") : QStringLiteral("wechat");
        const QString cashier = QStringLiteral("c%1").arg(rng.bounded(6));
        const qint64 amount = 100 + rng.bounded(19900);
        const bool refunded = rng.bounded(100) == 0;
        const qint64 refundedFen = refunded ? amount / 2 : 0;
        order.bindValue(0, i);
        order.bindValue(1, QStringLiteral("BENCH_T1_%1").arg(i, 10, 10, QLatin1Char('0')));
        order.bindValue(2, channel);
        order.bindValue(3, amount);
        order.bindValue(4, refundedFen);
        order.bindValue(5, refunded ? 4 : 3);
        order.bindValue(6, cashier);
        order.bindValue(7, at);
        order.bindValue(8, at + 1000);
        order.bindValue(9, at + 1000);
        must(order, order.exec());
        if (refunded) {
            const qint64 refundAt = at + kHourMs;
            event.bindValue(0, i);
            event.bindValue(1, i);
            event.bindValue(2, refundAt);
            event.bindValue(3, refundedFen);
            must(event, event.exec());
            refund.bindValue(0, china_calendar::dayNumberOf(refundAt));
            refund.bindValue(1, refundAt);
            refund.bindValue(2, i);
            refund.bindValue(3, i);
            refund.bindValue(4, channel);
            refund.bindValue(5, cashier);
            refund.bindValue(6, refundedFen);
            must(refund, refund.exec());
        }
    }
    QSqlQuery fill(db.handle());
    must(fill, fill.exec(QStringLiteral(
                   "INSERT INTO report_totals (business_day, hour, channel, cashier_id, shift_id, "
                   "sale_count, sale_fen) "
                   "SELECT CAST(strftime('%Y%m%d', paid_at_ms / 1000, 'unixepoch', '+8 hours') "
                   "AS INTEGER), CAST(strftime('%H', paid_at_ms / 1000, 'unixepoch', "
                   "'+8 hours') AS INTEGER), channel, cashier_id, 0, COUNT(*), SUM(amount_fen) "
                   "FROM orders GROUP BY 1, 2, 3, 4")));
    must(fill, fill.exec(QStringLiteral(
                   "INSERT INTO report_totals (business_day, hour, channel, cashier_id, shift_id, "
                   "refund_count, refund_fen) "
                   "SELECT business_day, CAST(strftime('%H', at_ms / 1000, 'unixepoch', "
                   "'+8 hours') AS INTEGER), channel, cashier_id, 0, COUNT(*), SUM(amount_fen) "
                   "FROM report_refunds WHERE true GROUP BY 1, 2, 3, 4 "
                   "ON CONFLICT (business_day, hour, channel, cashier_id, shift_id) DO UPDATE SET "
                   "refund_count = refund_count + excluded.refund_count, "
                   "refund_fen = refund_fen + excluded.refund_fen")));
    for (int c = 0; c < 6; ++c)
        must(fill, fill.exec(QStringLiteral("INSERT INTO staff VALUES ('c%1', '收银员 %1', "
                                            "'cashier', 'x', 0)")
                                 .arg(c)));
    must(db.commit());
    must(db.exec(QStringLiteral("ANALYZE")));
}

// The report function's SELECTs for days [from, to], as the sqlite3 shell runs them.
QString reportSql(int from, int to) {
    return QStringLiteral(
               "SELECT business_day, hour, channel, cashier_id, SUM(sale_count), SUM(sale_fen), "
               "SUM(refund_count), SUM(refund_fen) FROM report_totals WHERE business_day "
               "BETWEEN %1 AND %2 GROUP BY business_day, hour, channel, cashier_id;\n"
               "SELECT id, name FROM staff;\n"
               "SELECT r.at_ms, r.business_day, o.out_trade_no, r.channel, r.cashier_id, "
               "r.amount_fen, r.approved_by, r.reason FROM report_refunds r JOIN orders o ON "
               "o.id = r.order_id WHERE r.business_day BETWEEN %1 AND %2 ORDER BY r.id;\n")
        .arg(from)
        .arg(to);
}

// The shell's time for `sql`, in ms: the shell runs it `times` times in one process, less a
// process that runs nothing, over `times` (its timer prints whole milliseconds, too coarse
// for a day's report). Median of five.
double shellMs(const QString& sqlite3, const QString& path, const QString& sql, int times) {
    const auto run = [&](const QString& script) {
        QProcess shell;
        QElapsedTimer t;
        t.start();
        shell.start(sqlite3, {QStringLiteral("-batch"), path});
        shell.write(script.toUtf8());
        shell.closeWriteChannel();
        if (!shell.waitForFinished(600000) || shell.exitCode() != 0)
            die(QStringLiteral("the sqlite3 shell failed: ") +
                QString::fromUtf8(shell.readAllStandardError()));
        return double(t.nsecsElapsed()) / 1e6;
    };
    const QString quiet = QStringLiteral(".output /dev/null\n");
    QList<double> each;
    for (int i = 0; i < 5; ++i) {
        const double empty = run(quiet);
        each.append((run(quiet + sql.repeated(times)) - empty) / times);
    }
    return qMax(0.0, median(each));
}

template <typename F>
double medianMs(int repeats, F run) {
    QList<double> times;
    for (int i = 0; i < repeats; ++i) {
        QElapsedTimer t;
        t.start();
        run(i);
        times.append(double(t.nsecsElapsed()) / 1e6);
    }
    return median(times);
}

void line(const char* what, double ours, double shell, int target) {
    std::printf("    %-34s %8.3f ms  (target <= %d ms)   sqlite3 shell %8.3f ms   ratio %5.2f\n",
                what, ours, target, shell, shell > 0 ? ours / shell : 0.0);
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("qpos.*.info=false"));
    const int orders = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 1000000;
    if (orders < kDays)
        die(QStringLiteral("give at least %1 orders").arg(kDays));
    const QString sqlite3 = QStandardPaths::findExecutable(QStringLiteral("sqlite3"));
    if (sqlite3.isEmpty())
        die(QStringLiteral("the sqlite3 shell is not installed (apt-get install sqlite3)"));

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bench.db"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QDate today = china_calendar::dateOf(now);
    QElapsedTimer built;
    built.start();
    buildDatabase(path, orders, china_calendar::dayStartMs(today));
    std::printf("built %d orders over %d days in %.1f s\n", orders, kDays,
                double(built.elapsed()) / 1000.0);

    const int todayNo = china_calendar::dayNumber(today);
    const int monthStart = china_calendar::dayNumber(today.addDays(-29));
    qint64 clock = now;
    OrderStore store(OrderStoreOptions{QStringLiteral("BENCH"), QStringLiteral("T1"), [&clock] {
                                           return clock;
                                       }});
    must(store.open(path));

    reports::SalesReport last;
    const double todayMs = medianMs(kRepeats, [&](int) {
        Result<reports::SalesReport> r =
            reports::buildSalesReport(store.database(), reports::ReportScope{todayNo, todayNo, 0});
        if (!r)
            die(r.error().message);
        last = *r;
    });
    std::printf("today: %lld sales, %lld refunds, %lld cashiers\n", last.total.saleCount,
                last.total.refundCount, qint64(last.cashiers.size()));
    const double monthMs = medianMs(kRepeats, [&](int) {
        Result<reports::SalesReport> r = reports::buildSalesReport(
            store.database(), reports::ReportScope{monthStart, todayNo, 0});
        if (!r)
            die(r.error().message);
    });

    // One Z a day over the last days, each closing a busy day.
    reports::ZReportBook zs(store.database(), [&clock] { return clock; });
    const double zMs = medianMs(kZDays, [&](int i) {
        clock = china_calendar::dayStartMs(today.addDays(i - kZDays + 1)) + 23 * kHourMs;
        Result<reports::ZReport> z = zs.take(QStringLiteral("M1"), true);
        if (!z)
            die(z.error().message);
    });
    store.close();

    std::printf("\nmedian times on %d orders\n", orders);
    line("today's full report", todayMs, shellMs(sqlite3, path, reportSql(todayNo, todayNo), 200),
         20);
    line("a month's report, hourly chart", monthMs,
         shellMs(sqlite3, path, reportSql(monthStart, todayNo), 20), 50);
    const int lastZ = china_calendar::dayNumber(today);
    line("Z report snapshot (one day)", zMs, shellMs(sqlite3, path, reportSql(lastZ, lastZ), 200),
         50);
    std::printf("(the shell runs the same three SELECTs; a Z also writes its row durably)\n");
    return 0;
}
