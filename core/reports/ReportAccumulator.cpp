#include "core/reports/ReportAccumulator.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/orders/Channel.h"
#include "core/reports/ReportBuilder.h"
#include "core/reports/ReportPeriod.h"

namespace qpos::reports {

ReportAccumulator::ReportAccumulator(const ReportScope& scope) {
    m_report.fromDay = scope.fromDay;
    m_report.toDay = scope.toDay;
    m_report.shiftId = scope.shiftId;
    for (const Channel c : kProviderChannels)
        m_channels.insert(channelName(c), Figures{});
}

Status ReportAccumulator::checkScope(const ReportScope& scope) {
    if (scope.shiftId > 0)
        return Status::success();
    const Result<DayRange> range =
        resolvePeriod(PeriodKind::Custom, 0, china_calendar::dateOfDayNumber(scope.fromDay),
                      china_calendar::dateOfDayNumber(scope.toDay));
    return range ? Status::success() : Status(range.error());
}

void ReportAccumulator::add(int businessDay, int hour, const QString& channel,
                            const QString& cashierId, const Figures& figures) {
    m_report.total.add(figures);
    m_days[businessDay].add(figures);
    if (hour >= 0 && hour < 24)
        m_hours[hour].add(figures);
    m_channels[channel].add(figures);
    m_cashiers[cashierId].add(figures);
}

void ReportAccumulator::addRefundLine(RefundLine line) {
    m_report.refunds.append(std::move(line));
}

SalesReport ReportAccumulator::finish(const QHash<QString, QString>& cashierNames,
                                      const DrawerCounts& drawer) const {
    SalesReport report = m_report;
    for (auto it = m_channels.cbegin(); it != m_channels.cend(); ++it)
        report.channels.append(ChannelFigures{it.key(), it.value()});
    for (int h = 0; h < 24; ++h)
        report.hours.append(HourFigures{h, m_hours[h]});
    if (report.shiftId > 0) {
        for (auto it = m_days.cbegin(); it != m_days.cend(); ++it)
            report.days.append(DayFigures{it.key(), it.value()});
        if (!m_days.isEmpty()) {
            report.fromDay = m_days.firstKey();
            report.toDay = m_days.lastKey();
        }
    } else {
        const QDate last = china_calendar::dateOfDayNumber(report.toDay);
        for (QDate d = china_calendar::dateOfDayNumber(report.fromDay); d <= last;
             d = d.addDays(1)) {
            const int day = china_calendar::dayNumber(d);
            report.days.append(DayFigures{day, m_days.value(day)});
        }
    }
    for (auto it = m_cashiers.cbegin(); it != m_cashiers.cend(); ++it)
        report.cashiers.append(CashierFigures{it.key(), cashierNames.value(it.key()), it.value()});

    const Figures cash = m_channels.value(channelName(Channel::Cash));
    report.cash = cashFiguresOf(drawer.floatsFen, cash.saleFen, cash.refundFen);
    report.cash.countedFen = drawer.countedFen;
    report.cash.differenceFen = drawer.differenceFen;
    report.cash.differenceReason = drawer.differenceReason;
    return report;
}

} // namespace qpos::reports
