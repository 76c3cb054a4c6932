#pragma once

#include <QString>
#include <QStringView>

#include <array>
#include <optional>

namespace qpos {

// How the buyer paid: through a payment provider, or in cash at the till. Stored by name.
enum class Channel : int {
    Alipay = 0,
    WeChat = 1,
    Cash = 2, // no provider: recorded by the till alone, never queried, polled or recovered
};

// The channels a payment provider answers for (gateways, routing, recovery, bills).
inline constexpr std::array kProviderChannels{Channel::Alipay, Channel::WeChat};

// How the buyer pays: scans our QR, shows a payment code the cashier scans, or hands over cash.
enum class PaymentFlow : int {
    QrCode = 0,
    PayByCode = 1,
    Cash = 2,
};

QString channelName(Channel channel); // "alipay", "wechat", "cash"
std::optional<Channel> channelFromName(QStringView name);
QString channelLabel(Channel channel); // translated: "Alipay" / "支付宝"
// A provider takes this channel's payments, so only the provider's answer settles them.
bool isProviderChannel(Channel channel);

QString paymentFlowName(PaymentFlow flow); // "qr", "code", "cash"
std::optional<PaymentFlow> paymentFlowFromName(QStringView name);

} // namespace qpos
