#include "core/orders/Channel.h"

#include <QCoreApplication>

namespace qpos {

QString channelName(Channel channel) {
    return channel == Channel::Alipay ? QStringLiteral("alipay") : QStringLiteral("wechat");
}

std::optional<Channel> channelFromName(QStringView name) {
    if (name == u"alipay")
        return Channel::Alipay;
    if (name == u"wechat")
        return Channel::WeChat;
    return std::nullopt;
}

QString channelLabel(Channel channel) {
    return channel == Channel::Alipay ? QCoreApplication::translate("qpos::Channel", "Alipay")
                                      : QCoreApplication::translate("qpos::Channel", "WeChat Pay");
}

QString paymentFlowName(PaymentFlow flow) {
    return flow == PaymentFlow::QrCode ? QStringLiteral("qr") : QStringLiteral("code");
}

std::optional<PaymentFlow> paymentFlowFromName(QStringView name) {
    if (name == u"qr")
        return PaymentFlow::QrCode;
    if (name == u"code")
        return PaymentFlow::PayByCode;
    return std::nullopt;
}

} // namespace qpos
