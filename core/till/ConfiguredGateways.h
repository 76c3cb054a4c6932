#pragma once

#include "common/Result.h"
#include "config/AppConfig.h"
#include "till/TillService.h"

namespace qpos::till {

// The gateways the configuration enables ([alipay] enabled, [wechat] enabled), with
// their keys loaded and checked. Call on the thread the gateways will live in. Fails with the
// first problem (a missing or unreadable key file, a key of the wrong kind), whose message
// names the setting and what to do.
Result<GatewayList> makeConfiguredGateways(const AppConfig& config);

} // namespace qpos::till
