#include "server/notify/ProviderVerifiers.h"

#include "core/crypto/KeyFiles.h"
#include "core/gateways/wechat/WechatClientSettings.h"

#include <utility>

namespace qpos::server {

ProviderVerifiers::ProviderVerifiers(
    std::shared_ptr<const alipay::AlipayNotificationVerifier> alipay,
    std::shared_ptr<const wechat::WechatNotificationVerifier> wechat)
    : m_alipay(std::move(alipay))
    , m_wechat(std::move(wechat)) {}

Result<ProviderVerifiers> ProviderVerifiers::fromConfig(const ServerConfig& config) {
    std::shared_ptr<const alipay::AlipayNotificationVerifier> alipayVerifier;
    if (config.alipay.enabled) {
        // In certificate mode Alipay's certificate carries the key that signs notifications.
        Result<crypto::RsaPublicKey> key =
            crypto::loadPublicKeyFile(config.alipay.certMode ? config.alipay.alipayCertPath
                                                             : config.alipay.alipayPublicKeyPath);
        if (!key)
            return key.error();
        alipayVerifier = std::make_shared<alipay::AlipayNotificationVerifier>(
            config.alipay.appId, config.alipay.sellerId, *key);
    }
    std::shared_ptr<const wechat::WechatNotificationVerifier> wechatVerifier;
    if (config.wechat.enabled) {
        Result<wechat::WechatNotificationKeys> keys =
            wechat::WechatNotificationKeys::fromConfig(config.wechat);
        if (!keys)
            return keys.error();
        wechatVerifier = std::make_shared<wechat::WechatNotificationVerifier>(
            config.wechat.mchId, config.wechat.appId, keys->apiV3Key, keys->platformKeys);
    }
    return ProviderVerifiers(std::move(alipayVerifier), std::move(wechatVerifier));
}

} // namespace qpos::server
