#pragma once

// Settings for a real gateway client that talks to a sandbox listening on loopback, one per
// provider: the sandbox's URL and keys plus the merchant the test registered.

#include "core/gateways/alipay/AlipayClientSettings.h"
#include "core/gateways/wechat/WechatClientSettings.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatMerchant.h"
#include "sandbox/wechat/WechatSimulator.h"
#include "tests/support/TestGatewayClient.h"

namespace qpos::test {

inline alipay::AlipayClientSettings alipaySandboxSettings(sandbox::SandboxServer& server,
                                                          const QString& appId,
                                                          const crypto::RsaPrivateKey& appKey,
                                                          const LoopbackTiming& timing) {
    alipay::AlipayClientSettings s;
    s.gatewayUrl = server.alipay().gatewayUrl();
    s.appId = appId;
    s.appPrivateKey = appKey;
    s.alipayPublicKey = server.alipay().alipayPublicKey();
    for (const sandbox::AlipayApp& app : server.alipay().apps()) {
        if (app.appId == appId)
            s.sellerId = app.pid;
    }
    s.billHttpHosts = {s.gatewayUrl.host()};
    useLoopbackTiming(s, timing);
    return s;
}

inline wechat::WechatClientSettings
wechatSandboxSettings(sandbox::SandboxServer& server,
                      const sandbox::WechatMerchantCredentials& merchant, const QString& notifyUrl,
                      const LoopbackTiming& timing) {
    wechat::WechatClientSettings s;
    s.gatewayUrl = server.baseUrl();
    s.mchId = merchant.mchId;
    s.appId = merchant.appId;
    s.merchantPrivateKey = merchant.privateKey;
    s.merchantSerialNo = merchant.serialNo;
    s.apiV3Key = merchant.apiV3Key;
    s.platformKeys = {wechat::WechatPlatformKey{
        server.wechat().platformKeyId(), server.wechat().platformPublicKey(), {}}};
    s.notifyUrl = notifyUrl;
    useLoopbackTiming(s, timing);
    return s;
}

} // namespace qpos::test
