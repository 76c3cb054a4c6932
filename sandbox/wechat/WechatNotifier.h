#pragma once

#include "sandbox/notify/NotificationAttempt.h"
#include "sandbox/notify/NotificationDelivery.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <functional>

namespace qpos::sandbox {

// One delivery attempt of a WeChat Pay notification, for the control API and tests.
struct WechatNotificationAttempt : NotificationAttempt {
    QString id; // the notification's id (the same for every attempt and duplicate)
    QString mchId;
    QString outTradeNo;
    QString outRefundNo;
    QString eventType; // TRANSACTION.SUCCESS, REFUND.SUCCESS
};

// Posts notifications to notify_url as WeChat Pay does: the JSON envelope with Wechatpay-*
// headers signed afresh for every attempt; a 2xx answer ends it, anything else is retried
// after 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h and 6h (each wait
// multiplied by the scale). Never blocks: every wait is a timer.
class WechatNotifier : public NotificationDelivery {
    Q_OBJECT

public:
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

    // `followUps` are sent once the first attempt of `notification` has finished, whatever
    // its outcome (duplicates and out-of-order deliveries).
    void send(const Notification& notification, const QList<Notification>& followUps = {});

    QList<WechatNotificationAttempt> history() const { return m_history; }

    // WeChat's schedule in milliseconds before scaling: the wait after attempt n (1-based).
    static QList<qint64> retrySchedule();

signals:
    void attempted(const qpos::sandbox::WechatNotificationAttempt& attempt);

private:
    void record(const Notification& notification, const NotificationAttempt& outcome);

    QList<WechatNotificationAttempt> m_history;
};

} // namespace qpos::sandbox

Q_DECLARE_METATYPE(qpos::sandbox::WechatNotificationAttempt)
