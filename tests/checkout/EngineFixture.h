#pragma once

// The world of a checkout engine suite, whatever the provider: a scratch directory, the
// sandbox on loopback, the order store, the engine over one real client, and the harness that
// watches it. A suite derives from it next to QObject and adds its provider's client.

#include "core/checkout/CheckoutEngine.h"
#include "core/checkout/GatewayDirectory.h"
#include "core/storage/OrderStore.h"
#include "sandbox/SandboxServer.h"
#include "tests/checkout/EngineHarness.h"
#include "tests/support/TempDir.h"

#include <QTest>

#include <memory>
#include <optional>

namespace qpos::test {

class EngineFixture {
protected:
    std::unique_ptr<TempDir> m_dir;
    std::unique_ptr<sandbox::SandboxServer> m_server;
    std::unique_ptr<OrderStore> m_store;
    std::unique_ptr<checkout::GatewayDirectory> m_gateways;
    std::unique_ptr<checkout::CheckoutEngine> m_engine;
    EngineHarness m_harness;

    // A fresh sandbox listening on loopback and an open, empty store (QVERIFY on failure).
    void startSandboxAndStore() {
        m_harness.clear();
        m_dir = std::make_unique<TempDir>();
        m_server = std::make_unique<sandbox::SandboxServer>();
        QVERIFY(m_server->listen().ok());
        m_store = std::make_unique<OrderStore>(
            OrderStoreOptions{QStringLiteral("S01"), QStringLiteral("T01"), {}});
        QVERIFY(m_store->open(m_dir->file(QStringLiteral("orders.db"))).ok());
    }

    // Replaces the engine by one over `client` alone, run by `rules`.
    void installEngine(std::unique_ptr<gateway::PaymentGateway> client,
                       const checkout::CheckoutPolicy& rules) {
        m_engine.reset();
        m_gateways = std::make_unique<checkout::GatewayDirectory>();
        m_gateways->add(std::move(client));
        m_engine = std::make_unique<checkout::CheckoutEngine>(*m_store, *m_gateways, rules);
        m_harness.watch(*m_engine);
    }

    // In the reverse order of making: the engine goes before the store it writes.
    void tearDown() {
        m_engine.reset();
        m_gateways.reset();
        m_store.reset();
        m_server.reset();
        m_dir.reset();
    }

    static checkout::CheckoutPolicy policy(int qrTimeoutS = 60) {
        return EngineHarness::policy(qrTimeoutS);
    }

    static NewOrder newSale(Channel channel, const QString& subject, money::Fen fen,
                            PaymentFlow flow) {
        NewOrder o;
        o.channel = channel;
        o.flow = flow;
        o.amountFen = fen;
        o.subject = subject;
        o.cashierId = QStringLiteral("1001");
        return o;
    }

    QString start(const NewOrder& order, const QString& authCode = {}) {
        return m_harness.start(*m_engine, order, authCode);
    }

    std::optional<checkout::CheckoutUpdate>
    waitFor(const QString& requestId, std::optional<checkout::CheckoutPhase> phase = std::nullopt,
            int timeoutMs = 15000) {
        return m_harness.waitFor(requestId, phase, timeoutMs);
    }

    OrderWithEvents stored(const QString& outTradeNo) {
        return EngineHarness::stored(*m_store, outTradeNo);
    }

    static QList<OrderState> statesOf(const OrderWithEvents& o) {
        return EngineHarness::statesOf(o);
    }
};

} // namespace qpos::test
