#pragma once

#include "sandbox/http/HttpExchange.h"

#include <QAbstractHttpServer>

#include <functional>

namespace qpos::sandbox {

// The sandbox's HTTP/1.1 listener. Qt HttpServer 6.4 hands handleRequest() the client's
// socket itself, and its responder can be moved out of the call and written later; that is
// what the fault modes need (checked against 6.4.2: an answer delayed by a timer, a request
// never answered, a connection closed without an answer after the handler ran). So no
// hand-written HTTP parser is needed; every request goes to one handler as an HttpExchange.
class SandboxHttpServer : public QAbstractHttpServer {
    Q_OBJECT

public:
    using Handler = std::function<void(HttpExchange)>;

    explicit SandboxHttpServer(Handler handler, QObject* parent = nullptr);
    ~SandboxHttpServer() override;

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    Handler m_handler;
};

} // namespace qpos::sandbox
