#pragma once

#include "core/common/Result.h"
#include "server/config/ServerConfig.h"
#include "server/http/ConnectionGuard.h"
#include "server/http/ServerExchange.h"
#include "server/metrics/ServerMetrics.h"
#include "server/notify/ProviderVerifiers.h"

#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace qpos::server {

class LinkHub;
class NotificationIntake;
class ReconcileApi;
class ReportsApi;
class RequestAuthenticator;
class ServerBatchStore;
class ServerHttpServer;
class ServerStore;
class TillRequests;

// The store backend on one port: the providers' notifications, health and metrics, the
// tills' enrollment and uploads, and their push links. Everything runs on the thread that
// made it; the store is used only from there.
class QposServer : public QObject {
    Q_OBJECT

public:
    struct Options {
        QHostAddress address = QHostAddress::LocalHost;
        quint16 port = 0; // 0: any free port (tests)
        std::optional<QSslConfiguration> tls;
        ConnectionLimits limits;
        qint64 rotateGraceMs = 86400 * 1000LL;
        int linkIdleMs = 90 * 1000; // a push link silent this long is closed
        QString certificatePath;    // [server] tls_cert, for enrollment codes
        QUrl publicUrl;
        std::function<qint64()> nowMs; // empty: the system clock
    };

    QposServer(std::unique_ptr<ServerStore> store, ProviderVerifiers verifiers, Options options,
               QObject* parent = nullptr);
    ~QposServer() override;

    // The options of a configuration file's [server] section.
    static Options optionsFrom(const ServerConfig& config, std::optional<QSslConfiguration> tls);

    // Opens the store and listens. Errors name the address or the database and what to do.
    Status start();
    quint16 port() const { return m_port; }

    ServerStore& store() { return *m_store; }
    ServerBatchStore& batches() { return *m_batches; }
    ServerMetrics& metrics() { return m_metrics; }
    // Sends a linked till what was queued for it meanwhile (a settle request of a reconciliation
    // run in this process).
    void deliverPending(qint64 terminalRowId);

private:
    void route(const ServerExchange& exchange);
    void health(const ServerExchange& exchange);
    void metricsPage(const ServerExchange& exchange);
    void installGuard(QTcpSocket* socket);
    std::optional<GuardRefusal> checkUpgrade(const QByteArray& method, const QByteArray& target,
                                             const ConnectionGuard::Headers& headers);
    qint64 now() const;

    std::unique_ptr<ServerStore> m_store;
    Options m_options;
    ServerMetrics m_metrics;
    std::unique_ptr<RequestAuthenticator> m_authenticator;
    std::unique_ptr<ServerBatchStore> m_batches;
    ServerHttpServer* m_http = nullptr;
    NotificationIntake* m_intake = nullptr;
    TillRequests* m_tills = nullptr;
    LinkHub* m_links = nullptr;
    ReconcileApi* m_reconcile = nullptr;
    ReportsApi* m_reports = nullptr;
    quint16 m_port = 0;
};

} // namespace qpos::server
