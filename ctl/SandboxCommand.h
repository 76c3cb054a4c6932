#pragma once

#include <QStringList>

namespace qpos::ctl {

// The sandbox as a command: parses the qpos-sandbox flags in `arguments` (arguments[0] names
// the program in messages: "qpos-sandbox" or "qposctl sandbox"), starts the simulated
// providers, prints where they listen and serves until the process is stopped. Returns the
// exit code (2 for a wrong flag). Needs a QCoreApplication; runs its event loop. Shared by
// qpos-sandbox and `qposctl sandbox`.
int runSandboxCommand(const QStringList& arguments);

} // namespace qpos::ctl
