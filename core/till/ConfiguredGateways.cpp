#include "till/ConfiguredGateways.h"

#include "gateways/alipay/AlipayClient.h"
#include "gateways/wechat/WechatClient.h"

#include <QCoreApplication>

namespace qpos::till {

Result<GatewayList> makeConfiguredGateways(const AppConfig& config) {
    GatewayList gateways;
    if (config.alipay.enabled) {
        Result<alipay::AlipayClientSettings> settings =
            alipay::AlipayClientSettings::fromConfig(config.alipay);
        if (!settings)
            return settings.error();
        Result<std::unique_ptr<alipay::AlipayClient>> client =
            alipay::AlipayClient::create(std::move(settings).value());
        if (!client)
            return client.error();
        gateways.push_back(std::move(client).value());
    }
    if (config.wechat.enabled) {
        Result<wechat::WechatClientSettings> settings =
            wechat::WechatClientSettings::fromConfig(config.wechat);
        if (!settings)
            return settings.error();
        Result<std::unique_ptr<wechat::WechatClient>> client =
            wechat::WechatClient::create(std::move(settings).value());
        if (!client)
            return client.error();
        gateways.push_back(std::move(client).value());
    }
    if (gateways.empty())
        return Error{QStringLiteral("till.no_channel"),
                     QCoreApplication::translate(
                         "qpos::till",
                         "No payment channel is enabled. Set [alipay] enabled = true or [wechat] "
                         "enabled = true (with its keys) in the configuration, or start the demo "
                         "shop with --sandbox.")};
    return gateways;
}

} // namespace qpos::till
