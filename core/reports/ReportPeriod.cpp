#include "core/reports/ReportPeriod.h"

#include "core/calendar/ChinaCalendar.h"

#include <QCoreApplication>

namespace qpos::reports {

Result<DayRange> resolvePeriod(PeriodKind kind, qint64 nowUtcMs, QDate from, QDate to) {
    const QDate today = china_calendar::dateOf(nowUtcMs);
    switch (kind) {
    case PeriodKind::Today:
        break;
    case PeriodKind::Yesterday:
        from = to = today.addDays(-1);
        return DayRange{china_calendar::dayNumber(from), china_calendar::dayNumber(to)};
    case PeriodKind::ThisWeek:
        from = today.addDays(1 - today.dayOfWeek());
        return DayRange{china_calendar::dayNumber(from), china_calendar::dayNumber(today)};
    case PeriodKind::ThisMonth:
        from = QDate(today.year(), today.month(), 1);
        return DayRange{china_calendar::dayNumber(from), china_calendar::dayNumber(today)};
    case PeriodKind::Custom:
        if (!from.isValid() || !to.isValid())
            return Error{QStringLiteral("report.dates"),
                         QCoreApplication::translate("qpos::reports::ReportPeriod",
                                                     "Choose both the first and the last day "
                                                     "of the report.")};
        if (from > to)
            return Error{QStringLiteral("report.dates_order"),
                         QCoreApplication::translate(
                             "qpos::reports::ReportPeriod",
                             "The first day (%1) is after the last day (%2): swap them.")
                             .arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate))};
        if (from.daysTo(to) + 1 > kMaxReportDays)
            return Error{QStringLiteral("report.dates_long"),
                         QCoreApplication::translate(
                             "qpos::reports::ReportPeriod",
                             "A report covers at most %1 days; %2 to %3 is %4. Choose a "
                             "shorter range.")
                             .arg(kMaxReportDays)
                             .arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate))
                             .arg(from.daysTo(to) + 1)};
        return DayRange{china_calendar::dayNumber(from), china_calendar::dayNumber(to)};
    }
    return DayRange{china_calendar::dayNumber(today), china_calendar::dayNumber(today)};
}

} // namespace qpos::reports
