#include "sandbox/wechat/WechatNotifier.h"

#include "core/logging/LogCategories.h"

namespace qpos::sandbox {

WechatNotifier::WechatNotifier(QObject* parent)
    : NotificationDelivery({retrySchedule(),
                            // WeChat takes any 2xx (204 or 200) as received.
                            [](int httpStatus, const QByteArray&) {
                                return httpStatus >= 200 && httpStatus < 300;
                            }},
                           parent) {}

WechatNotifier::~WechatNotifier() = default;

QList<qint64> WechatNotifier::retrySchedule() {
    constexpr qint64 second = 1000;
    constexpr qint64 minute = 60 * second;
    constexpr qint64 hour = 60 * minute;
    return {15 * second, 15 * second, 30 * second, 3 * minute,  10 * minute,
            20 * minute, 30 * minute, 30 * minute, 30 * minute, 60 * minute,
            3 * hour,    3 * hour,    3 * hour,    6 * hour,    6 * hour};
}

void WechatNotifier::send(const Notification& notification, const QList<Notification>& followUps) {
    auto message = [this](const Notification& n) {
        auto headers = [sign = n.sign](const QByteArray& body) {
            Headers h{{"Accept", "*/*"},
                      {"User-Agent", "Mozilla/4.0"},
                      {"Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048"}};
            if (sign)
                h.append(sign(body));
            return h;
        };
        return NotificationDelivery::Message{n.url,
                                             n.variant,
                                             QByteArrayLiteral("application/json"),
                                             n.body,
                                             headers,
                                             [this, n](const NotificationAttempt& outcome) {
                                                 record(n, outcome);
                                             }};
    };
    sendEach(notification, followUps, message);
}

void WechatNotifier::record(const Notification& n, const NotificationAttempt& outcome) {
    WechatNotificationAttempt a;
    static_cast<NotificationAttempt&>(a) = outcome;
    a.id = n.id;
    a.mchId = n.mchId;
    a.outTradeNo = n.outTradeNo;
    a.outRefundNo = n.outRefundNo;
    a.eventType = n.eventType;
    qCDebug(lcSandbox).noquote() << "wechat notification" << a.id << a.eventType << "attempt"
                                 << a.attempt << "->" << a.httpStatus
                                 << (a.delivered ? "delivered" : "not delivered");
    remember(m_history, a);
    emit attempted(a);
}

} // namespace qpos::sandbox
