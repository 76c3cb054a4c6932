#include "ctl/DemoProviders.h"

#include "core/gateways/GatewayFactory.h"
#include "sandbox/SandboxShop.h"

namespace qpos::ctl {

DemoProviders::DemoProviders(std::unique_ptr<sandbox::SandboxShop> shop)
    : m_shop(std::move(shop)) {}

DemoProviders::~DemoProviders() = default;

Result<std::unique_ptr<DemoProviders>> DemoProviders::start() {
    Result<std::unique_ptr<sandbox::SandboxShop>> started = sandbox::SandboxShop::start();
    if (!started)
        return started.error();
    return std::unique_ptr<DemoProviders>(new DemoProviders(std::move(started).value()));
}

GatewayFactory DemoProviders::gatewayFactory() const {
    // Copies: the factory runs on the till's worker thread.
    return [alipaySettings = m_shop->alipaySettings(), wechatSettings = m_shop->wechatSettings()] {
        return gateway::makeGateways(alipaySettings, wechatSettings);
    };
}

QUrl DemoProviders::controlUrl() const {
    return m_shop->baseUrl();
}

} // namespace qpos::ctl
