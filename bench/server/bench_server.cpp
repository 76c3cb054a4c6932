// The store server's benchmark (docs/server.md, "Benchmark"), a real QposServer on loopback:
//  (1) notification intake: 64 concurrent senders post signed Alipay notifications (some of
//      them twice, as Alipay repeats them); verified and durably recorded per second on
//      SQLite and on PostgreSQL, beside the RSA verify rate of one core and the database's
//      raw durable insert rate measured in the same run; then the database is checked: every
//      acknowledged notification recorded exactly once (target >= 5,000/s on SQLite);
//  (2) push latency: a real till (PosService and its push link) sells, the sandbox's buyer
//      pays, and the time from the provider's post to the till's Paid commit is taken
//      (target p99 <= 50 ms);
//  (3) sync: a till's outbox of 100,000 queued orders uploaded by OutboxUploader.
// It prints figures and never fails on time; `--quick` runs small counts.
#include "bench/server/IntakeBench.h"
#include "bench/server/PushLatencyBench.h"
#include "bench/server/SyncBench.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QThread>

#include <cstdio>
#include <cstdlib>

using namespace qpos;

namespace {

// The server logs a line for every notification: formatted as in production, then dropped
// here so that the terminal does not become the bottleneck. Warnings still show.
void quietInfo(QtMsgType type, const QMessageLogContext&, const QString& message) {
    if (type == QtDebugMsg || type == QtInfoMsg)
        return;
    std::fprintf(stderr, "%s\n", qPrintable(message));
}

double loadAverage() {
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : -1;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    qInstallMessageHandler(quietInfo);
    const bool quick = app.arguments().contains(QStringLiteral("--quick"));
    if (app.arguments().contains(QStringLiteral("--help"))) {
        std::printf("usage: bench_server [--quick]\n");
        return 0;
    }
    bench::IntakeBench::Counts intake;
    intake.notifications = quick ? 640 : 20000;
    intake.baselineMs = quick ? 300 : 2000;
    const int pushSales = quick ? 20 : 500;
    const int syncOrders = quick ? 2000 : 100000;

    std::printf("bench_server%s: %d CPUs, load average %.2f at the start\n",
                quick ? " --quick" : "", QThread::idealThreadCount(), loadAverage());

    bench::IntakeBench intakeBench(intake);
    if (!intakeBench.prepare())
        return 1;
    const bool sqliteOk = intakeBench.run(bench::IntakeBench::Store::Sqlite);
    const bool postgresOk = intakeBench.run(bench::IntakeBench::Store::Postgresql);
    const bool pushOk = bench::runPushLatency(pushSales);
    const bool syncOk = bench::runSync(syncOrders);

    std::printf("\nload average %.2f at the end\n", loadAverage());
    // Time never fails the run; a lost or doubled notification, or an upload that did not
    // arrive whole, does.
    return sqliteOk && postgresOk && pushOk && syncOk ? 0 : 1;
}
