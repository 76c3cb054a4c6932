#pragma once

#include "core/gateways/GatewayAnswers.h"
#include "core/gateways/GatewayOutcome.h"
#include "core/gateways/PaymentNotification.h"
#include "core/money/Money.h"
#include "core/orders/Order.h"
#include "core/orders/OrderTransition.h"
#include "core/storage/OrderQuery.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace qpos::checkout {

// Every OrderTransition the checkout engine writes is made here, so that the source, the
// actor ("engine", "recovery", "push" or the approving manager) and the note an order event
// records are decided the same way on every path.
class TransitionBuilder {
public:
    // The provider's answer to our own create or pay request.
    static OrderTransition forRequestAnswer(const QString& outTradeNo, OrderState to,
                                            const QJsonObject& fields, const QString& note = {});
    // The provider refused our create or pay request: the order failed.
    static OrderTransition forRefusal(const QString& outTradeNo, const gateway::Refused& refusal,
                                      const QJsonObject& fields);
    // Closed or cancelled at the provider before the trade was ever created there.
    static OrderTransition forNeverCreated(const QString& outTradeNo, TransitionSource source,
                                           const QJsonObject& fields);
    // What the provider's view of the trade (a query answer, a pay answer, a push) says about
    // `order`, in the order to apply: nothing, one change, or Paid followed by Refunded.
    // `cancelRefunded`: the provider's answer to our cancel said it refunded a payment.
    static QList<OrderTransition> forSnapshot(const Order& order,
                                              const gateway::TradeSnapshot& snapshot,
                                              TransitionSource source, const QJsonObject& fields,
                                              bool cancelRefunded);
    // What a verified notification about `order` says, in the order to apply; empty while the
    // trade waits for the buyer.
    static QList<OrderTransition> forNotification(const Order& order,
                                                  const gateway::PaymentNotification& notification);
    // The order after refund `record` succeeded: its refunded total, capped at the amount.
    static OrderTransition forRefund(const Order& order, const RefundRecord& record,
                                     std::optional<money::Fen> providerTotalFen,
                                     TransitionSource source, const QJsonObject& fields);
};

} // namespace qpos::checkout
