#pragma once

#include "core/gateways/alipay/AlipayClientSettings.h"
#include "core/gateways/wechat/WechatClientSettings.h"
#include "server/notify/ProviderVerifiers.h"

#include <QString>

namespace qpos::sandbox {
class SandboxServer;
}

namespace qpos::demo {

// What a store server verifies the simulated providers' notifications with, exactly as it
// verifies the real providers': the Alipay app's id, its seller (PID) and Alipay's public key;
// the WeChat Pay merchant's mchid, appid and APIv3 key and WeChat Pay's public key.

// From the client settings a till uses (sandbox::SandboxShop's).
server::ProviderVerifiers demoVerifiers(const alipay::AlipayClientSettings& alipay,
                                        const wechat::WechatClientSettings& wechat);

// From the sandbox's registered `alipayAppId` and `wechatMchId`; an empty or unknown one
// leaves that provider unverified (the server refuses its notifications). Call it on the
// sandbox's thread.
server::ProviderVerifiers sandboxVerifiers(sandbox::SandboxServer& providers,
                                           const QString& alipayAppId, const QString& wechatMchId);

} // namespace qpos::demo
