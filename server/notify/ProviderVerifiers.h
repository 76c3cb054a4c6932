#pragma once

#include "core/common/Result.h"
#include "core/gateways/alipay/AlipayNotification.h"
#include "core/gateways/wechat/WechatNotification.h"
#include "server/config/ServerConfig.h"

#include <memory>

namespace qpos::server {

// The core verifiers of the providers the configuration enables, with their keys loaded.
class ProviderVerifiers {
public:
    ProviderVerifiers() = default;
    ProviderVerifiers(std::shared_ptr<const alipay::AlipayNotificationVerifier> alipay,
                      std::shared_ptr<const wechat::WechatNotificationVerifier> wechat);

    // Fails with the key loader's message, which names the file and what to do.
    static Result<ProviderVerifiers> fromConfig(const ServerConfig& config);

    // Null when that provider is not enabled.
    const alipay::AlipayNotificationVerifier* alipay() const { return m_alipay.get(); }
    const wechat::WechatNotificationVerifier* wechat() const { return m_wechat.get(); }

private:
    std::shared_ptr<const alipay::AlipayNotificationVerifier> m_alipay;
    std::shared_ptr<const wechat::WechatNotificationVerifier> m_wechat;
};

} // namespace qpos::server
