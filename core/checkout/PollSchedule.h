#pragma once

#include <chrono>
#include <optional>

namespace qpos::checkout {

// When to ask the provider again while a checkout waits: fast at first (the buyer usually
// pays within seconds), slower later, and never past a bound.
struct PollSchedule {
    std::chrono::milliseconds fastInterval{1000};
    std::chrono::milliseconds fastPhase{20000}; // how long to poll fast
    std::chrono::milliseconds slowInterval{3000};
    std::chrono::milliseconds slowPhase{60000}; // then up to this elapsed time
    std::chrono::milliseconds slowestInterval{10000};
    std::chrono::milliseconds bound{std::chrono::minutes(10)}; // no polls after this

    // The delay before the next query, `elapsed` after the checkout started waiting; empty
    // once the bound is reached.
    std::optional<std::chrono::milliseconds> nextDelay(std::chrono::milliseconds elapsed) const;
};

} // namespace qpos::checkout
