#pragma once

#include "core/gateways/alipay/AlipaySignature.h"
#include "sandbox/notify/NotificationAttempt.h"
#include "sandbox/notify/NotificationDelivery.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

namespace qpos::sandbox {

// One delivery attempt of an asynchronous notification, for the control API and tests.
struct AlipayNotificationAttempt : NotificationAttempt {
    QString notifyId;
    QString appId;
    QString outTradeNo;
    QString tradeStatus;
};

// Posts notifications to notify_url as Alipay does: a UTF-8 form, answered with exactly
// "success", otherwise retried after 4m, 10m, 10m, 1h, 2h, 6h and 15h (eight deliveries),
// each delay multiplied by the scale. Never blocks: every wait is a timer.
class AlipayNotifier : public NotificationDelivery {
    Q_OBJECT

public:
    struct Notification {
        QString url;
        alipay::Params params; // signed
        QString variant;
    };

    explicit AlipayNotifier(QObject* parent = nullptr);
    ~AlipayNotifier() override;

    // `followUps` are sent once the first attempt of `notification` has finished, whatever
    // its outcome (used for duplicates and out-of-order deliveries).
    void send(const Notification& notification, const QList<Notification>& followUps = {});

    QList<AlipayNotificationAttempt> history() const { return m_history; }

    // Alipay's schedule, in milliseconds before scaling: the wait after attempt n (1-based).
    static QList<qint64> retrySchedule();

signals:
    void attempted(const qpos::sandbox::AlipayNotificationAttempt& attempt);

private:
    void record(const Notification& notification, const NotificationAttempt& outcome);

    QList<AlipayNotificationAttempt> m_history;
};

} // namespace qpos::sandbox

Q_DECLARE_METATYPE(qpos::sandbox::AlipayNotificationAttempt)
