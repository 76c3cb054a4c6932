#pragma once

#include "server/http/ConnectionGuard.h"

#include <QSslConfiguration>
#include <QSslServer>
#include <QTcpServer>

#include <functional>
#include <optional>

namespace qpos::server {

// Installs a ConnectionGuard on every accepted socket before the HTTP server takes it.
using GuardFactory = std::function<void(QTcpSocket* socket)>;

// Plain HTTP (behind a reverse proxy, or on loopback).
class GuardedTcpServer : public QTcpServer {
    Q_OBJECT

public:
    explicit GuardedTcpServer(GuardFactory guard, QObject* parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    GuardFactory m_guard;
};

// HTTPS served directly: the guard goes on when the TLS handshake starts, before Qt's server
// sees the connection; a handshake not done within the request timeout is dropped.
class GuardedSslServer : public QSslServer {
    Q_OBJECT

public:
    GuardedSslServer(const QSslConfiguration& tls, int handshakeTimeoutMs, GuardFactory guard,
                     QObject* parent = nullptr);

private:
    GuardFactory m_guard;
};

} // namespace qpos::server
