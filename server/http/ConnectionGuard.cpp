#include "server/http/ConnectionGuard.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

#include <utility>

namespace qpos::server {

namespace {

QByteArray reasonPhrase(int status) {
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 408:
        return "Request Timeout";
    case 413:
        return "Payload Too Large";
    case 431:
        return "Request Header Fields Too Large";
    default:
        return "Error";
    }
}

} // namespace

ConnectionGuard::ConnectionGuard(QTcpSocket* socket, ConnectionLimits limits,
                                 UpgradeCheck upgradeCheck, RefusalCounter counter)
    : QObject(socket)
    , m_socket(socket)
    , m_limits(limits)
    , m_upgradeCheck(std::move(upgradeCheck))
    , m_counter(std::move(counter)) {
    setObjectName(QStringLiteral("qpos-connection-guard"));
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ConnectionGuard::onTimeout);
    connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::onReadyRead);
    m_timer.start(m_limits.idleTimeoutMs);
}

ConnectionGuard* ConnectionGuard::of(QTcpSocket* socket) {
    return socket ? socket->findChild<ConnectionGuard*>(QStringLiteral("qpos-connection-guard"),
                                                        Qt::FindDirectChildrenOnly)
                  : nullptr;
}

void ConnectionGuard::requestComplete() {
    m_inRequest = false;
    m_headComplete = false;
    m_head.clear();
    m_requestBytes = 0;
    if (!m_closing && !m_upgraded)
        m_timer.start(m_limits.idleTimeoutMs);
}

void ConnectionGuard::onReadyRead() {
    if (!m_socket || m_upgraded)
        return;
    if (m_closing) {
        m_socket->readAll(); // nothing more reaches the HTTP server
        return;
    }
    // Qt's server has read everything before this signal (inside its transaction), so what
    // is available now arrived since the last one.
    const qint64 fresh = m_socket->bytesAvailable();
    if (fresh <= 0)
        return;
    if (!m_inRequest) {
        m_inRequest = true;
        m_timer.start(m_limits.requestTimeoutMs);
    }
    m_requestBytes += fresh;
    if (!m_headComplete) {
        m_head += m_socket->peek(fresh);
        inspectHead();
        if (m_closing || m_upgraded)
            return;
    }
    if (m_headComplete && m_requestBytes - m_headSize > m_limits.maxBodyBytes)
        refuse({413, QStringLiteral("http.too_large"),
                tr("The request body is larger than %1 bytes and was refused; send less.")
                    .arg(m_limits.maxBodyBytes)});
}

void ConnectionGuard::inspectHead() {
    const qsizetype end = m_head.indexOf("\r\n\r\n");
    if (end < 0) {
        if (m_head.size() > m_limits.maxHeadBytes)
            refuse({431, QStringLiteral("http.head_too_large"),
                    tr("The request's headers are larger than %1 bytes and were refused.")
                        .arg(m_limits.maxHeadBytes)});
        return;
    }
    if (end > m_limits.maxHeadBytes)
        return refuse({431, QStringLiteral("http.head_too_large"),
                       tr("The request's headers are larger than %1 bytes and were refused.")
                           .arg(m_limits.maxHeadBytes)});
    m_headComplete = true;
    m_headSize = end + 4;
    const QList<QByteArray> lines = m_head.left(end).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    Headers headers;
    bool upgrade = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = lines.at(i).left(colon).trimmed().toLower();
        const QByteArray value = lines.at(i).mid(colon + 1).trimmed();
        headers.append({name, value});
        if (name == "content-length") {
            bool ok = false;
            m_contentLength = value.toLongLong(&ok);
            if (!ok || m_contentLength < 0)
                return refuse({400, QStringLiteral("http.bad_length"),
                               tr("The request's Content-Length is not a number.")});
        }
        if (name == "upgrade" && value.compare("websocket", Qt::CaseInsensitive) == 0)
            upgrade = true;
    }
    if (m_contentLength > m_limits.maxBodyBytes)
        return refuse({413, QStringLiteral("http.too_large"),
                       tr("The request body is larger than %1 bytes and was refused; send less.")
                           .arg(m_limits.maxBodyBytes)});
    if (upgrade) {
        std::optional<GuardRefusal> refused =
            m_upgradeCheck ? m_upgradeCheck(requestLine.value(0), requestLine.value(1), headers)
                           : std::make_optional(GuardRefusal{
                                 404, QStringLiteral("http.no_websocket"),
                                 tr("This server takes no WebSocket connections here.")});
        if (refused)
            return refuse(*refused);
        // Qt hands the socket to its WebSocket server now; the link's own rules apply there.
        m_upgraded = true;
        m_timer.stop();
        disconnect(m_socket, nullptr, this, nullptr);
    }
}

void ConnectionGuard::onTimeout() {
    if (!m_socket || m_closing || m_upgraded)
        return;
    if (!m_inRequest) {
        m_closing = true;
        m_socket->disconnectFromHost(); // idle: closed quietly
        return;
    }
    refuse({408, QStringLiteral("http.timeout"),
            tr("The request did not arrive in full within %1 s and was dropped.")
                .arg(m_limits.requestTimeoutMs / 1000)});
}

void ConnectionGuard::refuse(const GuardRefusal& refusal) {
    if (!m_socket || m_closing)
        return;
    m_closing = true;
    m_timer.stop();
    if (m_counter)
        m_counter(refusal);
    m_socket->readAll(); // the HTTP server never sees the rest of this request
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("code"), refusal.code},
                                                      {QStringLiteral("message"), refusal.message}})
                                .toJson(QJsonDocument::Compact);
    QByteArray answer =
        "HTTP/1.1 " + QByteArray::number(refusal.status) + ' ' + reasonPhrase(refusal.status) +
        "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body;
    m_socket->write(answer);
    m_socket->disconnectFromHost();
}

} // namespace qpos::server
