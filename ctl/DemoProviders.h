#pragma once

#include "core/common/Result.h"
#include "ctl/TillDriver.h"

#include <QUrl>

#include <memory>

namespace qpos::sandbox {
class SandboxShop;
}

namespace qpos::ctl {

// The demo shop's simulated providers (Alipay and WeChat Pay) in this process, as `qpos
// --sandbox` has them: what --sandbox uses when no channel is configured. They must outlive
// every gateway made from them.
class DemoProviders {
public:
    // Starts the providers on a thread of their own; blocks until they listen.
    static Result<std::unique_ptr<DemoProviders>> start();
    ~DemoProviders();

    DemoProviders(const DemoProviders&) = delete;
    DemoProviders& operator=(const DemoProviders&) = delete;

    // The gateways that talk to them, for the till's worker thread.
    GatewayFactory gatewayFactory() const;
    // Their base URL; the control API is under /sandbox.
    QUrl controlUrl() const;

private:
    explicit DemoProviders(std::unique_ptr<sandbox::SandboxShop> shop);

    std::unique_ptr<sandbox::SandboxShop> m_shop;
};

} // namespace qpos::ctl
