#pragma once

#include <QtGlobal>

#include <functional>

namespace qpos::link {

// Waits between attempts to reach the store backend: `initialMs`, doubling up to `maxMs`,
// each wait moved at random by up to ±jitterPercent, so a store's tills that lost the server
// together do not come back in step.
class Backoff {
public:
    struct Policy {
        qint64 initialMs = 1000;
        qint64 maxMs = 60000;
        int jitterPercent = 20;
    };
    // `random`: a number in [0, 1); QRandomGenerator::global() when empty.
    explicit Backoff(Policy policy, std::function<double()> random = {});

    // The wait before the next attempt; each call doubles the following one.
    qint64 next();
    void reset() { m_failures = 0; }
    int failures() const { return m_failures; }
    const Policy& policy() const { return m_policy; }

private:
    Policy m_policy;
    std::function<double()> m_random;
    int m_failures = 0;
};

} // namespace qpos::link
