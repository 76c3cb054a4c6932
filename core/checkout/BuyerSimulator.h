#pragma once

#include "core/orders/Channel.h"

#include <QString>

namespace qpos::checkout {

// The sandbox's simulated buyer, as the till's SANDBOX banner drives it. Implemented by the
// sandbox wiring (the till does not link the sandbox); absent outside sandbox mode.
// Calls are asynchronous and safe from any thread; failures are only logged (the order's
// own updates show what happened).
class BuyerSimulator {
public:
    virtual ~BuyerSimulator() = default;
    virtual void buyerPays(Channel channel, const QString& outTradeNo) = 0;
    virtual void buyerCancels(Channel channel, const QString& outTradeNo) = 0;
};

} // namespace qpos::checkout
