#pragma once

#include "ctl/CtlInvocation.h"

namespace qpos::ctl {

class CtlOutput;

// Runs one qposctl command, "sandbox" included, and returns its exit code. Needs a
// QCoreApplication. With --sandbox and no channel configured, the demo shop's simulated
// providers run in this process for the command's duration.
int runCommand(const CtlInvocation& invocation, CtlOutput& out);

} // namespace qpos::ctl
