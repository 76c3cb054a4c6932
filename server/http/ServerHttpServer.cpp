#include "server/http/ServerHttpServer.h"

#include "server/http/ConnectionGuard.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QTcpSocket>

namespace qpos::server {

namespace {

QByteArray methodName(QHttpServerRequest::Method method) {
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "OTHER";
    }
}

} // namespace

ServerHttpServer::ServerHttpServer(Handler handler, QObject* parent)
    : QAbstractHttpServer(parent)
    , m_handler(std::move(handler)) {}

ServerHttpServer::~ServerHttpServer() = default;

bool ServerHttpServer::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) {
    if (ConnectionGuard* guard = ConnectionGuard::of(socket))
        guard->requestComplete();
    // The request object is reused for the connection's next request: copy what is needed.
    ServerExchange::Request copy{methodName(request.method()), request.url(), request.headers(),
                                 request.body(), request.remoteAddress()};
    m_handler(ServerExchange(std::move(copy), makeResponder(request, socket)));
    return true;
}

void ServerHttpServer::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) {
    makeResponder(request, socket).write(QHttpServerResponder::StatusCode::NotFound);
}

} // namespace qpos::server
