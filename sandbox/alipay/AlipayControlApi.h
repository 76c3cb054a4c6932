#pragma once

#include "core/common/Result.h"
#include "sandbox/alipay/AlipayNotifier.h"
#include "sandbox/alipay/AlipayOptions.h"
#include "sandbox/alipay/AlipayTrade.h"
#include "sandbox/http/HttpExchange.h"

#include <QJsonObject>

namespace qpos::sandbox {

class AlipaySimulator;

// The sandbox's own HTTP endpoints for the Alipay side, under /sandbox/alipay: the simulated
// buyer, app registration, behaviour settings and what happened (trades, notifications).
// JSON in, JSON out; see docs/sandbox.md.
namespace alipay_control {

QJsonObject tradeJson(const AlipayTrade& trade);
QJsonObject notificationJson(const AlipayNotificationAttempt& attempt);
QJsonObject optionsJson(const AlipayOptions& options);
// Applies the keys present in `json` to `options`; unknown keys and bad values are refused.
Result<AlipayOptions> applyOptions(AlipayOptions options, const QJsonObject& json);
QJsonObject overview(const AlipaySimulator& simulator);

// Handles a request whose path starts with /sandbox/alipay.
void handle(AlipaySimulator& simulator, const HttpExchange& exchange);

} // namespace alipay_control
} // namespace qpos::sandbox
