#pragma once

// A sandbox fault for a test: one kind on one method, for a number of matching requests.

#include "sandbox/faults/FaultRule.h"

namespace qpos::test {

// `remaining` -1: every matching request until the plan is cleared.
inline sandbox::FaultRule faultRule(sandbox::FaultKind kind, const QString& method,
                                    int remaining = 1) {
    sandbox::FaultRule r;
    r.kind = kind;
    r.method = method;
    r.remaining = remaining;
    return r;
}

} // namespace qpos::test
