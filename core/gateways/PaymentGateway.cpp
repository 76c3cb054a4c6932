#include "core/gateways/PaymentGateway.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <utility>

namespace qpos::gateway {

PaymentGateway::~PaymentGateway() = default;

void PaymentGateway::verifyNotificationLater(
    const IncomingNotification& notification, NotificationOrderLookup lookup, QObject* context,
    std::function<void(Result<PaymentNotification>)> done) {
    deliverNotificationVerdict(context, std::move(done), verifyNotification(notification, lookup));
}

void deliverNotificationVerdict(QObject* context,
                                std::function<void(Result<PaymentNotification>)> done,
                                Result<PaymentNotification> verdict) {
    QPointer<QObject> target(context);
    const bool anyThread = context == nullptr;
    auto call = [target, anyThread, done = std::move(done), verdict = std::move(verdict)] {
        if (anyThread || target)
            done(verdict);
    };
    if (context)
        QMetaObject::invokeMethod(context, std::move(call), Qt::QueuedConnection);
    else
        QTimer::singleShot(0, std::move(call));
}

} // namespace qpos::gateway
