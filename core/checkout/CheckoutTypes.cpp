#include "core/checkout/CheckoutTypes.h"

namespace qpos::checkout {

QString checkoutPhaseName(CheckoutPhase phase) {
    switch (phase) {
    case CheckoutPhase::Creating:
        return QStringLiteral("creating");
    case CheckoutPhase::Waiting:
        return QStringLiteral("waiting");
    case CheckoutPhase::Confirming:
        return QStringLiteral("confirming");
    case CheckoutPhase::Checking:
        return QStringLiteral("checking");
    case CheckoutPhase::Cancelling:
        return QStringLiteral("cancelling");
    case CheckoutPhase::Paid:
        return QStringLiteral("paid");
    case CheckoutPhase::Cancelled:
        return QStringLiteral("cancelled");
    case CheckoutPhase::Expired:
        return QStringLiteral("expired");
    case CheckoutPhase::Failed:
        return QStringLiteral("failed");
    case CheckoutPhase::Reversed:
        return QStringLiteral("reversed");
    }
    return QStringLiteral("unknown");
}

bool isFinalPhase(CheckoutPhase phase) {
    switch (phase) {
    case CheckoutPhase::Paid:
    case CheckoutPhase::Cancelled:
    case CheckoutPhase::Expired:
    case CheckoutPhase::Failed:
    case CheckoutPhase::Reversed:
        return true;
    case CheckoutPhase::Creating:
    case CheckoutPhase::Waiting:
    case CheckoutPhase::Confirming:
    case CheckoutPhase::Checking:
    case CheckoutPhase::Cancelling:
        break;
    }
    return false;
}

} // namespace qpos::checkout
