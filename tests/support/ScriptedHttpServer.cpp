#include "tests/support/ScriptedHttpServer.h"

#include <QDateTime>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTimer>

#include <utility>

namespace qpos::test {

ScriptedAction ScriptedAction::respond(int status, QByteArray body, QByteArray contentType) {
    ScriptedAction a;
    a.kind = Kind::Respond;
    a.status = status;
    a.body = std::move(body);
    a.headers.append({"Content-Type", std::move(contentType)});
    return a;
}

ScriptedAction ScriptedAction::respondAfter(int delayMs, int status, QByteArray body) {
    ScriptedAction a = respond(status, std::move(body));
    a.delayMs = delayMs;
    return a;
}

ScriptedAction ScriptedAction::hang() {
    ScriptedAction a;
    a.kind = Kind::Hang;
    return a;
}

ScriptedAction ScriptedAction::close() {
    ScriptedAction a;
    a.kind = Kind::Close;
    return a;
}

ScriptedAction ScriptedAction::truncate(QByteArray body, qsizetype sendBytes) {
    ScriptedAction a = respond(200, std::move(body));
    a.kind = Kind::Truncate;
    a.sendBytes = sendBytes;
    return a;
}

ScriptedHttpServer::ScriptedHttpServer(QObject* parent)
    : QObject(parent)
    , m_fallback(
          ScriptedAction::respond(503, "no scripted action left for this request", "text/plain")) {
    connect(&m_server, &QTcpServer::newConnection, this, &ScriptedHttpServer::onNewConnection);
}

ScriptedHttpServer::~ScriptedHttpServer() {
    for (const QPointer<QTcpSocket>& socket : std::as_const(m_sockets)) {
        if (socket)
            socket->abort();
    }
}

bool ScriptedHttpServer::listen() {
    return m_server.listen(QHostAddress::LocalHost, 0);
}

quint16 ScriptedHttpServer::port() const {
    return m_server.serverPort();
}

QUrl ScriptedHttpServer::url(const QString& path) const {
    QUrl u;
    u.setScheme(QStringLiteral("http"));
    u.setHost(QStringLiteral("127.0.0.1"));
    u.setPort(port());
    u.setPath(path);
    return u;
}

void ScriptedHttpServer::enqueue(ScriptedAction action) {
    m_script.append(std::move(action));
}

void ScriptedHttpServer::setFallback(ScriptedAction action) {
    m_fallback = std::move(action);
}

void ScriptedHttpServer::onNewConnection() {
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        socket->setParent(this);
        m_sockets.append(socket);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_buffers.remove(socket);
            socket->deleteLater();
        });
    }
}

void ScriptedHttpServer::onReadyRead(QTcpSocket* socket) {
    QByteArray& buffer = m_buffers[socket];
    buffer += socket->readAll();
    for (;;) {
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
        RecordedRequest request;
        const QList<QByteArray> startLine = lines.value(0).trimmed().split(' ');
        request.method = startLine.value(0);
        request.target = startLine.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                request.headers.insert(lines[i].left(colon).trimmed().toLower(),
                                       lines[i].mid(colon + 1).trimmed());
        }
        const qsizetype length = request.headers.value("content-length", "0").toLongLong();
        if (buffer.size() < headEnd + 4 + length)
            return; // the body is still coming
        request.body = buffer.mid(headEnd + 4, length);
        buffer.remove(0, headEnd + 4 + length);
        request.receivedAtMs = QDateTime::currentMSecsSinceEpoch();
        m_requests.append(request);
        const ScriptedAction action = m_script.isEmpty() ? m_fallback : m_script.takeFirst();
        emit requestReceived(static_cast<int>(m_requests.size()) - 1);
        perform(socket, action);
        if (action.kind != ScriptedAction::Kind::Hang)
            return; // the connection is closed after any answer
    }
}

QByteArray ScriptedHttpServer::responseHead(const ScriptedAction& action, qsizetype contentLength) {
    QByteArray head = "HTTP/1.1 " + QByteArray::number(action.status) + " Scripted\r\n";
    for (const auto& [name, value] : action.headers)
        head += name + ": " + value + "\r\n";
    head += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    head += "Connection: close\r\n\r\n";
    return head;
}

void ScriptedHttpServer::perform(QTcpSocket* socket, const ScriptedAction& action) {
    QPointer<QTcpSocket> guard(socket);
    switch (action.kind) {
    case ScriptedAction::Kind::Hang:
        return;
    case ScriptedAction::Kind::Close:
        socket->abort();
        return;
    case ScriptedAction::Kind::Truncate:
        socket->write(responseHead(action, action.body.size()) +
                      action.body.left(action.sendBytes));
        socket->flush();
        socket->disconnectFromHost();
        return;
    case ScriptedAction::Kind::Respond:
        break;
    }
    auto answer = [guard, action] {
        if (!guard)
            return;
        guard->write(responseHead(action, action.body.size()) + action.body);
        guard->disconnectFromHost();
    };
    if (action.delayMs > 0)
        QTimer::singleShot(action.delayMs, this, answer);
    else
        answer();
}

} // namespace qpos::test
