#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTcpServer>
#include <QUrl>

class QTcpSocket;

namespace qpos::test {

// What the scripted server does with one incoming request.
struct ScriptedAction {
    enum class Kind {
        Respond,  // answer (after `delayMs`)
        Hang,     // read the request, never answer, keep the connection open
        Close,    // read the request, close the connection without a byte of answer
        Truncate, // announce the full Content-Length, send `sendBytes` of the body, close
    };
    Kind kind = Kind::Respond;
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    int delayMs = 0;
    qsizetype sendBytes = 0;

    static ScriptedAction respond(int status, QByteArray body,
                                  QByteArray contentType = "application/json;charset=utf-8");
    static ScriptedAction respondAfter(int delayMs, int status, QByteArray body);
    static ScriptedAction hang();
    static ScriptedAction close();
    static ScriptedAction truncate(QByteArray body, qsizetype sendBytes);
};

// One request as the server received it.
struct RecordedRequest {
    QByteArray method;
    QByteArray target;                    // path and query
    QMap<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;
    qint64 receivedAtMs = 0; // QDateTime::currentMSecsSinceEpoch()
};

// A loopback HTTP/1.1 server for client tests: it listens on 127.0.0.1 on a free port, and
// answers each incoming request with the next scripted action (in order of arrival),
// recording every request so a test can check what the client sent. When the script runs
// out, the fallback action is used (by default a 503 whose body says so, so an unscripted
// request shows up as a failure, not a hang). Every answer carries "Connection: close", so
// each request arrives on its own connection. Lives in the test's thread.
class ScriptedHttpServer : public QObject {
    Q_OBJECT

public:
    explicit ScriptedHttpServer(QObject* parent = nullptr);
    ~ScriptedHttpServer() override;

    bool listen();
    quint16 port() const;
    QUrl url(const QString& path = QStringLiteral("/gateway.do")) const;

    void enqueue(ScriptedAction action);
    void setFallback(ScriptedAction action);
    int pendingActions() const { return static_cast<int>(m_script.size()); }

    const QList<RecordedRequest>& requests() const { return m_requests; }
    int requestCount() const { return static_cast<int>(m_requests.size()); }
    void clearRequests() { m_requests.clear(); }

signals:
    void requestReceived(int index);

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket* socket);
    void perform(QTcpSocket* socket, const ScriptedAction& action);
    static QByteArray responseHead(const ScriptedAction& action, qsizetype contentLength);

    QTcpServer m_server;
    QList<ScriptedAction> m_script;
    ScriptedAction m_fallback;
    QList<RecordedRequest> m_requests;
    QMap<QTcpSocket*, QByteArray> m_buffers;
    QList<QPointer<QTcpSocket>> m_sockets;
};

} // namespace qpos::test
