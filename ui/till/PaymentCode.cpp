#include "till/PaymentCode.h"

#include <QCoreApplication>

#include <optional>

namespace qpos::ui::payment_code {

namespace {

// The channel by the code's two-digit prefix, whether or not the till offers it.
std::optional<Channel> channelByPrefix(QStringView code) {
    const int prefix = (code[0].unicode() - '0') * 10 + (code[1].unicode() - '0');
    if (prefix >= 25 && prefix <= 30)
        return Channel::Alipay;
    if (prefix >= 10 && prefix <= 15)
        return Channel::WeChat;
    return std::nullopt;
}

} // namespace

bool isWellFormed(QStringView code) {
    if (code.size() < 16 || code.size() > 24)
        return false;
    for (QChar c : code) {
        if (c.unicode() < '0' || c.unicode() > '9')
            return false;
    }
    return true;
}

Result<Channel> channelFor(QStringView code, const QList<Channel>& offered) {
    if (!isWellFormed(code))
        return Error{QStringLiteral("payment_code.malformed"),
                     QCoreApplication::translate(
                         "qpos::ui::PaymentCode",
                         "This is not a payment code: a payment code has 16 to 24 digits. Ask "
                         "the customer to open the payment code in the payment app and scan it "
                         "again.")};
    const std::optional<Channel> channel = channelByPrefix(code);
    if (!channel)
        return Error{QStringLiteral("payment_code.unknown_prefix"),
                     QCoreApplication::translate(
                         "qpos::ui::PaymentCode",
                         "This payment code is not from a payment app this till accepts. Ask "
                         "the customer to show the Alipay or WeChat Pay payment code.")};
    if (!offered.contains(*channel))
        return Error{QStringLiteral("payment_code.channel_not_offered"),
                     QCoreApplication::translate(
                         "qpos::ui::PaymentCode",
                         "This is a %1 payment code, but this till does not take %1. Ask the "
                         "customer to pay another way.")
                         .arg(channelLabel(*channel))};
    return *channel;
}

QString masked(QStringView code) {
    // Four digits say which code it was without giving it away.
    const QString tail = code.size() > 8 ? code.right(4).toString() : QString();
    return QStringLiteral("•••• ") + tail;
}

} // namespace qpos::ui::payment_code
