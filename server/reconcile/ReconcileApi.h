#pragma once

#include "core/common/Result.h"
#include "server/http/ServerExchange.h"

#include <QObject>

#include <functional>

namespace qpos::server {

class RequestAuthenticator;
class ServerBatchStore;
class ServerMetrics;

// The managers' reconciliation requests (docs/server.md, "Reconciliation"), authenticated by a
// till's terminal credentials like /v1/sync; the server answers for every terminal of its store:
// GET /v1/reconcile/batches?from=yyyy-MM-dd&to=yyyy-MM-dd lists batches (at most 366 days),
// GET /v1/reconcile/batches/{id} gives one with its items, and
// POST /v1/reconcile/items/{id}/handled {"staff_id","note"} settles an item by hand, once.
class ReconcileApi : public QObject {
    Q_OBJECT

public:
    ReconcileApi(ServerBatchStore& batches, RequestAuthenticator& authenticator,
                 ServerMetrics& metrics, std::function<qint64()> nowMs, QObject* parent = nullptr);

    // Any request whose path starts with /v1/reconcile/.
    void handle(const ServerExchange& exchange);

    static constexpr int kMaxDays = 366;
    static constexpr qsizetype kMaxBodyBytes = 4096;

private:
    void listBatches(const ServerExchange& exchange);
    void showBatch(const ServerExchange& exchange, const QString& idText);
    void markHandled(const ServerExchange& exchange, const QString& idText);
    void refuse(const ServerExchange& exchange, int status, const Error& error);
    void unavailable(const ServerExchange& exchange, const Error& cause);

    ServerBatchStore& m_batches;
    RequestAuthenticator& m_authenticator;
    ServerMetrics& m_metrics;
    std::function<qint64()> m_nowMs;
};

} // namespace qpos::server
