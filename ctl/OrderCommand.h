#pragma once

#include <QStringList>

namespace qpos::ctl {

class CtlContext;

// qposctl order ORDER_NO [--json]: one order with its event history and refunds. Reads the
// database directly. JSON: {"order":{...}, "events":[...], "refunds":[...]}.
int runOrderCommand(CtlContext& context, const QStringList& arguments);

} // namespace qpos::ctl
