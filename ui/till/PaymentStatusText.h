#pragma once

#include "core/checkout/CheckoutTypes.h"
#include "core/orders/Order.h"

#include <QString>

namespace qpos::ui::payment_status {

// What the payment dialog says about a checkout, in plain words for the cashier.

// While it runs: "Waiting for the customer to scan and pay", "Cancelling…", ...
QString progressText(checkout::CheckoutPhase phase, PaymentFlow flow);
// The headline of a final phase: "PAID", "Payment cancelled", ...
QString finalTitle(checkout::CheckoutPhase phase, PaymentFlow flow);
// What a final phase means for the money ("No money was taken.").
QString finalExplanation(checkout::CheckoutPhase phase, PaymentFlow flow);

} // namespace qpos::ui::payment_status
