#include "server/reconcile/BillGateways.h"

#include "core/gateways/alipay/AlipayClient.h"
#include "core/gateways/wechat/WechatClient.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QStringList>

namespace qpos::server {

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("qpos::server::BillGateways", text);
}

Error missingKeys(const ServerConfig& config, const QString& section, const QStringList& keys) {
    return Error{QStringLiteral("reconcile.keys_missing"),
                 tr("Downloading the %1 bills needs the merchant's signing keys, which %2 does "
                    "not name: set %3 in its [%1] section (the same files the till uses), then "
                    "run the reconciliation again.")
                     .arg(section, config.file, keys.join(QStringLiteral(", ")))};
}

Error notEnabled(const ServerConfig& config, const QString& section) {
    return Error{QStringLiteral("reconcile.provider_disabled"),
                 tr("[%1] enabled is not true in %2: the server takes no %1 payments, so it has "
                    "no %1 bill to reconcile. Enable it with its keys, or leave out --provider "
                    "%1.")
                     .arg(section, config.file)};
}

bool isLoopbackHost(const QString& host) {
    if (host.compare(u"localhost", Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

} // namespace

QString reconcileMerchant(const ServerConfig& config, Channel provider) {
    if (provider == Channel::Alipay)
        return config.alipay.sellerId.isEmpty() ? config.alipay.appId : config.alipay.sellerId;
    if (provider == Channel::WeChat)
        return config.wechat.mchId;
    return {};
}

QMap<Channel, QString> reconcileMerchants(const ServerConfig& config) {
    QMap<Channel, QString> merchants;
    if (config.alipay.enabled)
        merchants.insert(Channel::Alipay, reconcileMerchant(config, Channel::Alipay));
    if (config.wechat.enabled)
        merchants.insert(Channel::WeChat, reconcileMerchant(config, Channel::WeChat));
    return merchants;
}

Result<std::unique_ptr<gateway::PaymentGateway>> billGateway(const ServerConfig& config,
                                                             Channel provider) {
    if (provider == Channel::Alipay) {
        const AlipayConfig& a = config.alipay;
        if (!a.enabled)
            return notEnabled(config, QStringLiteral("alipay"));
        QStringList missing;
        if (a.appPrivateKeyPath.isEmpty())
            missing << QStringLiteral("app_private_key");
        if (a.certMode && a.appCertPath.isEmpty())
            missing << QStringLiteral("app_cert");
        if (a.certMode && a.alipayRootCertPath.isEmpty())
            missing << QStringLiteral("alipay_root_cert");
        if (!missing.isEmpty())
            return missingKeys(config, QStringLiteral("alipay"), missing);
        Result<alipay::AlipayClientSettings> settings = alipay::AlipayClientSettings::fromConfig(a);
        if (!settings)
            return settings.error();
        // The sandbox serves its bills from its own loopback address, over plain http.
        if (isLoopbackHost(settings->gatewayUrl.host()))
            settings->billHttpHosts = {settings->gatewayUrl.host()};
        Result<std::unique_ptr<alipay::AlipayClient>> client =
            alipay::AlipayClient::create(std::move(settings).value());
        if (!client)
            return client.error();
        return std::unique_ptr<gateway::PaymentGateway>(std::move(client).value());
    }
    if (provider == Channel::WeChat) {
        const WechatConfig& w = config.wechat;
        if (!w.enabled)
            return notEnabled(config, QStringLiteral("wechat"));
        QStringList missing;
        if (w.merchantPrivateKeyPath.isEmpty())
            missing << QStringLiteral("merchant_private_key");
        if (w.merchantSerialNo.isEmpty())
            missing << QStringLiteral("merchant_serial_no");
        if (!missing.isEmpty())
            return missingKeys(config, QStringLiteral("wechat"), missing);
        Result<wechat::WechatClientSettings> settings = wechat::WechatClientSettings::fromConfig(w);
        if (!settings)
            return settings.error();
        Result<std::unique_ptr<wechat::WechatClient>> client =
            wechat::WechatClient::create(std::move(settings).value());
        if (!client)
            return client.error();
        return std::unique_ptr<gateway::PaymentGateway>(std::move(client).value());
    }
    return Error{QStringLiteral("reconcile.bad_provider"),
                 tr("Only Alipay and WeChat Pay have bills to reconcile.")};
}

} // namespace qpos::server
