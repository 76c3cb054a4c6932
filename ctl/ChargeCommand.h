#pragma once

#include <QStringList>

namespace qpos::ctl {

class CtlContext;

// qposctl charge --channel alipay|wechat --amount 12.34 [--subject TEXT] [--cashier ID]
//                [--wait SECONDS] [--json]
//
// Writes the order, has the provider issue a QR code, prints the order number and the QR
// code's text at once; with --wait, waits for the payment. When the wait runs out or on
// Ctrl+C/SIGTERM, the order is cancelled at the provider and the provider's answer decides the
// final state (a payment that raced the cancel is refunded by it). Without --wait the order
// stays open (waiting for the buyer); the till's next recovery settles it.
// Exit: 0 paid, 3 cancelled/expired/failed/reversed, 1 error (also: outcome not known yet),
// 2 usage (nothing written).
int runChargeCommand(CtlContext& context, const QStringList& arguments);

} // namespace qpos::ctl
