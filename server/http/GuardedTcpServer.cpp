#include "server/http/GuardedTcpServer.h"

#include <QSslSocket>
#include <QTcpSocket>

#include <utility>

namespace qpos::server {

GuardedTcpServer::GuardedTcpServer(GuardFactory guard, QObject* parent)
    : QTcpServer(parent)
    , m_guard(std::move(guard)) {}

void GuardedTcpServer::incomingConnection(qintptr descriptor) {
    auto* socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    m_guard(socket);
    addPendingConnection(socket);
}

GuardedSslServer::GuardedSslServer(const QSslConfiguration& tls, int handshakeTimeoutMs,
                                   GuardFactory guard, QObject* parent)
    : QSslServer(parent)
    , m_guard(std::move(guard)) {
    setSslConfiguration(tls);
    setHandshakeTimeout(handshakeTimeoutMs);
    connect(this, &QSslServer::startedEncryptionHandshake, this,
            [this](QSslSocket* socket) { m_guard(socket); });
}

} // namespace qpos::server
