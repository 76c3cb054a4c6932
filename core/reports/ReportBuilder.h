#pragma once

#include "core/common/Result.h"
#include "core/reports/SalesReport.h"

namespace qpos {
class Database;
}

namespace qpos::reports {

// What a report covers: business days, or one shift (then the days are ignored).
struct ReportScope {
    int fromDay = 0; // yyyyMMdd, inclusive
    int toDay = 0;
    qint64 shiftId = 0;
};

// The one report function (docs/reports.md): every figure of the reports window, the CSV
// and PDF exports, printing and the X and Z reports comes from here. It reads the report
// tables kept with each order change (schema 6) through their indexes, never the orders.
// Runs on the thread that owns `db`.
Result<SalesReport> buildSalesReport(Database& db, const ReportScope& scope);

} // namespace qpos::reports
