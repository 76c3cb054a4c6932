#pragma once

#include <QStringList>

namespace qpos::ctl {

class CtlContext;

// qposctl staff add --id ID --name NAME --role cashier|manager [--pin PIN]
// qposctl staff list [--json]
// qposctl staff remove ID
// Manages the till's staff in the order database (no gateway, no recovery). A PIN comes from
// --pin, QPOS_STAFF_PIN or standard input and is stored only as a slow hash.
int runStaffCommand(CtlContext& context, const QStringList& arguments);

} // namespace qpos::ctl
