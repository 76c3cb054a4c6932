#pragma once

#include "core/common/Result.h"
#include "core/config/AppConfig.h"
#include "core/gateways/alipay/AlipayClientSettings.h"
#include "core/gateways/PaymentGateway.h"
#include "core/gateways/wechat/WechatClientSettings.h"

#include <optional>

namespace qpos::gateway {

// The gateways the configuration enables ([alipay] enabled, [wechat] enabled), with
// their keys loaded and checked and the [network] connection settings (extra CA file,
// keep-alive). Call on the thread the gateways will live in. Fails with the
// first problem (a missing or unreadable key file, a key of the wrong kind), whose message
// names the setting and what to do.
Result<GatewayList> makeConfiguredGateways(const AppConfig& config);

// A client for each channel given settings (validated by the clients), in the order Alipay,
// WeChat Pay. Call on the thread the gateways will live in.
Result<GatewayList> makeGateways(const std::optional<alipay::AlipayClientSettings>& alipay,
                                 const std::optional<wechat::WechatClientSettings>& wechat);

} // namespace qpos::gateway
