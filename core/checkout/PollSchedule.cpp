#include "core/checkout/PollSchedule.h"

#include <algorithm>

namespace qpos::checkout {

std::optional<std::chrono::milliseconds>
PollSchedule::nextDelay(std::chrono::milliseconds elapsed) const {
    if (elapsed >= bound)
        return std::nullopt;
    std::chrono::milliseconds delay = slowestInterval;
    if (elapsed < fastPhase)
        delay = fastInterval;
    else if (elapsed < slowPhase)
        delay = slowInterval;
    // The last poll lands on the bound, not after it.
    return std::max(std::chrono::milliseconds(1), std::min(delay, bound - elapsed));
}

} // namespace qpos::checkout
