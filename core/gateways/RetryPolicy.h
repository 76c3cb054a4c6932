#pragma once

#include <chrono>

class QElapsedTimer;
class QRandomGenerator;

namespace qpos::gateway {

// How a gateway retries an *idempotent* call (query, refund query, close, cancel, a refund
// with the same request number, bill) after a transient failure: exponential backoff with
// full jitter, within an overall deadline. Calls that may charge the buyer (create, pay) are
// never retried blindly: their timeout is an Unknown the checkout resolves by querying.
struct RetryPolicy {
    int maxAttempts = 4; // including the first
    std::chrono::milliseconds initialBackoff{250};
    std::chrono::milliseconds maxBackoff{4000};
    // Wall time for the whole call, retries included. No attempt starts after it, and each
    // attempt's timeout is cut to what is left of it.
    std::chrono::milliseconds deadline{30000};

    // The pause before attempt `attempt` (2 = first retry): uniformly random in
    // [0, min(maxBackoff, initialBackoff * 2^(attempt - 2))] ("full jitter", so many tills
    // retrying after one outage do not hit the provider in step).
    std::chrono::milliseconds backoffBefore(int attempt, QRandomGenerator& random) const;

    // The timeout of the next attempt of a call started at `clock`: the whole request timeout
    // for a call sent once, otherwise what is left of the deadline (at least 1 ms).
    std::chrono::milliseconds attemptTimeout(std::chrono::milliseconds requestTimeout,
                                             const QElapsedTimer& clock, bool bounded) const;
};

} // namespace qpos::gateway
