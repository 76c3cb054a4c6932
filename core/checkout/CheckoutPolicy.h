#pragma once

#include "core/checkout/PollSchedule.h"

#include <QtGlobal>

#include <chrono>
#include <functional>

namespace qpos::checkout {

// The timings a checkout runs by, and the clock it reads.
struct CheckoutPolicy {
    int qrTimeoutS = 120;  // a QR not paid in this time is closed at the provider
    int codeTimeoutS = 60; // a payment code not confirmed in this time is cancelled
    PollSchedule poll;
    // How long to wait before asking again when the provider could not be reached while
    // settling (closing, cancelling, resolving Unknown).
    std::chrono::milliseconds settleRetry{3000};
    // The least time between two sends of a refund on the same trade: Alipay asks for at least
    // 3 s between repeats of a refund request.
    std::chrono::milliseconds refundRepeatGap{3000};
    // A recovery pass that leaves something unsettled (the provider unreachable, a refund it
    // is still processing, which for a bank card can take days) runs again after this wait,
    // doubled after each pass that still leaves something, up to recoveryRetryMax.
    std::chrono::milliseconds recoveryRetry{30000};
    std::chrono::milliseconds recoveryRetryMax{std::chrono::minutes(30)};
    std::function<qint64()> clock; // UTC ms; the system clock when empty
};

} // namespace qpos::checkout
