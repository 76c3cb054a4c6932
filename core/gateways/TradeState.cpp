#include "core/gateways/TradeState.h"

#include <array>
#include <utility>

namespace qpos::gateway {

namespace {

constexpr std::array<std::pair<TradeState, const char16_t*>, 7> kNames{{
    {TradeState::NotCreated, u"not_created"},
    {TradeState::WaitingForBuyer, u"waiting_for_buyer"},
    {TradeState::Paid, u"paid"},
    {TradeState::Closed, u"closed"},
    {TradeState::Finished, u"finished"},
    {TradeState::Refunded, u"refunded"},
    {TradeState::Failed, u"failed"},
}};

} // namespace

QString tradeStateName(TradeState state) {
    for (const auto& [value, name] : kNames) {
        if (value == state)
            return QString::fromUtf16(name);
    }
    return {};
}

std::optional<TradeState> tradeStateFromName(QStringView name) {
    for (const auto& [value, text] : kNames) {
        if (name == QStringView(text))
            return value;
    }
    return std::nullopt;
}

bool isPaidState(TradeState state) {
    return state == TradeState::Paid || state == TradeState::Finished ||
           state == TradeState::Refunded;
}

} // namespace qpos::gateway
