#pragma once

#include "gateways/alipay/AlipaySignature.h"

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

class QNetworkAccessManager;
class QNetworkReply;

namespace qpos::sandbox {

// One delivery attempt of an asynchronous notification, for the control API and tests.
struct AlipayNotificationAttempt {
    QString notifyId;
    QString appId;
    QString outTradeNo;
    QString tradeStatus;
    QString url;
    QString variant;    // "", "duplicate", "stale" (out of order), "bad_signature"
    int attempt = 0;    // 1 for the first delivery
    int httpStatus = 0; // 0: no HTTP answer (refused, timed out)
    QByteArray answer;  // the receiver's body (first 200 bytes)
    QString error;      // the network error, if any
    bool delivered = false;
    bool gaveUp = false; // the last attempt of Alipay's schedule failed
    qint64 atMs = 0;
};

// Posts notifications to notify_url as Alipay does: a UTF-8 form, answered with exactly
// "success", otherwise retried after 4m, 10m, 10m, 1h, 2h, 6h and 15h (eight deliveries),
// each delay multiplied by the scale. Never blocks: every wait is a timer.
class AlipayNotifier : public QObject {
    Q_OBJECT

public:
    struct Notification {
        QString url;
        alipay::Params params; // signed
        QString variant;
    };

    explicit AlipayNotifier(QObject* parent = nullptr);
    ~AlipayNotifier() override;

    void setScale(double scale) { m_scale = scale; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    // `followUps` are sent once the first attempt of `notification` has finished, whatever
    // its outcome (used for duplicates and out-of-order deliveries).
    void send(const Notification& notification, const QList<Notification>& followUps = {});

    QList<AlipayNotificationAttempt> history() const { return m_history; }
    // Notifications still waiting for a retry or an answer.
    int pendingCount() const { return static_cast<int>(m_jobs.size()); }

    // Alipay's schedule, in milliseconds before scaling: the wait after attempt n (1-based).
    static QList<qint64> retrySchedule();

signals:
    void attempted(const qpos::sandbox::AlipayNotificationAttempt& attempt);

private:
    struct Job {
        int id = 0;
        Notification notification;
        QList<Notification> followUps;
        int attempt = 0;
    };

    void dispatch(int jobId);
    void finished(int jobId, QNetworkReply* reply);

    QNetworkAccessManager* m_network;
    QHash<int, Job> m_jobs;
    QList<QNetworkReply*> m_replies;
    QList<AlipayNotificationAttempt> m_history;
    double m_scale = 1.0;
    int m_timeoutMs = 15000;
    int m_nextId = 1;
};

} // namespace qpos::sandbox

Q_DECLARE_METATYPE(qpos::sandbox::AlipayNotificationAttempt)
