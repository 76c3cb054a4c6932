#pragma once

#include "core/orders/Channel.h"
#include "core/orders/OrderState.h"

#include <QString>

namespace qpos::ui {

// Translated words for the order details that core names only by machine name.
QString transitionSourceLabel(TransitionSource source); // "Poll" -> "Provider query"
QString paymentFlowLabel(PaymentFlow flow);             // "QR code" / "Payment code"

} // namespace qpos::ui
