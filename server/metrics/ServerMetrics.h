#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QtGlobal>

#include <array>
#include <optional>

namespace qpos::server {

// The server's counters, gauges and the push-latency histogram, written as Prometheus text
// (GET /metrics). Used from the server's thread only.
class ServerMetrics {
public:
    // result: accepted, duplicate or rejected.
    void countNotification(const QString& provider, const QString& result);
    qint64 notifications(const QString& provider, const QString& result) const;
    // A request refused before or by a handler, by its error code.
    void countRefusal(const QString& code);
    qint64 refusals(const QString& code) const;

    void setTerminalsConnected(int count) { m_terminalsConnected = count; }
    // From a notification's intake to its till's acknowledgement.
    void observePushLatency(double seconds);

    // `syncLag`: per terminal ("S001/T07"), orders the providers told of that its till has not
    // uploaded yet. `batches`: reconciliation batches by (provider, state name). `settles`:
    // per terminal, the Janitor's settle requests waiting for the till's answer. Either of
    // the last two is none when it could not be read, which leaves its gauge out rather than
    // showing zeros.
    using BatchCounts = QMap<QPair<QString, QString>, qint64>;
    using TerminalCounts = QList<QPair<QString, qint64>>;
    QByteArray render(const TerminalCounts& syncLag,
                      const std::optional<BatchCounts>& batches = std::nullopt,
                      const std::optional<TerminalCounts>& settles = std::nullopt) const;

    static constexpr std::array<double, 10> kLatencyBuckets{0.005, 0.01, 0.025, 0.05, 0.1,
                                                            0.25,  0.5,  1.0,   2.5,  10.0};

private:
    QMap<QPair<QString, QString>, qint64> m_notifications;
    QMap<QString, qint64> m_refusals;
    int m_terminalsConnected = 0;
    std::array<qint64, kLatencyBuckets.size()> m_latencyBuckets{};
    qint64 m_latencyCount = 0;
    double m_latencySum = 0;
};

} // namespace qpos::server
