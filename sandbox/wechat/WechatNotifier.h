#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPair>
#include <QString>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace qpos::sandbox {

// One delivery attempt of a WeChat Pay notification, for the control API and tests.
struct WechatNotificationAttempt {
    QString id; // the notification's id (the same for every attempt and duplicate)
    QString mchId;
    QString outTradeNo;
    QString outRefundNo;
    QString eventType; // TRANSACTION.SUCCESS, REFUND.SUCCESS
    QString url;
    QString variant;    // "", "duplicate", "stale" (out of order), "bad_signature"
    int attempt = 0;    // 1 for the first delivery
    int httpStatus = 0; // 0: no HTTP answer (refused, timed out)
    QByteArray answer;  // the receiver's body (first 200 bytes)
    QString error;      // the network error, if any
    bool delivered = false;
    bool gaveUp = false; // the last attempt of the schedule failed
    qint64 atMs = 0;
};

// Posts notifications to notify_url as WeChat Pay does: the JSON envelope with Wechatpay-*
// headers signed afresh for every attempt; a 2xx answer ends it, anything else is retried
// after 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h and 6h (each wait
// multiplied by the scale). Never blocks: every wait is a timer.
class WechatNotifier : public QObject {
    Q_OBJECT

public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    struct Notification {
        QString url;
        QByteArray body;
        QString id;
        QString mchId;
        QString outTradeNo;
        QString outRefundNo;
        QString eventType;
        QString variant;
        // Signs the body at the moment of sending: the Wechatpay-* headers.
        std::function<Headers(const QByteArray& body)> sign;
    };

    explicit WechatNotifier(QObject* parent = nullptr);
    ~WechatNotifier() override;

    void setScale(double scale) { m_scale = scale; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    // `followUps` are sent once the first attempt of `notification` has finished, whatever
    // its outcome (duplicates and out-of-order deliveries).
    void send(const Notification& notification, const QList<Notification>& followUps = {});

    QList<WechatNotificationAttempt> history() const { return m_history; }
    int pendingCount() const { return static_cast<int>(m_jobs.size()); }

    // WeChat's schedule in milliseconds before scaling: the wait after attempt n (1-based).
    static QList<qint64> retrySchedule();

signals:
    void attempted(const qpos::sandbox::WechatNotificationAttempt& attempt);

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
    QList<WechatNotificationAttempt> m_history;
    double m_scale = 1.0;
    int m_timeoutMs = 15000;
    int m_nextId = 1;
};

} // namespace qpos::sandbox

Q_DECLARE_METATYPE(qpos::sandbox::WechatNotificationAttempt)
