#pragma once

#include <QStringList>

namespace qpos::ctl {

class CtlContext;

// qposctl recover [--json]: settles every order and refund an earlier run left open, by asking
// the provider, exactly as the till does when it starts. Exit: 0 all settled, 1 some still open
// (the provider could not be asked) or error.
// JSON: {"examined":N, "settled":N, "unresolved":N, "lines":[...]}.
int runRecoverCommand(CtlContext& context, const QStringList& arguments);

} // namespace qpos::ctl
