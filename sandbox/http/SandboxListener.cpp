#include "sandbox/http/SandboxListener.h"

#include "core/logging/LogCategories.h"

#include <QLoggingCategory>
#include <QSslSocket>
#include <QTimer>

namespace qpos::sandbox {

namespace {

// Runs `serve` after the set-up delay (at once without one).
template <typename Serve>
void afterSetUpDelay(QObject* listener, const ConnectionOptions& options, Serve serve) {
    if (options.setupDelayMs <= 0) {
        serve();
        return;
    }
    QTimer::singleShot(options.setupDelayMs, listener, serve);
}

// Closes `socket` once it has been idle for the timeout: the clock runs from the last answer
// written (or the connection's start) and stops while a request is in.
void closeWhenIdle(QTcpSocket* socket, const ConnectionOptions* options, ConnectionCounts* counts) {
    if (!socket)
        return;
    auto* idle = new QTimer(socket);
    idle->setSingleShot(true);
    auto restart = [idle, options] {
        if (options->idleTimeoutMs > 0)
            idle->start(options->idleTimeoutMs);
    };
    QObject::connect(socket, &QIODevice::readyRead, idle, &QTimer::stop);
    QObject::connect(socket, &QIODevice::bytesWritten, idle, restart);
    QObject::connect(idle, &QTimer::timeout, socket, [socket, counts] {
        if (socket->bytesAvailable() > 0 || socket->bytesToWrite() > 0)
            return;
        ++counts->idleClosed;
        socket->disconnectFromHost();
    });
    restart();
}

} // namespace

TcpListener::TcpListener(const ConnectionOptions* options, ConnectionCounts* counts,
                         QObject* parent)
    : QTcpServer(parent)
    , m_options(options)
    , m_counts(counts) {}

void TcpListener::incomingConnection(qintptr handle) {
    ++m_counts->connections;
    afterSetUpDelay(this, *m_options, [this, handle] { QTcpServer::incomingConnection(handle); });
}

QTcpSocket* TcpListener::nextPendingConnection() {
    QTcpSocket* socket = QTcpServer::nextPendingConnection();
    closeWhenIdle(socket, m_options, m_counts);
    return socket;
}

TlsListener::TlsListener(const QSslConfiguration& tls, const ConnectionOptions* options,
                         ConnectionCounts* counts, QObject* parent)
    : QSslServer(parent)
    , m_options(options)
    , m_counts(counts) {
    setSslConfiguration(tls);
    // QSslServer queues a connection only once its handshake succeeded.
    connect(this, &QTcpServer::pendingConnectionAvailable, this,
            [this] { ++m_counts->handshakes; });
    connect(this, &QSslServer::errorOccurred, this,
            [this](QSslSocket*, QAbstractSocket::SocketError error) {
                ++m_counts->failedHandshakes;
                qCInfo(lcSandbox) << "a TLS handshake failed:" << error;
            });
}

void TlsListener::incomingConnection(qintptr handle) {
    ++m_counts->connections;
    afterSetUpDelay(this, *m_options, [this, handle] { QSslServer::incomingConnection(handle); });
}

} // namespace qpos::sandbox

namespace qpos::sandbox {

QTcpSocket* TlsListener::nextPendingConnection() {
    QTcpSocket* socket = QSslServer::nextPendingConnection();
    closeWhenIdle(socket, m_options, m_counts);
    return socket;
}

} // namespace qpos::sandbox
