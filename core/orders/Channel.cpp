#include "core/orders/Channel.h"

#include <QCoreApplication>

namespace qpos {

QString channelName(Channel channel) {
    switch (channel) {
    case Channel::Alipay:
        return QStringLiteral("alipay");
    case Channel::WeChat:
        return QStringLiteral("wechat");
    case Channel::Cash:
        return QStringLiteral("cash");
    }
    return QStringLiteral("invalid(%1)").arg(int(channel));
}

std::optional<Channel> channelFromName(QStringView name) {
    if (name == u"alipay")
        return Channel::Alipay;
    if (name == u"wechat")
        return Channel::WeChat;
    if (name == u"cash")
        return Channel::Cash;
    return std::nullopt;
}

QString channelLabel(Channel channel) {
    switch (channel) {
    case Channel::Alipay:
        return QCoreApplication::translate("qpos::Channel", "Alipay");
    case Channel::WeChat:
        return QCoreApplication::translate("qpos::Channel", "WeChat Pay");
    case Channel::Cash:
        return QCoreApplication::translate("qpos::Channel", "Cash");
    }
    return channelName(channel);
}

bool isProviderChannel(Channel channel) {
    return channel == Channel::Alipay || channel == Channel::WeChat;
}

QString paymentFlowName(PaymentFlow flow) {
    switch (flow) {
    case PaymentFlow::QrCode:
        return QStringLiteral("qr");
    case PaymentFlow::PayByCode:
        return QStringLiteral("code");
    case PaymentFlow::Cash:
        return QStringLiteral("cash");
    }
    return QStringLiteral("invalid(%1)").arg(int(flow));
}

std::optional<PaymentFlow> paymentFlowFromName(QStringView name) {
    if (name == u"qr")
        return PaymentFlow::QrCode;
    if (name == u"code")
        return PaymentFlow::PayByCode;
    if (name == u"cash")
        return PaymentFlow::Cash;
    return std::nullopt;
}

} // namespace qpos
