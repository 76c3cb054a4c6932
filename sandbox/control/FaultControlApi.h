#pragma once

#include "sandbox/faults/FaultPlan.h"
#include "sandbox/http/HttpExchange.h"

#include <QJsonArray>

namespace qpos::sandbox {

// The sandbox's fault switches under /sandbox/faults: GET lists the rules and the fault kinds,
// POST adds one rule, an array of them or {"faults": [...]}, DELETE clears them all and
// DELETE /sandbox/faults/<id> removes one. JSON in, JSON out; see docs/sandbox.md.
namespace fault_control {

QJsonArray rulesJson(const FaultPlan& plan);

// Handles a request whose path starts with /sandbox/faults.
void handle(FaultPlan& plan, const HttpExchange& exchange);

} // namespace fault_control
} // namespace qpos::sandbox
