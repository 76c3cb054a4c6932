#pragma once

#include "core/common/Result.h"
#include "server/http/ServerExchange.h"

#include <QObject>

#include <functional>

namespace qpos::server {

class RequestAuthenticator;
class ServerMetrics;
class ServerStore;

// The tills' authenticated HTTP requests (docs/server-protocol.md): POST /v1/enroll confirms
// an enrollment once; POST /v1/sync stores an outbox batch once per (terminal, seq), moves the
// server's copy of each order forward only, and answers with the highest stored seq and the
// server's clock after the commit. A terminal acts only on its own orders.
class TillRequests : public QObject {
    Q_OBJECT

public:
    TillRequests(ServerStore& store, RequestAuthenticator& authenticator, ServerMetrics& metrics,
                 std::function<qint64()> nowMs, QObject* parent = nullptr);

    void enroll(const ServerExchange& exchange);
    void sync(const ServerExchange& exchange);

signals:
    // A batch was stored for this terminal.
    void synced(qint64 terminalRowId);

private:
    void refuse(const ServerExchange& exchange, int status, const Error& error);

    ServerStore& m_store;
    RequestAuthenticator& m_authenticator;
    ServerMetrics& m_metrics;
    std::function<qint64()> m_nowMs;
};

} // namespace qpos::server
