#include "server/QposServer.h"

#include "core/logging/LogCategories.h"
#include "server/auth/RequestAuthenticator.h"
#include "server/http/GuardedTcpServer.h"
#include "server/http/ServerHttpServer.h"
#include "server/link/LinkHub.h"
#include "server/notify/NotificationIntake.h"
#include "server/reconcile/ReconcileApi.h"
#include "server/reconcile/ServerBatchStore.h"
#include "server/reconcile/SettleRequests.h"
#include "server/reports/ReportsApi.h"
#include "server/storage/ServerStore.h"
#include "server/sync/TillRequests.h"

#include <QCoreApplication>
#include <QDateTime>

#include <utility>

namespace qpos::server {

QposServer::QposServer(std::unique_ptr<ServerStore> store, ProviderVerifiers verifiers,
                       Options options, QObject* parent)
    : QObject(parent)
    , m_store(std::move(store))
    , m_options(std::move(options)) {
    m_http = new ServerHttpServer([this](ServerExchange exchange) { route(exchange); }, this);
    m_intake = new NotificationIntake(
        *m_store, std::move(verifiers), m_metrics, [this] { return now(); }, this);
    m_authenticator = std::make_unique<RequestAuthenticator>(*m_store, [this] { return now(); });
    m_tills = new TillRequests(
        *m_store, *m_authenticator, m_metrics, [this] { return now(); }, this);
    m_batches = std::make_unique<ServerBatchStore>(*m_store);
    m_reconcile = new ReconcileApi(
        *m_batches, *m_authenticator, m_metrics, [this] { return now(); }, this);
    m_reports = new ReportsApi(*m_store, *m_authenticator, m_metrics, this);
    m_links = new LinkHub(
        *m_store, m_metrics, m_options.linkIdleMs, [this] { return now(); }, this);
    connect(m_intake, &NotificationIntake::relayQueued, m_links, &LinkHub::deliverPending);
    connect(m_http, &ServerHttpServer::newWebSocketConnection, m_links, [this] {
        while (m_http->hasPendingWebSocketConnections())
            m_links->adopt(m_http->nextPendingWebSocketConnection());
    });
}

QposServer::~QposServer() = default;

QposServer::Options QposServer::optionsFrom(const ServerConfig& config,
                                            std::optional<QSslConfiguration> tls) {
    Options o;
    o.address = config.listenAddress;
    o.port = config.listenPort;
    o.tls = std::move(tls);
    o.limits.requestTimeoutMs = config.requestTimeoutS * 1000;
    o.rotateGraceMs = qint64(config.rotateGraceS) * 1000;
    o.certificatePath = config.tlsCertPath;
    o.publicUrl = QUrl(config.publicUrl);
    return o;
}

qint64 QposServer::now() const {
    return m_options.nowMs ? m_options.nowMs() : QDateTime::currentMSecsSinceEpoch();
}

Status QposServer::start() {
    if (Status opened = m_store->open(); !opened)
        return opened;
    // Notifications another instance took for a till linked to this one (PostgreSQL).
    if (Status watching = m_store->watchRelays(
            [this](qint64 terminalRowId) { m_links->deliverPending(terminalRowId); });
        !watching)
        return watching;
    auto guard = [this](QTcpSocket* socket) {
        installGuard(socket);
    };
    QTcpServer* listener = nullptr;
    if (m_options.tls)
        listener = new GuardedSslServer(*m_options.tls, m_options.limits.requestTimeoutMs, guard);
    else
        listener = new GuardedTcpServer(guard);
    if (!listener->listen(m_options.address, m_options.port)) {
        const Error error{QStringLiteral("server.listen"),
                          tr("Cannot listen on %1 port %2: %3. Choose another [server] listen "
                             "address or stop the program that holds it.")
                              .arg(m_options.address.toString())
                              .arg(m_options.port)
                              .arg(listener->errorString())};
        delete listener;
        return error;
    }
    m_port = listener->serverPort();
    m_http->bind(listener);
    qCInfo(lcServer).noquote() << "listening on" << m_options.address.toString() << "port" << m_port
                               << (m_options.tls ? "(HTTPS)" : "(plain HTTP)");
    return Status::success();
}

void QposServer::installGuard(QTcpSocket* socket) {
    new ConnectionGuard(
        socket, m_options.limits,
        [this](const QByteArray& method, const QByteArray& target,
               const ConnectionGuard::Headers& headers) {
            return checkUpgrade(method, target, headers);
        },
        [this](const GuardRefusal& refusal) { m_metrics.countRefusal(refusal.code); });
}

std::optional<GuardRefusal> QposServer::checkUpgrade(const QByteArray& method,
                                                     const QByteArray& target,
                                                     const ConnectionGuard::Headers& headers) {
    // Refused here, the upgrade gets a plain HTTP answer and no WebSocket ever exists.
    if (QUrl(QString::fromLatin1(target)).path() != u"/v1/link" || method != "GET") {
        m_metrics.countRefusal(QStringLiteral("http.not_found"));
        return GuardRefusal{404, QStringLiteral("http.not_found"),
                            tr("There is no WebSocket endpoint at %1; the push link is GET "
                               "/v1/link.")
                                .arg(QString::fromLatin1(target))};
    }
    QByteArray authorization;
    for (const auto& [name, value] : headers) {
        if (name == "authorization")
            authorization = value;
    }
    auto verdict = m_authenticator->authenticate(authorization, method, target, QByteArray());
    if (const AuthRefusal* refused = std::get_if<AuthRefusal>(&verdict)) {
        m_metrics.countRefusal(refused->error.code);
        qCWarning(lcServer).noquote() << "push link refused:" << refused->error.code;
        return GuardRefusal{refused->status, refused->error.code, refused->error.message};
    }
    return std::nullopt;
}

void QposServer::route(const ServerExchange& exchange) {
    const QString path = exchange.path();
    const QByteArray method = exchange.method();
    auto only = [&](const char* allowed) {
        if (method == allowed)
            return true;
        m_metrics.countRefusal(QStringLiteral("http.method"));
        exchange.replyError(
            405, QStringLiteral("http.method"),
            tr("%1 takes only %2 requests.").arg(path, QString::fromLatin1(allowed)));
        return false;
    };
    if (path == u"/notify/alipay") {
        if (only("POST"))
            m_intake->takeAlipay(exchange);
    } else if (path == u"/notify/wechat") {
        if (only("POST"))
            m_intake->takeWechat(exchange);
    } else if (path == u"/v1/link") {
        // Qt 6.4 hands an upgrade request to this handler before its WebSocket server takes
        // the socket: it must not be answered here (the guard already checked it).
        if (exchange.header("upgrade").compare("websocket", Qt::CaseInsensitive) != 0)
            exchange.replyError(400, QStringLiteral("link.not_websocket"),
                                tr("/v1/link is the push link: open it as a WebSocket."));
    } else if (path == u"/v1/enroll") {
        if (only("POST"))
            m_tills->enroll(exchange);
    } else if (path == u"/v1/sync") {
        if (only("POST"))
            m_tills->sync(exchange);
    } else if (path.startsWith(u"/v1/reconcile/")) {
        m_reconcile->handle(exchange);
    } else if (path.startsWith(u"/v1/reports/")) {
        m_reports->handle(exchange);
    } else if (path == u"/healthz") {
        if (only("GET"))
            health(exchange);
    } else if (path == u"/metrics") {
        if (only("GET"))
            metricsPage(exchange);
    } else {
        m_metrics.countRefusal(QStringLiteral("http.not_found"));
        exchange.replyError(
            404, QStringLiteral("http.not_found"),
            tr("There is nothing at %1; see docs/server.md for the endpoints.").arg(path));
    }
}

void QposServer::health(const ServerExchange& exchange) {
    if (Status alive = m_store->ping(); !alive) {
        qCWarning(lcServer).noquote() << "health check failed:" << alive.error().message;
        return exchange.reply(503, "text/plain", QByteArrayLiteral("database unreachable\n"));
    }
    exchange.reply(200, "text/plain", QByteArrayLiteral("ok"));
}

void QposServer::metricsPage(const ServerExchange& exchange) {
    Result<QList<QPair<QString, qint64>>> lag = m_store->awaitingOrdersByTerminal();
    Result<ServerMetrics::BatchCounts> batches = m_batches->countsByState();
    if (!batches)
        qCWarning(lcServer).noquote()
            << "metrics: reconciliation batches not read:" << batches.error().message;
    Result<ServerMetrics::TerminalCounts> settles = SettleRequests(*m_store).pendingByTerminal();
    if (!settles)
        qCWarning(lcServer).noquote()
            << "metrics: settle requests not read:" << settles.error().message;
    exchange.reply(200, "text/plain; version=0.0.4",
                   m_metrics.render(lag ? *lag : ServerMetrics::TerminalCounts(),
                                    batches ? std::optional(*batches) : std::nullopt,
                                    settles ? std::optional(*settles) : std::nullopt));
}

void QposServer::deliverPending(qint64 terminalRowId) {
    if (m_links)
        m_links->deliverPending(terminalRowId);
}

} // namespace qpos::server
