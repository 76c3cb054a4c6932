#pragma once

#include "core/common/Result.h"
#include "core/gateways/PaymentNotification.h"

class QLoggingCategory;

namespace qpos::gateway {

// The verifier's verdict on a notification, with a refusal logged at warning in the
// provider's category: its code, and its message redacted.
Result<PaymentNotification> loggedNotificationVerdict(const QLoggingCategory& (*log)(),
                                                      Result<PaymentNotification> verified);

} // namespace qpos::gateway
