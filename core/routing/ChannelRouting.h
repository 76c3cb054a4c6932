#pragma once

#include "core/common/Result.h"
#include "core/config/AppConfig.h"
#include "core/money/Money.h"
#include "core/orders/Channel.h"
#include "core/routing/CodePrefixRange.h"

#include <QList>
#include <QMetaType>
#include <QStringView>

#include <optional>

namespace qpos::routing {

// How this terminal routes a charge ([routing] in the configuration): the channels it offers
// in their order (the first is what Enter charges), which wallet a scanned payment code
// belongs to by its prefix, and the largest amount each channel may take in one payment. The
// till's window, its worker and qposctl all ask the same rules.
//
// A channel that is not offered still has its gateway when it is enabled: orders taken with it
// earlier are recovered and refunded as usual; only new charges are refused.
class ChannelRouting {
public:
    ChannelRouting() = default;
    ChannelRouting(QList<Channel> offered, RoutingConfig rules);

    // The channels `config` offers, in order: [routing] channels, or else every enabled
    // channel, Alipay first; with no channel enabled in a file (the sandbox, whose wiring
    // provides the gateways), both.
    static QList<Channel> configuredChannels(const AppConfig& config);
    // The rules of `config` for the configured channels that have a gateway (`available`).
    static ChannelRouting fromConfig(const AppConfig& config, const QList<Channel>& available);

    const QList<Channel>& channels() const { return m_offered; }
    bool offers(Channel channel) const { return m_offered.contains(channel); }
    // What Enter charges; nothing when no channel is offered.
    std::optional<Channel> defaultChannel() const;
    const RoutingConfig& rules() const { return m_rules; }
    QList<CodePrefixRange> codePrefixes(Channel channel) const;
    std::optional<money::Fen> maxAmountFen(Channel channel) const;

    // The wallet whose payment codes start like `code`, offered or not.
    std::optional<Channel> walletOf(QStringView code) const;
    // The offered channel for a scanned payment code. Fails with a translated message for the
    // cashier: "payment_code.malformed" (not 16-24 digits), "payment_code.unknown_prefix" (no
    // wallet's prefix), "payment_code.channel_not_offered".
    Result<Channel> channelForCode(QStringView code) const;
    // Whether a payment of `amountFen` may go through `channel`: "routing.channel_not_offered",
    // or "routing.over_limit" with a message that names the channel, its limit and what to do.
    Status checkCharge(Channel channel, money::Fen amountFen) const;
    // channelForCode() and then checkCharge().
    Result<Channel> routeCode(QStringView code, money::Fen amountFen) const;

private:
    QList<Channel> m_offered;
    RoutingConfig m_rules;
};

} // namespace qpos::routing

Q_DECLARE_METATYPE(qpos::routing::ChannelRouting)
