#include "core/routing/ChannelRouting.h"

#include "core/routing/PaymentCode.h"

#include <QCoreApplication>
#include <QStringList>

namespace qpos::routing {

namespace {

QString yuan(money::Fen fen) {
    return QStringLiteral("¥") + money::formatYuan(fen);
}

} // namespace

ChannelRouting::ChannelRouting(QList<Channel> offered, RoutingConfig rules)
    : m_offered(std::move(offered))
    , m_rules(std::move(rules)) {}

QList<Channel> ChannelRouting::configuredChannels(const AppConfig& config) {
    if (!config.routing.channels.isEmpty())
        return config.routing.channels;
    // No section enabled: the gateways come from the wiring (the demo shop simulates both).
    if (!config.alipay.enabled && !config.wechat.enabled)
        return {Channel::Alipay, Channel::WeChat};
    QList<Channel> channels;
    if (config.alipay.enabled)
        channels << Channel::Alipay;
    if (config.wechat.enabled)
        channels << Channel::WeChat;
    return channels;
}

ChannelRouting ChannelRouting::fromConfig(const AppConfig& config,
                                          const QList<Channel>& available) {
    QList<Channel> offered;
    for (Channel channel : configuredChannels(config)) {
        // Cash is offered by [checkout] cash and F4, never as a provider's charge.
        if (isProviderChannel(channel) && available.contains(channel) && !offered.contains(channel))
            offered << channel;
    }
    return ChannelRouting(offered, config.routing);
}

std::optional<Channel> ChannelRouting::defaultChannel() const {
    if (m_offered.isEmpty())
        return std::nullopt;
    return m_offered.first();
}

QList<CodePrefixRange> ChannelRouting::codePrefixes(Channel channel) const {
    if (!isProviderChannel(channel))
        return {}; // cash has no payment codes
    return channel == Channel::Alipay ? m_rules.alipayCodePrefixes : m_rules.wechatCodePrefixes;
}

std::optional<money::Fen> ChannelRouting::maxAmountFen(Channel channel) const {
    if (!isProviderChannel(channel))
        return std::nullopt;
    return channel == Channel::Alipay ? m_rules.alipayMaxAmountFen : m_rules.wechatMaxAmountFen;
}

std::optional<Channel> ChannelRouting::walletOf(QStringView code) const {
    for (Channel channel : kProviderChannels) {
        for (const CodePrefixRange& range : codePrefixes(channel)) {
            if (range.matches(code))
                return channel;
        }
    }
    return std::nullopt;
}

Result<Channel> ChannelRouting::channelForCode(QStringView code) const {
    if (!payment_code::isWellFormed(code))
        return Error{QStringLiteral("payment_code.malformed"),
                     QCoreApplication::translate(
                         "qpos::routing::ChannelRouting",
                         "This is not a payment code: a payment code has 16 to 24 digits. Ask "
                         "the customer to open the payment code in the payment app and scan it "
                         "again.")};
    const std::optional<Channel> wallet = walletOf(code);
    if (!wallet)
        return Error{QStringLiteral("payment_code.unknown_prefix"),
                     QCoreApplication::translate(
                         "qpos::routing::ChannelRouting",
                         "This payment code is not from a payment app this till accepts. Ask "
                         "the customer to show the Alipay or WeChat Pay payment code.")};
    if (!offers(*wallet))
        return Error{QStringLiteral("payment_code.channel_not_offered"),
                     QCoreApplication::translate(
                         "qpos::routing::ChannelRouting",
                         "This is a %1 payment code, but this till does not take %1. Ask the "
                         "customer to pay another way.")
                         .arg(channelLabel(*wallet))};
    return *wallet;
}

Status ChannelRouting::checkCharge(Channel channel, money::Fen amountFen) const {
    if (!offers(channel))
        return Error{QStringLiteral("routing.channel_not_offered"),
                     QCoreApplication::translate("qpos::routing::ChannelRouting",
                                                 "This till does not take %1. Ask the customer "
                                                 "to pay another way.")
                         .arg(channelLabel(channel))};
    const std::optional<money::Fen> limit = maxAmountFen(channel);
    if (!limit || amountFen <= *limit)
        return {};
    QStringList others;
    for (Channel other : m_offered) {
        const std::optional<money::Fen> otherLimit = maxAmountFen(other);
        if (other != channel && (!otherLimit || amountFen <= *otherLimit))
            others << channelLabel(other);
    }
    const QString what =
        others.isEmpty()
            ? QCoreApplication::translate("qpos::routing::ChannelRouting",
                                          "Split the sale into smaller payments.")
            : QCoreApplication::translate("qpos::routing::ChannelRouting",
                                          "Ask the customer to pay with %1, or split the sale "
                                          "into smaller payments.")
                  .arg(others.join(QStringLiteral(" / ")));
    return Error{QStringLiteral("routing.over_limit"),
                 QCoreApplication::translate("qpos::routing::ChannelRouting",
                                             "%1 takes at most %2 in one payment at this till, "
                                             "and this sale is %3. %4")
                     .arg(channelLabel(channel), yuan(*limit), yuan(amountFen), what)};
}

Result<Channel> ChannelRouting::routeCode(QStringView code, money::Fen amountFen) const {
    Result<Channel> channel = channelForCode(code);
    if (!channel)
        return channel;
    if (Status allowed = checkCharge(*channel, amountFen); !allowed.ok())
        return allowed.error();
    return channel;
}

} // namespace qpos::routing
