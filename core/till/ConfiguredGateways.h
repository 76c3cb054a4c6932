#pragma once

#include "common/Result.h"
#include "config/AppConfig.h"
#include "gateways/alipay/AlipayClientSettings.h"
#include "gateways/wechat/WechatClientSettings.h"
#include "till/TillService.h"

#include <optional>

namespace qpos::till {

// The gateways the configuration enables ([alipay] enabled, [wechat] enabled), with
// their keys loaded and checked. Call on the thread the gateways will live in. Fails with the
// first problem (a missing or unreadable key file, a key of the wrong kind), whose message
// names the setting and what to do.
Result<GatewayList> makeConfiguredGateways(const AppConfig& config);

// A client for each channel given settings (validated by the clients), in the order Alipay,
// WeChat Pay. Call on the thread the gateways will live in.
Result<GatewayList> makeGateways(const std::optional<alipay::AlipayClientSettings>& alipay,
                                 const std::optional<wechat::WechatClientSettings>& wechat);

} // namespace qpos::till
