#pragma once

#include "server/http/ServerExchange.h"

#include <QAbstractHttpServer>

#include <functional>

namespace qpos::server {

// Qt's HTTP server with one handler for every request. Qt HttpServer 6.4 lets the responder
// leave the call, so an answer can wait for the commit of what the request changed.
class ServerHttpServer : public QAbstractHttpServer {
    Q_OBJECT

public:
    using Handler = std::function<void(ServerExchange)>;

    explicit ServerHttpServer(Handler handler, QObject* parent = nullptr);
    ~ServerHttpServer() override;

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    Handler m_handler;
};

} // namespace qpos::server
