#pragma once

#include <QByteArray>
#include <QList>

namespace qpos::bench {

// What the senders got back: one answer for each body, in the order of the bodies.
struct SentNotifications {
    QList<int> status;         // HTTP status; 0: no answer (the connection failed)
    QList<QByteArray> answers; // the answer's body
    qint64 elapsedNs = 0;      // from the first post to the last answer
    int connectionsFailed = 0;
};

// Concurrent providers: `connections` kept-alive loopback connections on a thread of their
// own, each posting the next body as soon as its previous one was answered, so exactly that
// many notifications are in flight while the server works.
class NotificationSenders {
public:
    NotificationSenders(quint16 port, QByteArray path, QByteArray contentType, int connections);

    // Posts every body once and returns when each was answered or its connection failed. The
    // calling thread's event loop keeps running meanwhile (the server under test lives there).
    SentNotifications post(const QList<QByteArray>& bodies) const;

private:
    quint16 m_port;
    QByteArray m_path;
    QByteArray m_contentType;
    int m_connections;
};

} // namespace qpos::bench
