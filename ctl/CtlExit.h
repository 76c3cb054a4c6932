#pragma once

namespace qpos::ctl {

// qposctl's exit codes, documented in docs/qposctl.md: scripts branch on them.
enum ExitCode : int {
    kExitOk = 0,      // done; for charge: paid
    kExitError = 1,   // something went wrong (configuration, database, provider unreachable)
    kExitUsage = 2,   // the command line is wrong; nothing was done
    kExitNotPaid = 3, // charge: cancelled, expired, failed or reversed; refund: refused
    kExitOpenDifferences = 4, // reconcile: a bill was matched and some differences are open
    kExitBillNotReady = 5,    // reconcile: a bill is not made yet, or overdue
};

} // namespace qpos::ctl
