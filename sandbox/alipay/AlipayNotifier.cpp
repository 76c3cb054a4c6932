#include "sandbox/alipay/AlipayNotifier.h"

#include "core/logging/LogCategories.h"

namespace qpos::sandbox {

AlipayNotifier::AlipayNotifier(QObject* parent)
    : NotificationDelivery(
          {retrySchedule(),
           // Alipay wants exactly "success"; anything else, even with a 200, is a failure.
           [](int httpStatus, const QByteArray& answer) {
               return httpStatus == 200 && answer == "success";
           }},
          parent) {}

AlipayNotifier::~AlipayNotifier() = default;

QList<qint64> AlipayNotifier::retrySchedule() {
    constexpr qint64 minute = 60 * 1000;
    return {4 * minute,   10 * minute,  10 * minute, 60 * minute,
            120 * minute, 360 * minute, 900 * minute};
}

void AlipayNotifier::send(const Notification& notification, const QList<Notification>& followUps) {
    auto message = [this](const Notification& n) {
        return NotificationDelivery::Message{
            n.url,
            n.variant,
            QByteArrayLiteral("application/x-www-form-urlencoded; charset=utf-8"),
            alipay::formBody(n.params),
            {},
            [this, n](const NotificationAttempt& outcome) {
                record(n, outcome);
            }};
    };
    sendEach(notification, followUps, message);
}

void AlipayNotifier::record(const Notification& notification, const NotificationAttempt& outcome) {
    const alipay::Params& p = notification.params;
    AlipayNotificationAttempt a;
    static_cast<NotificationAttempt&>(a) = outcome;
    a.notifyId = p.value(QStringLiteral("notify_id"));
    a.appId = p.value(QStringLiteral("app_id"));
    a.outTradeNo = p.value(QStringLiteral("out_trade_no"));
    a.tradeStatus = p.value(QStringLiteral("trade_status"));
    qCDebug(lcSandbox).noquote() << "alipay notification" << a.notifyId << a.tradeStatus
                                 << "attempt" << a.attempt << "->" << a.httpStatus
                                 << (a.delivered ? "delivered" : "not delivered");
    remember(m_history, a);
    emit attempted(a);
}

} // namespace qpos::sandbox
