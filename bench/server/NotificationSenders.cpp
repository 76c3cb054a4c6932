#include "bench/server/NotificationSenders.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTcpSocket>
#include <QThread>

#include <memory>
#include <vector>

namespace qpos::bench {

namespace {

// One kept-alive connection and the body it waits the answer of.
struct Connection {
    std::unique_ptr<QTcpSocket> socket;
    QByteArray received;
    qsizetype current = -1; // index of the body in flight; -1: none
    bool dead = false;
};

// The status and body of the first complete answer in `buffer`, which is then dropped from
// it; false while the answer is incomplete. The server always sends Content-Length.
bool takeAnswer(QByteArray& buffer, int* status, QByteArray* body, bool* malformed) {
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    const QByteArray head = buffer.left(headEnd);
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    *status = statusLine.value(1).toInt();
    qsizetype length = -1;
    for (const QByteArray& line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == "content-length")
            length = line.mid(colon + 1).trimmed().toLongLong();
    }
    if (*status == 0 || length < 0) {
        *malformed = true;
        return false;
    }
    if (buffer.size() < headEnd + 4 + length)
        return false;
    *body = buffer.mid(headEnd + 4, length);
    buffer.remove(0, headEnd + 4 + length);
    return true;
}

} // namespace

NotificationSenders::NotificationSenders(quint16 port, QByteArray path, QByteArray contentType,
                                         int connections)
    : m_port(port)
    , m_path(std::move(path))
    , m_contentType(std::move(contentType))
    , m_connections(connections) {}

SentNotifications NotificationSenders::post(const QList<QByteArray>& bodies) const {
    SentNotifications result;
    result.status = QList<int>(bodies.size(), 0);
    result.answers = QList<QByteArray>(bodies.size());

    QThread* thread = QThread::create([&] {
        QEventLoop loop;
        std::vector<std::unique_ptr<Connection>> connections;
        qsizetype nextBody = 0;
        qsizetype finished = 0;
        int openConnections = 0;
        auto done = [&] {
            if (finished == bodies.size() || openConnections == 0)
                loop.quit();
        };
        auto sendNext = [&](Connection& c) {
            if (nextBody >= bodies.size()) {
                c.current = -1;
                return;
            }
            c.current = nextBody++;
            const QByteArray& body = bodies.at(c.current);
            c.socket->write(
                "POST " + m_path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port) +
                "\r\nContent-Type: " + m_contentType +
                "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        };
        auto fail = [&](Connection& c) {
            if (c.dead)
                return;
            c.dead = true;
            if (c.current >= 0)
                ++finished; // unanswered: status stays 0
            c.current = -1;
            c.received.clear();
            --openConnections;
            ++result.connectionsFailed;
            c.socket->abort();
            done();
        };
        for (int i = 0; i < m_connections; ++i) {
            auto c = std::make_unique<Connection>();
            c->socket = std::make_unique<QTcpSocket>();
            c->socket->connectToHost(QHostAddress::LocalHost, m_port);
            if (!c->socket->waitForConnected(10000)) {
                ++result.connectionsFailed;
                continue;
            }
            c->socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            Connection* raw = c.get();
            QObject::connect(raw->socket.get(), &QTcpSocket::readyRead, [&, raw] {
                raw->received += raw->socket->readAll();
                int status = 0;
                QByteArray body;
                bool malformed = false;
                while (raw->current >= 0 && takeAnswer(raw->received, &status, &body, &malformed)) {
                    result.status[raw->current] = status;
                    result.answers[raw->current] = body;
                    ++finished;
                    sendNext(*raw);
                }
                if (malformed)
                    fail(*raw);
                done();
            });
            QObject::connect(raw->socket.get(), &QTcpSocket::disconnected, [&, raw] {
                if (raw->current >= 0)
                    fail(*raw);
            });
            ++openConnections;
            connections.push_back(std::move(c));
        }
        QElapsedTimer timer;
        timer.start();
        for (const auto& c : connections)
            sendNext(*c);
        if (openConnections > 0 && !bodies.isEmpty())
            loop.exec();
        result.elapsedNs = timer.nsecsElapsed();
    });
    QEventLoop wait;
    QObject::connect(thread, &QThread::finished, &wait, &QEventLoop::quit);
    thread->start();
    wait.exec();
    thread->wait();
    delete thread;
    return result;
}

} // namespace qpos::bench
