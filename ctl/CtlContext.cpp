#include "ctl/CtlContext.h"

#include "core/gateways/GatewayFactory.h"
#include "core/logging/FileLog.h"
#include "core/logging/LogCategories.h"
#include "ctl/DemoProviders.h"
#include "ctl/StoreAccess.h"

#include <QCoreApplication>

namespace qpos::ctl {

CtlContext::CtlContext(CtlInvocation invocation, CtlOutput& out)
    : m_invocation(std::move(invocation))
    , m_out(out) {}

CtlContext::~CtlContext() = default;

const ConfigLoadResult& CtlContext::loadConfig() {
    if (m_loaded)
        return *m_loaded;
    ConfigLoadOptions options;
    options.sandbox = m_invocation.sandbox;
    // As the till: the demo shop reads no system or user file, only an explicit one.
    QList<ConfigSource> sources;
    if (options.sandbox) {
        if (!m_invocation.configPath.isEmpty())
            sources.append(ConfigSource{m_invocation.configPath, true});
    } else {
        sources = ConfigLoader::standardSources(m_invocation.configPath);
    }
    m_loaded = ConfigLoader::load(sources, options);
    return *m_loaded;
}

const AppConfig* CtlContext::config() {
    const ConfigLoadResult& loaded = loadConfig();
    if (loaded.ok())
        return &loaded.config;
    m_out.error(QCoreApplication::translate("qpos::ctl", "The configuration is not valid:"));
    for (const ConfigIssue& issue : loaded.errors)
        m_out.note(QStringLiteral("  ") + issue.message);
    m_out.note(
        QCoreApplication::translate("qpos::ctl", "Run \"qposctl doctor\" for a full check."));
    return nullptr;
}

bool CtlContext::installLog() {
    const AppConfig* cfg = config();
    if (!cfg)
        return false;
    if (m_log)
        return true;
    m_log = std::make_unique<FileLog>(FileLogOptions::fromConfig(cfg->log, m_invocation.verbose));
    if (Status s = m_log->install(); !s.ok()) {
        m_out.error(QCoreApplication::translate("qpos::ctl", "Cannot write the log: %1")
                        .arg(s.error().message));
        m_log.reset();
        return false;
    }
    for (const ConfigIssue& warning : loadConfig().warnings)
        qCWarning(lcConfig).noquote() << warning.message;
    qCInfo(lcApp).noquote() << "qposctl" << QCoreApplication::applicationVersion()
                            << m_invocation.command << (cfg->sandbox ? "in sandbox mode" : "")
                            << "config files:" << loadConfig().filesRead.join(QStringLiteral(", "));
    return true;
}

bool CtlContext::usesDemoProviders(const AppConfig& config) {
    return config.sandbox && !config.alipay.enabled && !config.wechat.enabled;
}

std::optional<GatewayFactory> CtlContext::gatewayFactory(const AppConfig& config) {
    if (!usesDemoProviders(config))
        return GatewayFactory([config] { return gateway::makeConfiguredGateways(config); });
    if (!m_demo) {
        Result<std::unique_ptr<DemoProviders>> started = DemoProviders::start();
        if (!started) {
            m_out.error(QCoreApplication::translate("qpos::ctl",
                                                    "Cannot start the demo shop's simulated "
                                                    "providers: %1")
                            .arg(started.error().message));
            return std::nullopt;
        }
        m_demo = std::move(started).value();
        qCInfo(lcApp).noquote() << "demo shop's simulated providers at"
                                << m_demo->controlUrl().toString();
    }
    return m_demo->gatewayFactory();
}

QUrl CtlContext::demoControlUrl() const {
    return m_demo ? m_demo->controlUrl() : QUrl();
}

std::unique_ptr<OrderStore> CtlContext::openStore(StoreUse use) {
    const AppConfig* cfg = config();
    if (!cfg)
        return nullptr;
    if (use != StoreUse::Read && !installLog())
        return nullptr;
    return openOrderStore(*cfg, m_out, use == StoreUse::Create);
}

std::unique_ptr<TillDriver> CtlContext::startTill() {
    const AppConfig* cfg = config();
    if (!cfg || !installLog())
        return nullptr;
    const std::optional<GatewayFactory> gateways = gatewayFactory(*cfg);
    if (!gateways)
        return nullptr;
    auto driver = std::make_unique<TillDriver>(*cfg, *gateways);
    if (const service::PosReady& ready = driver->start(); !ready.error.isEmpty()) {
        m_out.error(ready.error);
        return nullptr;
    }
    return driver;
}

} // namespace qpos::ctl
