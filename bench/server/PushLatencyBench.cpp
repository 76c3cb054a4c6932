#include "bench/server/PushLatencyBench.h"

#include "bench/server/DurableInsertRate.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "core/link/TerminalCredentials.h"
#include "core/service/PosService.h"
#include "core/storage/Database.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/SandboxServer.h"
#include "server/QposServer.h"
#include "server/storage/SqliteServerStore.h"
#include "server/terminals/TerminalAdmin.h"
#include "tests/support/TempDir.h"
#include "tests/support/WaitUntil.h"

#include <QDateTime>
#include <QHash>
#include <QMutex>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

namespace qpos::bench {

namespace {

const QString kAppId = QStringLiteral("2021000000000777");
const link::TerminalIdentity kTill{QStringLiteral("S001"), QStringLiteral("T09")};

qint64 steadyNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// What the till's worker thread reports, read by the bench's thread.
struct TillEvents {
    QMutex lock;
    QString waiting;             // the order whose QR is showing
    QHash<QString, qint64> paid; // order -> when its Paid commit was reported (steady ns)
};

double percentile(QList<double> sorted, double p) {
    if (sorted.isEmpty())
        return 0;
    const qsizetype at = std::min<qsizetype>(sorted.size() - 1, qsizetype(p * sorted.size()));
    return sorted.at(at);
}

} // namespace

bool runPushLatency(int sales) {
    std::printf("\n(2) push latency: %d QR sales, each paid by the sandbox's buyer\n", sales);
    std::fflush(stdout);
    test::TempDir dir;
    sandbox::SandboxServer sandbox;
    if (Status listening = sandbox.listen(); !listening) {
        std::printf("    the sandbox did not start: %s\n", qPrintable(listening.error().message));
        return false;
    }
    Result<crypto::RsaPrivateKey> appKey = sandbox.alipay().createApp(kAppId);
    if (!appKey) {
        std::printf("    %s\n", qPrintable(appKey.error().message));
        return false;
    }
    auto verifier = std::make_shared<alipay::AlipayNotificationVerifier>(
        kAppId, QString(), sandbox.alipay().alipayPublicKey());
    server::QposServer qpos(
        std::make_unique<server::SqliteServerStore>(dir.file(QStringLiteral("server.db"))),
        server::ProviderVerifiers(verifier, nullptr), server::QposServer::Options());
    if (Status started = qpos.start(); !started) {
        std::printf("    the server did not start: %s\n", qPrintable(started.error().message));
        return false;
    }
    const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(qpos.port()));
    server::TerminalAdmin admin(qpos.store(), base, QString(), 86400 * 1000LL);
    Result<link::EnrollmentCode> code = admin.add(kTill, QDateTime::currentMSecsSinceEpoch());
    if (!code) {
        std::printf("    adding the till failed: %s\n", qPrintable(code.error().message));
        return false;
    }

    service::PosOptions o;
    o.config.store.id = kTill.storeId;
    o.config.terminal.id = kTill.terminalId;
    o.config.database.path = dir.file(QStringLiteral("orders.db"));
    o.config.checkout.qrTimeoutS = 120;
    o.config.storeServer.url = base.toString();
    o.config.storeServer.credentialsPath = dir.file(QStringLiteral("credentials.json"));
    if (Status written = link::TerminalCredentials{code->terminal, code->secret, {}}.write(
            o.config.storeServer.credentialsPath);
        !written) {
        std::printf("    %s\n", qPrintable(written.error().message));
        return false;
    }
    alipay::AlipayClientSettings s;
    s.gatewayUrl = sandbox.alipay().gatewayUrl();
    s.appId = kAppId;
    s.appPrivateKey = *appKey;
    s.alipayPublicKey = sandbox.alipay().alipayPublicKey();
    s.notifyUrl = base.toString() + QStringLiteral("/notify/alipay");
    s.requestTimeout = std::chrono::milliseconds(5000);
    o.makeGateways = [s]() -> Result<service::GatewayList> {
        Result<std::unique_ptr<alipay::AlipayClient>> client = alipay::AlipayClient::create(s);
        if (!client)
            return client.error();
        service::GatewayList list;
        list.push_back(std::move(client).value());
        return list;
    };
    // Polling stays the fallback, but slower than any push: the push settles each sale.
    o.policy.poll.fastInterval = std::chrono::seconds(60);
    o.policy.poll.slowInterval = std::chrono::seconds(60);

    service::PosService till(o);
    TillEvents events;
    QObject::connect(
        &till, &service::PosService::checkoutUpdated, &till,
        [&events](const checkout::CheckoutUpdate& u) {
            // On the till's worker, as the engine reports it: after the commit.
            const qint64 at = steadyNs();
            QMutexLocker locker(&events.lock);
            if (u.phase == checkout::CheckoutPhase::Waiting)
                events.waiting = u.outTradeNo;
            else if (u.phase == checkout::CheckoutPhase::Paid &&
                     !events.paid.contains(u.outTradeNo))
                events.paid.insert(u.outTradeNo, at);
        },
        Qt::DirectConnection);
    bool linked = false;
    QString readyError;
    bool ready = false;
    QObject::connect(&till, &service::PosService::ready, &till, [&](const service::PosReady& r) {
        ready = true;
        readyError = r.error;
    });
    QObject::connect(
        &till, &service::PosService::linkStatusChanged, &till,
        [&](const link::LinkStatus& l) { linked = l.state == link::LinkStatus::State::Connected; });
    till.start();
    if (!test::waitUntil([&] { return ready && linked; }) || !readyError.isEmpty()) {
        std::printf("    the till did not start and link: %s\n",
                    qPrintable(readyError.isEmpty() ? QStringLiteral("timed out") : readyError));
        return false;
    }

    QList<double> latencyMs;
    int unsettled = 0;
    for (int i = 0; i < sales; ++i) {
        NewOrder order;
        order.channel = Channel::Alipay;
        order.amountFen = 100 + i;
        order.subject = QStringLiteral("Tea");
        order.cashierId = QStringLiteral("1001");
        till.startQrCheckout(QStringLiteral("bench-%1").arg(i), order);
        QString no;
        test::waitUntil([&] {
            QMutexLocker locker(&events.lock);
            no = std::exchange(events.waiting, QString());
            return !no.isEmpty();
        });
        if (no.isEmpty() || !sandbox.alipay().buyerPay(no).ok()) {
            ++unsettled;
            continue;
        }
        // The sandbox has handed the signed notification to its HTTP client: the post.
        const qint64 postedAt = steadyNs();
        qint64 paidAt = 0;
        test::waitUntil([&] {
            QMutexLocker locker(&events.lock);
            paidAt = events.paid.value(no);
            return paidAt != 0;
        });
        if (paidAt == 0)
            ++unsettled;
        else
            latencyMs.append(double(paidAt - postedAt) / 1e6);
    }
    std::sort(latencyMs.begin(), latencyMs.end());
    // Two durable commits are on the path, the server's and the till's: one, on this disk now.
    double commitsPerSecond = 0;
    QString problem;
    {
        Database raw;
        if (Status opened = raw.open(dir.file(QStringLiteral("raw.db"))); opened)
            commitsPerSecond = durableInsertRate(raw.handle(), true, 1000, &problem);
    }
    std::printf("    from the provider's post to the till's Paid commit, %lld sales%s\n",
                qint64(latencyMs.size()),
                unsettled ? qPrintable(QStringLiteral(" (%1 NOT settled)").arg(unsettled)) : "");
    std::printf("    p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms   (target p99 <= 50 ms: %s)\n",
                percentile(latencyMs, 0.50), percentile(latencyMs, 0.99),
                latencyMs.isEmpty() ? 0 : latencyMs.constLast(),
                percentile(latencyMs, 0.99) <= 50 ? "met" : "MISSED");
    const double commitMs = commitsPerSecond > 0 ? 1000 / commitsPerSecond : 0;
    std::printf("    baseline: one durable SQLite commit %.2f ms, measured after the sales; p50 is "
                "%.1f commits (two on the path: the server's and the till's)\n",
                commitMs, commitMs > 0 ? percentile(latencyMs, 0.50) / commitMs : 0);
    std::fflush(stdout);
    return unsettled == 0;
}

} // namespace qpos::bench
