#pragma once

#include "core/common/Result.h"

#include <QString>

namespace qpos::gateway {

// How a provider call ended. Every gateway call ends in exactly one of these; the checkout
// engine decides the order's state from it (docs/architecture.md, "Order state machine"):
//  - Success: the provider answered and the answer was verified and understood;
//  - InProgress: the provider accepted the request and is still working on it (the buyer is
//    confirming on the phone): keep querying;
//  - Refused: the provider refused for a business reason; nothing happened there;
//  - Unknown: nobody knows what happened (timeout, dropped connection, 5xx, provider busy, an
//    answer that could not be verified): only a later query resolves it.
enum class OutcomeKind {
    Success,
    InProgress,
    Refused,
    Unknown,
};

// Stable machine names: "success", "in_progress", "refused", "unknown".
QString outcomeKindName(OutcomeKind kind);

// A business refusal by the provider. `code`/`subCode` are the provider's own codes (Alipay
// "40004" / "ACQ.BUYER_BALANCE_NOT_ENOUGH"); `providerMessage` is the provider's text, for
// logs and staff; `cashierMessage` is translated, plain words a cashier can act on.
struct Refused {
    QString code;
    QString subCode;
    QString providerMessage;
    QString cashierMessage;
};

// The outcome is not known. `reason.code` is stable (see GatewayErrors.h and the providers'
// own codes); `reason.message` is translated and says what happens next.
struct Unknown {
    Error reason;
};

// The provider is still processing (Alipay 10003 on pay: the buyer is confirming).
struct InProgress {
    QString providerMessage;
    QString cashierMessage;
};

} // namespace qpos::gateway
