#pragma once

#include "core/orders/Channel.h"

#include <QString>

namespace qpos::ui::channel_style {

// Each wallet's own colour, so the cashier and the customer see at a glance which app to
// open: Alipay blue, WeChat Pay green.
QString colour(Channel channel);
// The key that charges the channel's QR on the sale screen: F1 Alipay, F2 WeChat Pay.
QString qrShortcut(Channel channel);
// What the customer does with the QR, in plain words ("Open WeChat and scan").
QString scanHint(Channel channel);

} // namespace qpos::ui::channel_style
