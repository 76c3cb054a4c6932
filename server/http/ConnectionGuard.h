#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTimer>

#include <functional>

class QTcpSocket;

namespace qpos::server {

// A refusal written straight to the socket before Qt's HTTP server has the request.
struct GuardRefusal {
    int status = 400;
    QString code;
    QString message;
};

// What a connection may do before it is closed.
struct ConnectionLimits {
    qsizetype maxHeadBytes = 16 * 1024; // request line and headers
    qsizetype maxBodyBytes = 64 * 1024;
    int requestTimeoutMs = 10000; // from a request's first byte to its last
    int idleTimeoutMs = 60000;    // between requests on a kept-alive connection
};

// Watches one connection ahead of Qt's HTTP server, which in 6.4 reads any request in full
// and has no limits of its own: it refuses a request whose head or body is too large
// (431/413) as soon as that is known, closes a client that is too slow (408) or idle, and
// hands a WebSocket upgrade request to `upgradeCheck` before Qt turns it into a WebSocket, so
// a refused upgrade is answered with a plain 401 and no WebSocket ever exists. It must be
// installed before the HTTP server connects to the socket, so that it sees each read first.
class ConnectionGuard : public QObject {
    Q_OBJECT

public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    // Empty: let the upgrade through; otherwise the refusal.
    using UpgradeCheck = std::function<std::optional<GuardRefusal>(
        const QByteArray& method, const QByteArray& target, const Headers& headers)>;
    using RefusalCounter = std::function<void(const GuardRefusal&)>;

    ConnectionGuard(QTcpSocket* socket, ConnectionLimits limits, UpgradeCheck upgradeCheck,
                    RefusalCounter counter);

    // The guard installed on `socket`, if any.
    static ConnectionGuard* of(QTcpSocket* socket);

    // Qt's server has the whole request: the next bytes start another one.
    void requestComplete();

private:
    void onReadyRead();
    void onTimeout();
    void inspectHead();
    void refuse(const GuardRefusal& refusal);

    QPointer<QTcpSocket> m_socket;
    ConnectionLimits m_limits;
    UpgradeCheck m_upgradeCheck;
    RefusalCounter m_counter;
    QTimer m_timer;
    QByteArray m_head; // the current request's bytes until its head is complete
    bool m_inRequest = false;
    bool m_headComplete = false;
    qsizetype m_headSize = 0;
    qsizetype m_requestBytes = 0;
    qint64 m_contentLength = 0;
    bool m_closing = false;
    bool m_upgraded = false;
};

} // namespace qpos::server
