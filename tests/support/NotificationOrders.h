#pragma once

// The till's side of a notification check: the order a notification is matched against, and
// the lookup that finds it (or not) by its out_trade_no.

#include "core/gateways/PaymentNotification.h"

#include <optional>

namespace qpos::test {

inline Order orderAwaitingPayment(const QString& outTradeNo, money::Fen amount, Channel channel) {
    Order o;
    o.outTradeNo = outTradeNo;
    o.amountFen = amount;
    o.channel = channel;
    return o;
}

// Finds `order` by its number; every other number is unknown. Empty: the till knows no order.
inline gateway::NotificationOrderLookup lookupOf(std::optional<Order> order) {
    return [order](const QString& outTradeNo) -> std::optional<Order> {
        if (order && order->outTradeNo == outTradeNo)
            return order;
        return std::nullopt;
    };
}

} // namespace qpos::test
