#include "core/gateways/GatewayFactory.h"

#include "core/gateways/alipay/AlipayClient.h"
#include "core/gateways/wechat/WechatClient.h"

#include <QCoreApplication>

namespace qpos::gateway {

Result<GatewayList> makeConfiguredGateways(const AppConfig& config) {
    Result<ConnectionSettings> connection = ConnectionSettings::fromConfig(config.network);
    if (!connection)
        return connection.error();
    std::optional<alipay::AlipayClientSettings> alipaySettings;
    if (config.alipay.enabled) {
        Result<alipay::AlipayClientSettings> settings =
            alipay::AlipayClientSettings::fromConfig(config.alipay);
        if (!settings)
            return settings.error();
        alipaySettings = std::move(settings).value();
        alipaySettings->connection = *connection;
    }
    std::optional<wechat::WechatClientSettings> wechatSettings;
    if (config.wechat.enabled) {
        Result<wechat::WechatClientSettings> settings =
            wechat::WechatClientSettings::fromConfig(config.wechat);
        if (!settings)
            return settings.error();
        wechatSettings = std::move(settings).value();
        wechatSettings->connection = *connection;
    }
    if (!alipaySettings && !wechatSettings)
        return Error{QStringLiteral("till.no_channel"),
                     QCoreApplication::translate(
                         "qpos::till",
                         "No payment channel is enabled. Set [alipay] enabled = true or [wechat] "
                         "enabled = true (with its keys) in the configuration, or start the demo "
                         "shop with --sandbox.")};
    return makeGateways(alipaySettings, wechatSettings);
}

Result<GatewayList> makeGateways(const std::optional<alipay::AlipayClientSettings>& alipay,
                                 const std::optional<wechat::WechatClientSettings>& wechat) {
    GatewayList gateways;
    if (alipay) {
        Result<std::unique_ptr<alipay::AlipayClient>> client =
            alipay::AlipayClient::create(*alipay);
        if (!client)
            return client.error();
        gateways.push_back(std::move(client).value());
    }
    if (wechat) {
        Result<std::unique_ptr<wechat::WechatClient>> client =
            wechat::WechatClient::create(*wechat);
        if (!client)
            return client.error();
        gateways.push_back(std::move(client).value());
    }
    return gateways;
}

} // namespace qpos::gateway
