#pragma once

#include <chrono>

// The connection path of bench_checkout: the engine and AlipayClient against the sandbox over
// HTTPS with a fixed delay on every exchange and on every connection set-up, after an idle
// period. Prints Charge -> QR net of the sandbox's own time for a till that warms its
// connection when the cashier starts keying (and for one that does not, as the baseline), and
// the connections and TLS handshakes opened per 100 checkouts after warm-up. Never fails on
// time; returns non-zero only when a checkout itself fails.
struct WarmConnectionOptions {
    std::chrono::seconds idle{300};
    int delayMs = 30;
    int checkouts = 100;
    // What a cashier takes from the first digit to Charge (the warm-up's head start).
    std::chrono::milliseconds keying{800};
};

int runWarmConnectionPath(const WarmConnectionOptions& options, const char* dataDir);
