#include "ui/till/PaymentStatusText.h"

#include <QCoreApplication>

namespace qpos::ui::payment_status {

using checkout::CheckoutPhase;

QString progressText(CheckoutPhase phase, PaymentFlow flow) {
    const bool code = flow == PaymentFlow::PayByCode;
    switch (phase) {
    case CheckoutPhase::Creating:
        return code ? QCoreApplication::translate("qpos::ui::PaymentStatus",
                                                  "Charging the customer's code…")
                    : QCoreApplication::translate("qpos::ui::PaymentStatus",
                                                  "Creating the QR code…");
    case CheckoutPhase::Waiting:
        return code ? QCoreApplication::translate("qpos::ui::PaymentStatus",
                                                  "Charging the customer's code…")
                    : QCoreApplication::translate("qpos::ui::PaymentStatus",
                                                  "Ask the customer to scan the QR code and pay");
    case CheckoutPhase::Confirming:
        return QCoreApplication::translate("qpos::ui::PaymentStatus",
                                           "Customer is confirming on the phone");
    case CheckoutPhase::Checking:
        return QCoreApplication::translate(
            "qpos::ui::PaymentStatus",
            "The answer was lost on the way: asking the provider what happened…");
    case CheckoutPhase::Cancelling:
        return QCoreApplication::translate("qpos::ui::PaymentStatus", "Cancelling…");
    case CheckoutPhase::Paid:
    case CheckoutPhase::Cancelled:
    case CheckoutPhase::Expired:
    case CheckoutPhase::Failed:
    case CheckoutPhase::Reversed:
        break;
    }
    return finalTitle(phase, flow);
}

QString finalTitle(CheckoutPhase phase, PaymentFlow flow) {
    switch (phase) {
    case CheckoutPhase::Paid:
        return QCoreApplication::translate("qpos::ui::PaymentStatus", "PAID");
    case CheckoutPhase::Cancelled:
        return QCoreApplication::translate("qpos::ui::PaymentStatus", "Payment cancelled");
    case CheckoutPhase::Expired:
        return flow == PaymentFlow::PayByCode
                   ? QCoreApplication::translate("qpos::ui::PaymentStatus",
                                                 "The customer did not confirm in time")
                   : QCoreApplication::translate("qpos::ui::PaymentStatus", "QR code expired");
    case CheckoutPhase::Failed:
        return QCoreApplication::translate("qpos::ui::PaymentStatus", "Payment failed");
    case CheckoutPhase::Reversed:
        return QCoreApplication::translate("qpos::ui::PaymentStatus", "Payment refunded");
    case CheckoutPhase::Creating:
    case CheckoutPhase::Waiting:
    case CheckoutPhase::Confirming:
    case CheckoutPhase::Checking:
    case CheckoutPhase::Cancelling:
        break;
    }
    return progressText(phase, flow);
}

QString finalExplanation(CheckoutPhase phase, PaymentFlow) {
    switch (phase) {
    case CheckoutPhase::Paid:
        return QCoreApplication::translate("qpos::ui::PaymentStatus",
                                           "The money is received. Press Enter for the next "
                                           "customer.");
    case CheckoutPhase::Cancelled:
        return QCoreApplication::translate(
            "qpos::ui::PaymentStatus",
            "The order was closed before the customer paid. No money was taken.");
    case CheckoutPhase::Expired:
        return QCoreApplication::translate(
            "qpos::ui::PaymentStatus",
            "Nobody paid in time, so the order was closed. No money was taken. Charge again if "
            "the customer still wants to pay.");
    case CheckoutPhase::Failed:
        return QCoreApplication::translate(
            "qpos::ui::PaymentStatus",
            "No money was taken. Charge again, or ask the customer to pay another way.");
    case CheckoutPhase::Reversed:
        return QCoreApplication::translate(
            "qpos::ui::PaymentStatus",
            "The customer paid while the sale was being cancelled, so the payment was refunded "
            "at once. Charge again if the customer still wants to buy.");
    case CheckoutPhase::Creating:
    case CheckoutPhase::Waiting:
    case CheckoutPhase::Confirming:
    case CheckoutPhase::Checking:
    case CheckoutPhase::Cancelling:
        break;
    }
    return {};
}

} // namespace qpos::ui::payment_status
