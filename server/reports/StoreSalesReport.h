#pragma once

#include "core/common/Result.h"
#include "core/reports/ReportBuilder.h"
#include "core/reports/SalesReport.h"

namespace qpos::server {

class ServerStore;

// The sales report of every till of the store (docs/reports.md, "The whole store"), from what
// the tills uploaded: each paid order as a sale at its payment time, each refund that moved money
// at the till's time of it, fed to the same reports::ReportAccumulator as the till's own report,
// by the order's cashier, each refund with who approved it and why, as the tills uploaded them
// (empty from older tills). Cashiers are listed by id: the staff lists, and so the names, are
// each till's own. The server keeps no shifts, so the drawer has no float or count. A range of
// days only.
Result<reports::SalesReport> buildStoreSalesReport(ServerStore& store,
                                                   const reports::ReportScope& scope);

} // namespace qpos::server
