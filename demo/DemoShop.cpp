#include "demo/DemoShop.h"

#include "core/logging/LogCategories.h"
#include "demo/DemoVerifiers.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatSimulator.h"

#include <QDir>
#include <QFileInfo>

namespace qpos::demo {

DemoShopOptions DemoShop::optionsFor(const AppConfig& till) {
    const QDir dataDir = QFileInfo(till.database.path).absoluteDir();
    DemoShopOptions options;
    options.serverDatabasePath =
        dataDir.absoluteFilePath(QStringLiteral("sandbox-store-server.db"));
    link::EnrollmentTarget target;
    target.configured = {till.store.id, till.terminal.id};
    target.credentialsPath = till.storeServer.credentialsPath;
    // The demo reads no configuration file, so the url written here is a record only: each
    // start links the till to the server of that start (linkedConfig()).
    target.configPath = dataDir.absoluteFilePath(QStringLiteral("sandbox-store-server.ini"));
    target.loadOptions.sandbox = true;
    target.loadOptions.dataDir = dataDir.absolutePath();
    options.till = target;
    return options;
}

Result<std::unique_ptr<DemoShop>> DemoShop::start(DemoShopOptions options) {
    std::unique_ptr<DemoShop> shop(new DemoShop);
    Result<std::unique_ptr<sandbox::SandboxShop>> providers =
        sandbox::SandboxShop::start(options.providers);
    if (!providers)
        return providers.error();
    shop->m_providers = std::move(providers).value();
    if (!options.storeServer)
        return shop;

    DemoStoreServerOptions serverOptions;
    serverOptions.databasePath = options.serverDatabasePath;
    serverOptions.verifiers =
        demoVerifiers(shop->m_providers->alipaySettings(), shop->m_providers->wechatSettings());
    serverOptions.till = options.till;
    serverOptions.startTimeoutMs = options.providers.startTimeoutMs;
    Result<std::unique_ptr<DemoStoreServer>> server = DemoStoreServer::start(serverOptions);
    if (!server)
        return server.error();
    shop->m_server = std::move(server).value();

    // WeChat Pay notifies where the merchant registered; Alipay where each request says
    // (alipaySettings()).
    const QString mchId = shop->m_providers->wechatMchId();
    const QString wechatUrl = shop->m_server->wechatNotifyUrl().toString();
    Status registered;
    shop->m_providers->withServer([&](sandbox::SandboxServer& simulated) {
        registered = simulated.wechat().setNotifyUrl(mchId, wechatUrl);
    });
    if (!registered)
        return registered.error();
    qCInfo(lcSandbox).noquote() << "demo store server at" << shop->m_server->url().toString()
                                << "takes the simulated providers' notifications";
    return shop;
}

DemoShop::~DemoShop() = default;

AppConfig DemoShop::linkedConfig(AppConfig till) const {
    if (m_server)
        till.storeServer.url = m_server->url().toString(QUrl::FullyEncoded);
    return till;
}

alipay::AlipayClientSettings DemoShop::alipaySettings() const {
    alipay::AlipayClientSettings s = m_providers->alipaySettings();
    if (m_server)
        s.notifyUrl = m_server->alipayNotifyUrl().toString();
    return s;
}

wechat::WechatClientSettings DemoShop::wechatSettings() const {
    wechat::WechatClientSettings s = m_providers->wechatSettings();
    if (m_server)
        s.notifyUrl = m_server->wechatNotifyUrl().toString();
    return s;
}

} // namespace qpos::demo
