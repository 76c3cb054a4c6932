#include "bench/checkout/WarmConnectionPath.h"

#include "core/checkout/CheckoutEngine.h"
#include "core/checkout/GatewayDirectory.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "core/storage/OrderStore.h"
#include "sandbox/SandboxShop.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QList>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::checkout;

namespace {

void say(const char* text) {
    std::printf("%s", text);
    std::fflush(stdout);
}

// Runs the event loop for `ms`, or until `done` holds when given.
bool spin(qint64 ms, const std::function<bool()>& done = {}) {
    QDeadlineTimer deadline(ms);
    while (!deadline.hasExpired()) {
        if (done && done())
            return true;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    }
    return done && done();
}

double median(QList<double> values) {
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

// One till: its own database, one Alipay client and the engine; polls too far apart to fire.
class Till {
public:
    // Each till its own terminal id, so their order numbers never meet at the provider.
    Till(const QString& dbPath, const QString& terminalId, alipay::AlipayClientSettings settings)
        : m_store(OrderStoreOptions{QStringLiteral("S01"), terminalId, {}}) {
        if (Status s = m_store.open(dbPath); !s)
            qFatal("store: %s", qPrintable(s.error().message));
        Result<std::unique_ptr<alipay::AlipayClient>> client =
            alipay::AlipayClient::create(std::move(settings));
        if (!client)
            qFatal("client: %s", qPrintable(client.error().message));
        m_client = client->get();
        m_gateways.add(std::move(client).value());
        CheckoutPolicy policy;
        policy.poll.fastInterval = std::chrono::milliseconds(60000);
        m_engine = std::make_unique<CheckoutEngine>(m_store, m_gateways, policy);
        QObject::connect(m_engine.get(), &CheckoutEngine::checkoutUpdated, m_engine.get(),
                         [this](const CheckoutUpdate& u) {
                             if (u.requestId != m_requestId)
                                 return;
                             m_outTradeNo = u.outTradeNo;
                             if (u.phase == CheckoutPhase::Waiting && !u.qrCode.isEmpty() &&
                                 m_qrNs == 0)
                                 m_qrNs = m_clock.nsecsElapsed();
                             if (isFinalPhase(u.phase))
                                 m_final = u.phase;
                         });
    }
    ~Till() { m_engine.reset(); }

    void warmUp() { m_client->warmUp(); }

    struct Charged {
        double qrMs = 0;  // Charge -> QR
        double ownMs = 0; // the sandbox's own time in it (its precreate handler)
    };
    // Charge -> QR; the checkout is then cancelled and run to its end. `ownMs` reads the
    // sandbox's running total of its own time.
    Charged charge(int number, const std::function<double()>& ownMs) {
        m_requestId = QStringLiteral("warm%1").arg(number);
        m_outTradeNo.clear();
        m_final.reset();
        m_qrNs = 0;
        NewOrder order;
        order.channel = Channel::Alipay;
        order.flow = PaymentFlow::QrCode;
        order.amountFen = 500 + number;
        order.subject = QStringLiteral("Bench tea");
        order.cashierId = QStringLiteral("1001");
        const double own0 = ownMs();
        m_clock.start();
        m_engine->startQr(m_requestId, order);
        if (!spin(20000, [this] { return m_qrNs != 0 || m_final.has_value(); }) || m_qrNs == 0)
            qFatal("checkout %d showed no QR", number);
        // Polls are a minute apart: nothing else reached the sandbox since Charge.
        const Charged charged{double(m_qrNs) / 1e6, ownMs() - own0};
        m_engine->cancel(m_outTradeNo, QStringLiteral("1001"));
        if (!spin(20000, [this] { return m_final.has_value(); }))
            qFatal("checkout %d did not end", number);
        return charged;
    }

private:
    OrderStore m_store;
    GatewayDirectory m_gateways;
    alipay::AlipayClient* m_client = nullptr;
    std::unique_ptr<CheckoutEngine> m_engine;
    QString m_requestId;
    QString m_outTradeNo;
    std::optional<CheckoutPhase> m_final;
    QElapsedTimer m_clock;
    qint64 m_qrNs = 0;
};

} // namespace

int runWarmConnectionPath(const WarmConnectionOptions& options, const char* dataDir) {
    sandbox::SandboxShopOptions shopOptions;
    shopOptions.connection.https = true;
    shopOptions.connection.setupDelayMs = options.delayMs;
    shopOptions.connection.exchangeDelayMs = options.delayMs;
    Result<std::unique_ptr<sandbox::SandboxShop>> started =
        sandbox::SandboxShop::start(shopOptions);
    if (!started) {
        std::fprintf(stderr, "bench_checkout: %s\n", qPrintable(started.error().message));
        return 1;
    }
    sandbox::SandboxShop& shop = **started;

    // The client lets an idle connection go well before the idle period ends, as a real
    // till's does after minutes without a sale (keep-alive 120 s).
    alipay::AlipayClientSettings settings = shop.alipaySettings();
    settings.connection.keepAlive =
        std::min(std::chrono::seconds(120), std::max(std::chrono::seconds(1), options.idle / 2));
    const QDir dir(QString::fromLocal8Bit(dataDir));
    Till warmed(dir.filePath(QStringLiteral("warm.db")), QStringLiteral("T01"), settings);
    Till cold(dir.filePath(QStringLiteral("cold.db")), QStringLiteral("T02"), settings);

    std::printf("\nconnection path: engine + AlipayClient over HTTPS to the sandbox, %d ms added "
                "to every exchange\n  and to every connection set-up; idle period %lld s%s; "
                "client keep-alive %lld s\n",
                options.delayMs, static_cast<long long>(options.idle.count()),
                options.idle.count() >= 300 ? " (the real run)" : " (a quick run: --idle-s)",
                static_cast<long long>(settings.connection.keepAlive.count()));
    std::fflush(stdout);

    std::function<double()> ownMs = [&shop] {
        return double(shop.connectionCounts().handlingNs) / 1e6;
    };
    // Both tills have served a sale, then sit idle side by side.
    (void)warmed.charge(0, ownMs);
    (void)cold.charge(0, ownMs);
    say("  idle...\n");
    spin(qint64(options.idle.count()) * 1000);

    // The warmed till: the first digit warms the connection, Charge comes `keying` later.
    const sandbox::ConnectionCounts beforeWarm = shop.connectionCounts();
    warmed.warmUp();
    spin(options.keying.count());
    const sandbox::ConnectionCounts atCharge = shop.connectionCounts();
    const Till::Charged warm = warmed.charge(1, ownMs);
    // The baseline in the same run: the till that does not warm up pays the set-up on Charge.
    const Till::Charged coldCharge = cold.charge(1, ownMs);

    // Many checkouts on the warm connection, each warmed at its first digit as the till does.
    const sandbox::ConnectionCounts beforeMany = shop.connectionCounts();
    QList<double> warmRuns;
    for (int i = 0; i < options.checkouts; ++i) {
        warmed.warmUp();
        const Till::Charged c = warmed.charge(100 + i, ownMs);
        warmRuns.append(c.qrMs - c.ownMs);
    }
    const sandbox::ConnectionCounts afterMany = shop.connectionCounts();

    const double target = options.delayMs + 2.0;
    const double warmMs = warm.qrMs;
    const double warmOwn = warm.ownMs;
    const double coldMs = coldCharge.qrMs;
    const double coldOwn = coldCharge.ownMs;
    const double warmNet = warmMs - warmOwn;
    const double coldNet = coldMs - coldOwn;
    std::printf("  warm-up at the first digit: %d connection(s), %d TLS handshake(s) opened "
                "before Charge\n",
                atCharge.connections - beforeWarm.connections,
                atCharge.handshakes - beforeWarm.handshakes);
    std::printf("  %-44s %9s %9s %9s\n", "Charge -> QR after the idle period (ms)", "measured",
                "sandbox", "net");
    std::printf("  %-44s %9.1f %9.1f %9.1f\n", "  warmed at the first digit", warmMs, warmOwn,
                warmNet);
    std::printf("  %-44s %9.1f %9.1f %9.1f\n", "  baseline: no warm-up", coldMs, coldOwn, coldNet);
    std::printf("  target: net <= one round trip + 2 ms = %.1f ms; warmed / target %.2fx, "
                "warmed / baseline %.2fx\n",
                target, warmNet / target, coldNet > 0 ? warmNet / coldNet : 0.0);
    std::printf("  %d checkouts on the warm connection: Charge -> QR net median %.1f ms "
                "(%.2fx target);\n  connections opened %d, TLS handshakes %d "
                "(per 100 checkouts: %.1f and %.1f; target 0)\n",
                options.checkouts, median(warmRuns), median(warmRuns) / target,
                afterMany.connections - beforeMany.connections,
                afterMany.handshakes - beforeMany.handshakes,
                100.0 * (afterMany.connections - beforeMany.connections) / options.checkouts,
                100.0 * (afterMany.handshakes - beforeMany.handshakes) / options.checkouts);
    std::printf("  sandbox: the simulated provider's own handler time (signing, trade rules), "
                "the added delays\n  excluded; net = measured - sandbox, so the delay of the "
                "one exchange stays in it\n");
    std::fflush(stdout);
    return 0;
}
