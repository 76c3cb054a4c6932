#pragma once

#include "sandbox/http/ConnectionOptions.h"

#include <QSslConfiguration>
#include <QSslServer>
#include <QTcpServer>

namespace qpos::sandbox {

// The sandbox's listening sockets, handed to its HTTP server with bind(). They count every
// connection and TLS handshake, and hold each new connection for the set-up delay before it
// is served (options are read live, so the control API can change the delay), and close a
// kept-alive connection that stays idle (no request being answered) for the idle timeout.

class TcpListener : public QTcpServer {
public:
    TcpListener(const ConnectionOptions* options, ConnectionCounts* counts, QObject* parent);

    QTcpSocket* nextPendingConnection() override;

protected:
    void incomingConnection(qintptr handle) override;

private:
    const ConnectionOptions* m_options;
    ConnectionCounts* m_counts;
};

class TlsListener : public QSslServer {
public:
    TlsListener(const QSslConfiguration& tls, const ConnectionOptions* options,
                ConnectionCounts* counts, QObject* parent);

    QTcpSocket* nextPendingConnection() override;

protected:
    void incomingConnection(qintptr handle) override;

private:
    const ConnectionOptions* m_options;
    ConnectionCounts* m_counts;
};

} // namespace qpos::sandbox
