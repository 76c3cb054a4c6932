#pragma once

#include "core/money/Money.h"
#include "core/orders/OrderState.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace qpos {

// A request to move an order to a new state, with what decided it.
struct OrderTransition {
    QString outTradeNo;
    OrderState to = OrderState::Pending;
    TransitionSource source = TransitionSource::Request;
    QString actor;
    // The order's cumulative refunded amount after this change. Required for
    // PartiallyRefunded; Refunded implies the whole amount.
    std::optional<money::Fen> refundedFen;
    QString providerTradeNo;        // recorded when given and not yet known
    std::optional<qint64> paidAtMs; // the provider's payment time, when it says
    // The provider's time of the refund that raised the refunded amount, when it says: the
    // store server dates the refund by it, as the provider's bill does.
    std::optional<qint64> refundedAtMs;
    QJsonObject providerFields; // kept verbatim in the event
    QString note;
};

enum class TransitionOutcome {
    Applied,    // order, event and outbox rows were written in one transaction
    Duplicate,  // the order already says exactly this: nothing written
    Superseded, // the order is already past this state (a late answer): nothing written
};

} // namespace qpos
