#include "demo/DemoVerifiers.h"

#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatSimulator.h"

#include <memory>

namespace qpos::demo {

server::ProviderVerifiers demoVerifiers(const alipay::AlipayClientSettings& alipay,
                                        const wechat::WechatClientSettings& wechat) {
    return server::ProviderVerifiers(
        std::make_shared<alipay::AlipayNotificationVerifier>(alipay.appId, alipay.sellerId,
                                                             alipay.alipayPublicKey),
        std::make_shared<wechat::WechatNotificationVerifier>(wechat.mchId, wechat.appId,
                                                             wechat.apiV3Key, wechat.platformKeys));
}

server::ProviderVerifiers sandboxVerifiers(sandbox::SandboxServer& providers,
                                           const QString& alipayAppId, const QString& wechatMchId) {
    std::shared_ptr<const alipay::AlipayNotificationVerifier> alipayVerifier;
    for (const sandbox::AlipayApp& app : providers.alipay().apps()) {
        if (app.appId == alipayAppId)
            alipayVerifier = std::make_shared<alipay::AlipayNotificationVerifier>(
                app.appId, app.pid, providers.alipay().alipayPublicKey());
    }
    std::shared_ptr<const wechat::WechatNotificationVerifier> wechatVerifier;
    if (const std::optional<sandbox::WechatMerchant> merchant =
            providers.wechat().merchant(wechatMchId))
        wechatVerifier = std::make_shared<wechat::WechatNotificationVerifier>(
            merchant->mchId, merchant->appId, merchant->apiV3Key,
            QList<wechat::WechatPlatformKey>{
                {providers.wechat().platformKeyId(), providers.wechat().platformPublicKey(), {}}});
    return server::ProviderVerifiers(std::move(alipayVerifier), std::move(wechatVerifier));
}

} // namespace qpos::demo
