#pragma once

#include "core/common/Result.h"

#include <QDate>

namespace qpos::reports {

// The periods a manager picks from. Weeks start on Monday, as calendars in China do.
enum class PeriodKind { Today, Yesterday, ThisWeek, ThisMonth, Custom };

// Business days, yyyyMMdd, inclusive.
struct DayRange {
    int fromDay = 0;
    int toDay = 0;
};

// The longest range a report covers: a year, leap day included.
inline constexpr int kMaxReportDays = 366;

// The China dates of `kind` as of `nowUtcMs`; `from` and `to` are used for Custom only and
// must be valid, in order, and at most kMaxReportDays long.
Result<DayRange> resolvePeriod(PeriodKind kind, qint64 nowUtcMs, QDate from = {}, QDate to = {});

} // namespace qpos::reports
