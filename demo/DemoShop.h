#pragma once

#include "core/checkout/BuyerSimulator.h"
#include "core/common/Result.h"
#include "core/config/AppConfig.h"
#include "core/gateways/alipay/AlipayClientSettings.h"
#include "core/gateways/wechat/WechatClientSettings.h"
#include "core/link/TerminalEnrollment.h"
#include "demo/DemoStoreServer.h"
#include "sandbox/SandboxShop.h"

#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

namespace qpos::demo {

struct DemoShopOptions {
    sandbox::SandboxShopOptions providers;
    // The in-process store server; false: the till learns results by polling only.
    bool storeServer = true;
    QString serverDatabasePath; // needed with storeServer
    // The till linked to the store server at start (see DemoStoreServerOptions::till).
    std::optional<link::EnrollmentTarget> till = std::nullopt;
};

// The demo shop of `qpos --sandbox`: the simulated providers (sandbox::SandboxShop) and a store
// server (DemoStoreServer) they notify, configured with the providers' keys so that it verifies
// their notifications as a real store server does, with the demo till enrolled on it. A
// payment result reaches the till by push from the server or by the till's own polling,
// whichever comes first. Destroying it stops both; it must outlive every client and
// BuyerSimulator reference made from it.
class DemoShop {
public:
    // What `qpos --sandbox` runs with the till configured by `till` (sandboxDefaults() and the
    // --config file): the server's database beside the till's order database
    // (sandbox-store-server.db), the till's credentials where [store_server] credentials says,
    // and [store_server] url recorded in sandbox-store-server.ini beside them.
    static DemoShopOptions optionsFor(const AppConfig& till);

    // Starts the providers, then the store server, and enrolls the till; blocks the caller
    // until then. Errors are translated and say what to do.
    static Result<std::unique_ptr<DemoShop>> start(DemoShopOptions options);
    ~DemoShop();

    DemoShop(const DemoShop&) = delete;
    DemoShop& operator=(const DemoShop&) = delete;

    sandbox::SandboxShop& providers() { return *m_providers; }
    // Null without the store server.
    DemoStoreServer* storeServer() { return m_server.get(); }

    // `till` linked to the store server: [store_server] url set (unchanged without a server).
    AppConfig linkedConfig(AppConfig till) const;
    // The providers' client settings, their notify_url on the store server.
    alipay::AlipayClientSettings alipaySettings() const;
    wechat::WechatClientSettings wechatSettings() const;
    checkout::BuyerSimulator& buyer() { return m_providers->buyer(); }

private:
    DemoShop() = default;

    // Declared first: destroyed last, after the server stopped taking its notifications.
    std::unique_ptr<sandbox::SandboxShop> m_providers;
    std::unique_ptr<DemoStoreServer> m_server;
};

} // namespace qpos::demo
