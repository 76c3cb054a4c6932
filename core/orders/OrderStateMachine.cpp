#include "core/orders/OrderStateMachine.h"

#include <QCoreApplication>

#include <initializer_list>

namespace qpos {

namespace {

using S = OrderState;
using Src = TransitionSource;

constexpr unsigned bit(Src source) {
    return 1u << unsigned(source);
}

constexpr unsigned sources(std::initializer_list<Src> list) {
    unsigned mask = 0;
    for (Src s : list)
        mask |= bit(s);
    return mask;
}

// Answers that come from the provider's own records.
constexpr unsigned kProviderSays =
    sources({Src::Request, Src::Poll, Src::Push, Src::Recovery, Src::Reconcile});
// Answers to a query: the only way out of Unknown (docs/architecture.md, "Order state machine"). A
// push about an Unknown order makes the engine query; it does not move the order by itself.
constexpr unsigned kQueryAnswer = sources({Src::Poll, Src::Recovery});

struct Rule {
    S from;
    S to;
    unsigned allowedSources;
};

// clang-format off
constexpr Rule kRules[] = {
    // The create / pay request was answered.
    {S::Created, S::Pending,   sources({Src::Request, Src::Poll, Src::Recovery})},
    {S::Created, S::Unknown,   sources({Src::Request})},
    {S::Created, S::Failed,    sources({Src::Request, Src::Poll, Src::Recovery})},
    {S::Created, S::Paid,      kProviderSays},
    // Closed at the provider, or the engine knows the request never left this process.
    {S::Created, S::Cancelled, sources({Src::Cashier, Src::Request, Src::Poll, Src::Recovery})},

    {S::Pending, S::Paid,      kProviderSays},
    {S::Pending, S::Cancelled, sources({Src::Request, Src::Poll, Src::Push, Src::Recovery,
                                        Src::Reconcile})},
    {S::Pending, S::Failed,    sources({Src::Request, Src::Poll, Src::Recovery})},
    // A cancel or close request whose outcome is not known.
    {S::Pending, S::Unknown,   sources({Src::Request})},

    {S::Unknown, S::Pending,   kQueryAnswer},
    {S::Unknown, S::Paid,      kQueryAnswer},
    {S::Unknown, S::Cancelled, kQueryAnswer},
    {S::Unknown, S::Failed,    kQueryAnswer},

    // Refunds: a refund request's answer, a refund query, a bill line. Cancel with
    // action=refund answers Paid -> Refunded as a Request.
    {S::Paid,              S::PartiallyRefunded, sources({Src::Request, Src::Poll, Src::Recovery,
                                                          Src::Reconcile, Src::Push})},
    {S::Paid,              S::Refunded,          sources({Src::Request, Src::Poll, Src::Recovery,
                                                          Src::Reconcile, Src::Push})},
    {S::PartiallyRefunded, S::PartiallyRefunded, sources({Src::Request, Src::Poll, Src::Recovery,
                                                          Src::Reconcile, Src::Push})},
    {S::PartiallyRefunded, S::Refunded,          sources({Src::Request, Src::Poll, Src::Recovery,
                                                          Src::Reconcile, Src::Push})},

    // The provider's record of money taken wins over ours: a trade we believed closed or
    // refused but that the provider reports paid is recorded as paid, so that it can be
    // refunded instead of being lost.
    {S::Cancelled, S::Paid,    sources({Src::Poll, Src::Push, Src::Recovery, Src::Reconcile})},
    {S::Failed,    S::Paid,    sources({Src::Poll, Src::Push, Src::Recovery, Src::Reconcile})},
};

// Cash: the till hands over or takes the money itself, so its own record is final. A cash sale
// is created and paid in one transaction; a cash refund is recorded as the money leaves the
// drawer. OrderStore keeps provider sources off cash orders and this source off the others.
constexpr Rule kCashRules[] = {
    {S::Created,           S::Paid,              bit(Src::Cash)},
    {S::Paid,              S::PartiallyRefunded, bit(Src::Cash)},
    {S::Paid,              S::Refunded,          bit(Src::Cash)},
    {S::PartiallyRefunded, S::PartiallyRefunded, bit(Src::Cash)},
    {S::PartiallyRefunded, S::Refunded,          bit(Src::Cash)},
};
// clang-format on

} // namespace

bool OrderStateMachine::isAllowed(OrderState from, OrderState to, TransitionSource source) {
    if (source == Src::Cash) {
        for (const Rule& rule : kCashRules) {
            if (rule.from == from && rule.to == to)
                return true;
        }
        return false;
    }
    for (const Rule& rule : kRules) {
        if (rule.from == from && rule.to == to)
            return (rule.allowedSources & bit(source)) != 0;
    }
    return false;
}

Status OrderStateMachine::check(OrderState from, OrderState to, TransitionSource source) {
    if (isAllowed(from, to, source))
        return Status::success();
    return Error{QStringLiteral("order.illegal_transition"),
                 QCoreApplication::translate("qpos::OrderStateMachine",
                                             "Illegal order transition from %1 to %2 (source: "
                                             "%3); the change was not applied.")
                     .arg(orderStateName(from), orderStateName(to), transitionSourceName(source))};
}

} // namespace qpos
