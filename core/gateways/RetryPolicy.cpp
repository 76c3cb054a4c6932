#include "core/gateways/RetryPolicy.h"

#include <QElapsedTimer>
#include <QRandomGenerator>

#include <algorithm>

namespace qpos::gateway {

std::chrono::milliseconds RetryPolicy::backoffBefore(int attempt, QRandomGenerator& random) const {
    if (attempt < 2)
        return std::chrono::milliseconds(0);
    const qint64 cap = std::max<qint64>(0, maxBackoff.count());
    qint64 ceiling = std::max<qint64>(0, initialBackoff.count());
    // Doubling stops at the cap, so this never overflows however many attempts.
    for (int i = 2; i < attempt && ceiling < cap; ++i)
        ceiling *= 2;
    ceiling = std::min(ceiling, cap);
    if (ceiling <= 0)
        return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(random.bounded(ceiling + 1));
}

std::chrono::milliseconds RetryPolicy::attemptTimeout(std::chrono::milliseconds requestTimeout,
                                                      const QElapsedTimer& clock,
                                                      bool bounded) const {
    if (!bounded)
        return requestTimeout;
    const qint64 left = deadline.count() - clock.elapsed();
    return std::chrono::milliseconds(std::clamp<qint64>(left, 1, requestTimeout.count()));
}

} // namespace qpos::gateway
