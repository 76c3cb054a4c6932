#pragma once

#include "sandbox/notify/NotificationAttempt.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace qpos::sandbox {

// Posts notifications to their notify_url and retries the failed ones on a provider's
// schedule (each wait multiplied by the scale). What a provider decides is given to it: the
// schedule, what answer counts as received, and per message its body and headers. Never
// blocks: every wait is a timer.
class NotificationDelivery : public QObject {
    Q_OBJECT

public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    struct Message {
        QString url;
        QString variant;
        QByteArray contentType;
        QByteArray body;
        // Headers made afresh for every attempt (a signature over a new timestamp); optional.
        std::function<Headers(const QByteArray& body)> headers;
        // Told the outcome of every attempt of this message.
        std::function<void(const NotificationAttempt& attempt)> attempted;
    };

    struct Policy {
        // The wait after attempt n (1-based) in milliseconds before scaling.
        QList<qint64> retrySchedule;
        // Whether the receiver's answer means it took the notification.
        std::function<bool(int httpStatus, const QByteArray& answer)> accepts;
    };

    explicit NotificationDelivery(Policy policy, QObject* parent = nullptr);
    ~NotificationDelivery() override;

    void setScale(double scale) { m_scale = scale; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    // `followUps` are sent once the first attempt of `message` has finished, whatever its
    // outcome (duplicates and out-of-order deliveries).
    void send(const Message& message, const QList<Message>& followUps = {});

    // Messages still waiting for a retry or an answer.
    int pendingCount() const { return static_cast<int>(m_jobs.size()); }

protected:
    // send() for a provider's own notifications, each turned into a message by `toMessage`.
    template <typename Notification, typename ToMessage>
    void sendEach(const Notification& first, const QList<Notification>& followUps,
                  ToMessage toMessage) {
        QList<Message> next;
        for (const Notification& n : followUps)
            next.append(toMessage(n));
        send(toMessage(first), next);
    }

    // Adds a provider's record of an attempt to its history, which keeps the last 500 for the
    // control API and tests.
    template <typename Attempt>
    static void remember(QList<Attempt>& history, const Attempt& attempt) {
        history.append(attempt);
        if (history.size() > 500)
            history.removeFirst();
    }

private:
    struct Job {
        Message message;
        QList<Message> followUps;
        int attempt = 0;
    };

    void dispatch(int jobId);
    void finished(int jobId, QNetworkReply* reply);

    Policy m_policy;
    QNetworkAccessManager* m_network;
    QHash<int, Job> m_jobs;
    QList<QNetworkReply*> m_replies;
    double m_scale = 1.0;
    int m_timeoutMs = 15000;
    int m_nextId = 1;
};

} // namespace qpos::sandbox
