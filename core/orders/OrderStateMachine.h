#pragma once

#include "core/common/Result.h"
#include "core/orders/OrderState.h"

namespace qpos {

// The one table of legal transitions (docs/architecture.md, "Order state machine"). Everything that
// changes an order's state asks here first; a refused transition is logged and never applied.
class OrderStateMachine {
public:
    static bool isAllowed(OrderState from, OrderState to, TransitionSource source);

    // Ok, or an error whose message names both states and the source.
    static Status check(OrderState from, OrderState to, TransitionSource source);
};

} // namespace qpos
