#include "core/link/Backoff.h"

#include <QRandomGenerator>

#include <algorithm>

namespace qpos::link {

Backoff::Backoff(Policy policy, std::function<double()> random)
    : m_policy(policy)
    , m_random(std::move(random)) {
    if (!m_random)
        m_random = [] {
            return QRandomGenerator::global()->generateDouble();
        };
}

qint64 Backoff::next() {
    qint64 base = m_policy.initialMs;
    for (int i = 0; i < m_failures && base < m_policy.maxMs; ++i)
        base *= 2;
    base = std::min(base, m_policy.maxMs);
    ++m_failures;
    const double spread = double(m_policy.jitterPercent) / 100.0;
    const double factor = 1.0 - spread + 2.0 * spread * m_random();
    return std::max<qint64>(1, qint64(double(base) * factor));
}

} // namespace qpos::link
