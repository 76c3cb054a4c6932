#pragma once

#include "core/common/Result.h"
#include "core/gateways/PaymentGateway.h"
#include "core/orders/Channel.h"
#include "server/config/ServerConfig.h"

#include <QMap>
#include <QString>

#include <memory>

namespace qpos::server {

// The merchant account the server reconciles for a provider: Alipay's seller_id (the PID its
// bills are made for) when set, else its app_id; WeChat Pay's mch_id.
QString reconcileMerchant(const ServerConfig& config, Channel provider);
// The merchant of each provider enabled in the configuration.
QMap<Channel, QString> reconcileMerchants(const ServerConfig& config);

// A client of the provider that can download its bills, from the configuration's [alipay] or
// [wechat] section. The server needs the merchant's signing keys for it besides the keys that
// verify notifications; the error names each key missing and where to set it. Call on the
// thread the gateway will live in.
Result<std::unique_ptr<gateway::PaymentGateway>> billGateway(const ServerConfig& config,
                                                             Channel provider);

} // namespace qpos::server
