#pragma once

#include <QLoggingCategory>
#include <QObject>
#include <QString>
#include <QTimer>

#include <chrono>

namespace qpos::gateway {

enum class CircuitState {
    Closed,   // requests go out normally
    Open,     // the provider is unreachable: requests fail fast until the cool-down ends
    HalfOpen, // cool-down over: one probe request may go out; its result decides
};

// Stable machine names: "closed", "open", "half_open".
QString circuitStateName(CircuitState state);

struct CircuitBreakerPolicy {
    int failureThreshold = 5; // consecutive transport failures that open the circuit
    std::chrono::milliseconds coolDown{30000};
};

// Stops a till from queueing request after request at a provider it cannot reach (network
// down, provider outage): after `failureThreshold` consecutive transport failures (timeout,
// connection error, 5xx) it opens and callers fail fast with a clear message; after the
// cool-down it lets one probe through, which closes it on success or opens it again.
// Any answer from the provider, even an error, counts as success: the network works.
// Lives in one thread (the gateway's); not thread-safe.
class CircuitBreaker : public QObject {
    Q_OBJECT

public:
    // `name` and `logCategory` say whose circuit it is in the log ("Alipay", lcAlipay).
    using LogCategory = const QLoggingCategory& (*)();
    CircuitBreaker(QString name, LogCategory logCategory, CircuitBreakerPolicy policy,
                   QObject* parent = nullptr);

    CircuitState state() const { return m_state; }
    int consecutiveFailures() const { return m_failures; }
    const CircuitBreakerPolicy& policy() const { return m_policy; }

    // May a request go out now? In HalfOpen only the first caller gets true (the probe).
    bool tryAcquire();
    // The request reached the provider (whatever it answered).
    void recordSuccess();
    // The request failed in transport.
    void recordFailure();

signals:
    void stateChanged(qpos::gateway::CircuitState state);

private:
    void moveTo(CircuitState state);
    void open();

    QString m_name;
    LogCategory m_log;
    CircuitBreakerPolicy m_policy;
    CircuitState m_state = CircuitState::Closed;
    int m_failures = 0;
    bool m_probeInFlight = false;
    QTimer m_coolDown;
};

} // namespace qpos::gateway
