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
// It prints figures and never fails on time; `--quick` runs small counts, `--part intake|push|sync`
// one part only.
#include "bench/server/IntakeBench.h"
#include "bench/server/PushLatencyBench.h"
#include "bench/server/SyncBench.h"

#include <QCoreApplication>
#include <QStringList>
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
    const QStringList args = app.arguments();
    const bool quick = args.contains(QStringLiteral("--quick"));
    const qsizetype partAt = args.indexOf(QStringLiteral("--part"));
    const QString part = partAt > 0 ? args.value(partAt + 1) : QString();
    const QStringList parts{QStringLiteral("intake"), QStringLiteral("push"),
                            QStringLiteral("sync")};
    if (args.contains(QStringLiteral("--help")) || (partAt > 0 && !parts.contains(part))) {
        std::printf("usage: bench_server [--quick] [--part intake|push|sync]\n");
        return args.contains(QStringLiteral("--help")) ? 0 : 2;
    }
    auto runs = [&part](const char* name) {
        return part.isEmpty() || part == QLatin1String(name);
    };
    bench::IntakeBench::Counts intake;
    intake.notifications = quick ? 640 : 20000;
    intake.baselineMs = quick ? 300 : 2000;
    const int pushSales = quick ? 20 : 500;
    const int syncOrders = quick ? 2000 : 100000;

    std::printf("bench_server%s: %d CPUs, load average %.2f at the start\n",
                quick ? " --quick" : "", QThread::idealThreadCount(), loadAverage());

    bool intakeOk = true;
    if (runs("intake")) {
        bench::IntakeBench intakeBench(intake);
        intakeOk = intakeBench.prepare() && intakeBench.run(bench::IntakeBench::Store::Sqlite) &&
                   intakeBench.run(bench::IntakeBench::Store::Postgresql);
    }
    const bool pushOk = !runs("push") || bench::runPushLatency(pushSales);
    const bool syncOk = !runs("sync") || bench::runSync(syncOrders);

    std::printf("\nload average %.2f at the end\n", loadAverage());
    // Time never fails the run; a lost or doubled notification, or an upload that did not
    // arrive whole, does.
    return intakeOk && pushOk && syncOk ? 0 : 1;
}
