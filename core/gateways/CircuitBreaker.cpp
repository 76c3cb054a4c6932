#include "core/gateways/CircuitBreaker.h"

#include <utility>

namespace qpos::gateway {

QString circuitStateName(CircuitState state) {
    switch (state) {
    case CircuitState::Closed:
        return QStringLiteral("closed");
    case CircuitState::Open:
        return QStringLiteral("open");
    case CircuitState::HalfOpen:
        return QStringLiteral("half_open");
    }
    return {};
}

CircuitBreaker::CircuitBreaker(QString name, LogCategory logCategory, CircuitBreakerPolicy policy,
                               QObject* parent)
    : QObject(parent)
    , m_name(std::move(name))
    , m_log(logCategory)
    , m_policy(policy) {
    if (m_policy.failureThreshold < 1)
        m_policy.failureThreshold = 1;
    m_coolDown.setSingleShot(true);
    m_coolDown.setTimerType(Qt::CoarseTimer);
    connect(&m_coolDown, &QTimer::timeout, this, [this] {
        if (m_state == CircuitState::Open)
            moveTo(CircuitState::HalfOpen);
    });
}

bool CircuitBreaker::tryAcquire() {
    switch (m_state) {
    case CircuitState::Closed:
        return true;
    case CircuitState::Open:
        return false;
    case CircuitState::HalfOpen:
        if (m_probeInFlight)
            return false;
        m_probeInFlight = true;
        return true;
    }
    return false;
}

void CircuitBreaker::recordSuccess() {
    m_failures = 0;
    // A late success of a request that left before the circuit opened does not close it:
    // only the probe decides, so one lucky answer in an outage does not flood the provider.
    if (m_state == CircuitState::HalfOpen) {
        m_probeInFlight = false;
        moveTo(CircuitState::Closed);
    }
}

void CircuitBreaker::recordFailure() {
    switch (m_state) {
    case CircuitState::Closed:
        if (++m_failures >= m_policy.failureThreshold)
            open();
        break;
    case CircuitState::HalfOpen:
        m_probeInFlight = false;
        ++m_failures;
        open();
        break;
    case CircuitState::Open:
        ++m_failures;
        break;
    }
}

void CircuitBreaker::open() {
    moveTo(CircuitState::Open);
    m_coolDown.start(m_policy.coolDown);
}

void CircuitBreaker::moveTo(CircuitState state) {
    if (state == m_state)
        return;
    const CircuitState old = m_state;
    m_state = state;
    if (state != CircuitState::HalfOpen)
        m_probeInFlight = false;
    if (state == CircuitState::Open) {
        qCWarning(m_log).noquote()
            << QStringLiteral("%1: circuit %2 -> open after %3 consecutive transport failures; "
                              "failing fast for %4 ms")
                   .arg(m_name, circuitStateName(old))
                   .arg(m_failures)
                   .arg(m_policy.coolDown.count());
    } else {
        qCInfo(m_log).noquote() << QStringLiteral("%1: circuit %2 -> %3")
                                       .arg(m_name, circuitStateName(old), circuitStateName(state));
    }
    emit stateChanged(state);
}

} // namespace qpos::gateway
