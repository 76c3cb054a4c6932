#pragma once

#include "core/common/Result.h"
#include "server/http/ServerExchange.h"

#include <QObject>

namespace qpos::server {

class RequestAuthenticator;
class ServerMetrics;
class ServerStore;

// The managers' store-wide report (docs/server.md, "Reports"), authenticated by a till's
// terminal credentials like /v1/sync: GET /v1/reports/sales?from=yyyy-MM-dd&to=yyyy-MM-dd
// answers 200 {"report":{…}} with reports::toJson of every till's sales of those China days (at
// most 366), computed by buildStoreSalesReport.
class ReportsApi : public QObject {
    Q_OBJECT

public:
    ReportsApi(ServerStore& store, RequestAuthenticator& authenticator, ServerMetrics& metrics,
               QObject* parent = nullptr);

    // Any request whose path starts with /v1/reports/.
    void handle(const ServerExchange& exchange);

private:
    void salesReport(const ServerExchange& exchange);
    void refuse(const ServerExchange& exchange, int status, const Error& error);

    ServerStore& m_store;
    RequestAuthenticator& m_authenticator;
    ServerMetrics& m_metrics;
};

} // namespace qpos::server
