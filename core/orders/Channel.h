#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace qpos {

// A payment provider the till can charge through. Stored by name.
enum class Channel : int {
    Alipay = 0,
    WeChat = 1,
};

// How the buyer pays: scans our QR, or shows a payment code the cashier scans.
enum class PaymentFlow : int {
    QrCode = 0,
    PayByCode = 1,
};

QString channelName(Channel channel); // "alipay", "wechat"
std::optional<Channel> channelFromName(QStringView name);
QString channelLabel(Channel channel); // translated: "Alipay" / "支付宝"

QString paymentFlowName(PaymentFlow flow); // "qr", "code"
std::optional<PaymentFlow> paymentFlowFromName(QStringView name);

} // namespace qpos
