#pragma once

#include "core/common/Result.h"
#include "sandbox/http/HttpExchange.h"
#include "sandbox/wechat/WechatNotifier.h"
#include "sandbox/wechat/WechatOptions.h"
#include "sandbox/wechat/WechatTrade.h"

#include <QJsonObject>

namespace qpos::sandbox {

class WechatSimulator;

// The sandbox's own HTTP endpoints for the WeChat Pay side, under /sandbox/wechat: the
// simulated buyer, merchant registration, behaviour settings and what happened (trades,
// notifications). JSON in, JSON out; see docs/sandbox.md.
namespace wechat_control {

QJsonObject tradeJson(const WechatTrade& trade);
QJsonObject notificationJson(const WechatNotificationAttempt& attempt);
QJsonObject optionsJson(const WechatOptions& options);
// Applies the keys present in `json` to `options`; unknown keys and bad values are refused.
Result<WechatOptions> applyOptions(WechatOptions options, const QJsonObject& json);
QJsonObject overview(const WechatSimulator& simulator);

// Handles a request whose path starts with /sandbox/wechat.
void handle(WechatSimulator& simulator, const HttpExchange& exchange);

} // namespace wechat_control
} // namespace qpos::sandbox
