#pragma once

#include <QStringList>

namespace qpos::ctl {

class CtlContext;

// qposctl doctor [--offline] [--json]: checks the configuration (every error and warning), the
// key files (present, private ones 0600 or stricter, parse), the order database (opens, schema
// version, quick integrity check, writable), the staff, the log directory and, unless
// --offline, that every enabled provider answers and accepts the keys (GatewayProbe). One line
// per check: OK, WARN or FAIL with what to do. Exit 1 on any FAIL. Changes nothing.
int runDoctorCommand(CtlContext& context, const QStringList& arguments);

} // namespace qpos::ctl
