#pragma once

#include <QString>
#include <QStringView>

#include <array>
#include <optional>

namespace qpos {

// The order lifecycle (docs/architecture.md, "Order state machine"). The numeric values are stored
// in the database: never renumber, only append.
enum class OrderState : int {
    Created = 0,           // written locally, no request known to have left
    Pending = 1,           // QR issued / payment code submitted, waiting for the buyer
    Unknown = 2,           // a request's outcome is not known; only a query resolves it
    Paid = 3,              //
    PartiallyRefunded = 4, //
    Refunded = 5,          //
    Cancelled = 6,         // closed before payment
    Failed = 7,            // the provider refused the order
};

inline constexpr std::array kAllOrderStates{
    OrderState::Created,           OrderState::Pending,  OrderState::Unknown,   OrderState::Paid,
    OrderState::PartiallyRefunded, OrderState::Refunded, OrderState::Cancelled, OrderState::Failed,
};

// Who learned of a change. Stored by name in order events.
enum class TransitionSource : int {
    Cashier = 0,   // a local decision by staff or the engine, before anything reached a provider
    Request = 1,   // the provider's answer to our own create / pay / cancel / refund request
    Poll = 2,      // the provider's answer to a query while the checkout waits
    Push = 3,      // a verified asynchronous notification relayed by the backend
    Recovery = 4,  // the provider's answer to a query made at start-up
    Reconcile = 5, // the provider's daily bill
    Cash = 6,      // the till's own record of cash taken or handed back: no provider involved
};

inline constexpr std::array kAllTransitionSources{
    TransitionSource::Cashier, TransitionSource::Request,  TransitionSource::Poll,
    TransitionSource::Push,    TransitionSource::Recovery, TransitionSource::Reconcile,
    TransitionSource::Cash,
};

// Stable machine names ("created", "partially_refunded", "poll", ...), used in the database,
// the outbox payloads, JSON output and logs.
QString orderStateName(OrderState state);
std::optional<OrderState> orderStateFromName(QStringView name);
QString transitionSourceName(TransitionSource source);
std::optional<TransitionSource> transitionSourceFromName(QStringView name);

// Translated label for people ("Paid" / "已支付").
QString orderStateLabel(OrderState state);

// States whose outcome is still open: the checkout keeps asking the provider, and start-up
// recovery queries them before the till opens.
bool needsRecovery(OrderState state);

// The payment's outcome is known (it may still be refunded later).
bool isFinal(OrderState state);

} // namespace qpos
