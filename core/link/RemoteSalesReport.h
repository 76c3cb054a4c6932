#pragma once

#include "core/link/StoreServerHttp.h"
#include "core/reports/ReportBuilder.h"
#include "core/reports/SalesReport.h"

#include <functional>

namespace qpos::link {

// Asks the store server for the sales report of every till of the store over a range of China
// days (GET /v1/reports/sales, docs/server-protocol.md, "Reports") and reads the answer strictly:
// the days asked, every section present, 24 hours, every day of the range, and totals that add
// up by channel, by hour and by day; anything else is link.unreadable_answer, never a part of a
// report. `done` runs in the thread of `http`.
void fetchStoreSalesReport(StoreServerHttp& http, const reports::ReportScope& scope,
                           std::function<void(const Result<reports::SalesReport>&)> done);

// A year of a store: a year of days, the refunds listed one by one.
inline constexpr qint64 kMaxReportBytes = 16 * 1024 * 1024;

// The reading above, on its own (the answer's body).
Result<reports::SalesReport> readStoreSalesReport(const QByteArray& body,
                                                  const reports::ReportScope& scope);

} // namespace qpos::link
