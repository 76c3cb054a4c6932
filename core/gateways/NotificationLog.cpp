#include "core/gateways/NotificationLog.h"

#include "core/logging/Redactor.h"

#include <QLoggingCategory>

namespace qpos::gateway {

Result<PaymentNotification> loggedNotificationVerdict(const QLoggingCategory& (*log)(),
                                                      Result<PaymentNotification> verified) {
    if (!verified)
        qCWarning(log).noquote() << QStringLiteral("notification refused: %1 (%2)")
                                        .arg(verified.error().code,
                                             Redactor::redact(verified.error().message));
    return verified;
}

} // namespace qpos::gateway
