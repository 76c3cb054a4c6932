#pragma once

#include "ctl/CtlContext.h"
#include "ctl/CtlInvocation.h"

namespace qpos::ctl {

class CtlOutput;

// Runs one qposctl command (every command but "sandbox", which the program wires to the
// sandbox library itself) and returns its exit code. Needs a QCoreApplication. `demo` starts
// the demo shop's simulated providers for --sandbox (see CtlContext::setDemoProviders()); the
// providers it starts must outlive this call.
int runCommand(const CtlInvocation& invocation, CtlOutput& out, DemoProvidersStarter demo = {});

} // namespace qpos::ctl
