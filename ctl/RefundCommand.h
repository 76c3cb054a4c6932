#pragma once

#include <QStringList>

namespace qpos::ctl {

class CtlContext;

// qposctl refund ORDER_NO --amount YUAN [--reason TEXT] [--pin PIN] [--json]
// A manager's refund. The manager PIN comes from --pin, QPOS_MANAGER_PIN or standard input and
// is never echoed. Exit: 0 refunded, 3 refused by the provider (or by the order's state),
// 1 error or outcome not known yet (recovery settles it), 2 usage (also: no PIN given).
int runRefundCommand(CtlContext& context, const QStringList& arguments);

} // namespace qpos::ctl
