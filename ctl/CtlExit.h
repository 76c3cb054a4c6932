#pragma once

namespace qpos::ctl {

// qposctl's exit codes, documented in docs/qposctl.md: scripts branch on them.
enum ExitCode : int {
    kExitOk = 0,      // done; for charge: paid
    kExitError = 1,   // something went wrong (configuration, database, provider unreachable)
    kExitUsage = 2,   // the command line is wrong; nothing was done
    kExitNotPaid = 3, // charge: cancelled, expired, failed or reversed; refund: refused
};

} // namespace qpos::ctl
