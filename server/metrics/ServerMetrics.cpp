#include "server/metrics/ServerMetrics.h"

#include "core/reconcile/ReconcileBatch.h"

namespace qpos::server {

namespace {

// Label values are ours (provider names, error codes, terminal codes), but escape anyway.
QByteArray label(const QString& value) {
    QByteArray v = value.toUtf8();
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return '"' + v + '"';
}

QByteArray number(double value) {
    return QByteArray::number(value, 'g', 12);
}

} // namespace

void ServerMetrics::countNotification(const QString& provider, const QString& result) {
    ++m_notifications[{provider, result}];
}

qint64 ServerMetrics::notifications(const QString& provider, const QString& result) const {
    return m_notifications.value({provider, result});
}

void ServerMetrics::countRefusal(const QString& code) {
    ++m_refusals[code];
}

qint64 ServerMetrics::refusals(const QString& code) const {
    return m_refusals.value(code);
}

void ServerMetrics::observePushLatency(double seconds) {
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
        if (seconds <= kLatencyBuckets[i])
            ++m_latencyBuckets[i];
    }
    ++m_latencyCount;
    m_latencySum += seconds;
}

QByteArray ServerMetrics::render(const TerminalCounts& syncLag,
                                 const std::optional<BatchCounts>& batches,
                                 const std::optional<TerminalCounts>& settles) const {
    QByteArray out;
    out += "# HELP qpos_notifications_total Provider notifications by result.\n"
           "# TYPE qpos_notifications_total counter\n";
    for (const QString& provider : {QStringLiteral("alipay"), QStringLiteral("wechat")}) {
        for (const QString& result :
             {QStringLiteral("accepted"), QStringLiteral("duplicate"), QStringLiteral("rejected")})
            out += "qpos_notifications_total{provider=" + label(provider) +
                   ",result=" + label(result) + "} " +
                   QByteArray::number(notifications(provider, result)) + '\n';
    }
    out += "# HELP qpos_requests_refused_total Requests refused, by error code.\n"
           "# TYPE qpos_requests_refused_total counter\n";
    for (auto it = m_refusals.cbegin(); it != m_refusals.cend(); ++it)
        out += "qpos_requests_refused_total{code=" + label(it.key()) + "} " +
               QByteArray::number(it.value()) + '\n';
    out += "# HELP qpos_terminals_connected Tills holding a push link now.\n"
           "# TYPE qpos_terminals_connected gauge\n"
           "qpos_terminals_connected " +
           QByteArray::number(m_terminalsConnected) + '\n';
    out += "# HELP qpos_sync_lag_orders Orders the providers notified that the till has not "
           "uploaded yet.\n"
           "# TYPE qpos_sync_lag_orders gauge\n";
    for (const auto& [terminal, lag] : syncLag)
        out += "qpos_sync_lag_orders{terminal=" + label(terminal) + "} " + QByteArray::number(lag) +
               '\n';
    if (batches) {
        // Every provider and state, zeros included, so an alert on overdue > 0 has a series.
        out += "# HELP qpos_reconcile_batches Reconciliation batches by provider and state; an "
               "overdue one is a bill still missing at the deadline.\n"
               "# TYPE qpos_reconcile_batches gauge\n";
        for (const QString& provider : {QStringLiteral("alipay"), QStringLiteral("wechat")}) {
            for (reconcile::BatchState state : reconcile::kAllBatchStates) {
                const QString name = reconcile::batchStateName(state);
                out += "qpos_reconcile_batches{provider=" + label(provider) +
                       ",state=" + label(name) + "} " +
                       QByteArray::number(batches->value({provider, name})) + '\n';
            }
        }
    }
    if (settles) {
        out += "# HELP qpos_settle_requests_pending Reconciliation's settle requests waiting for "
               "their till's answer.\n"
               "# TYPE qpos_settle_requests_pending gauge\n";
        for (const auto& [terminal, count] : *settles)
            out += "qpos_settle_requests_pending{terminal=" + label(terminal) + "} " +
                   QByteArray::number(count) + '\n';
    }
    out += "# HELP qpos_push_latency_seconds From a notification's intake to its till's "
           "acknowledgement.\n"
           "# TYPE qpos_push_latency_seconds histogram\n";
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i)
        out += "qpos_push_latency_seconds_bucket{le=\"" + number(kLatencyBuckets[i]) + "\"} " +
               QByteArray::number(m_latencyBuckets[i]) + '\n';
    out += "qpos_push_latency_seconds_bucket{le=\"+Inf\"} " + QByteArray::number(m_latencyCount) +
           '\n';
    out += "qpos_push_latency_seconds_sum " + number(m_latencySum) + '\n';
    out += "qpos_push_latency_seconds_count " + QByteArray::number(m_latencyCount) + '\n';
    return out;
}

} // namespace qpos::server
