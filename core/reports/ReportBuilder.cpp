#include "core/reports/ReportBuilder.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/orders/Channel.h"
#include "core/reports/ReportPeriod.h"
#include "core/storage/Database.h"

#include <QCoreApplication>
#include <QHash>
#include <QMap>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

namespace qpos::reports {

namespace {

Error readError(const QSqlQuery& q) {
    return databaseError(
        QCoreApplication::translate("qpos::reports::ReportBuilder", "reading the report"),
        q.lastError().text());
}

Status checkScope(const ReportScope& scope) {
    if (scope.shiftId > 0)
        return Status::success();
    const Result<DayRange> range =
        resolvePeriod(PeriodKind::Custom, 0, china_calendar::dateOfDayNumber(scope.fromDay),
                      china_calendar::dateOfDayNumber(scope.toDay));
    return range ? Status::success() : Status(range.error());
}

// The drawer's figures: the floats and counts of the shift (or of the shifts opened on the
// range's days) beside the cash channel's sales and refunds.
Status fillCash(Database& db, const ReportScope& scope, const Figures& cashChannel,
                SalesReport& report) {
    QSqlQuery shifts(db.handle());
    shifts.prepare(
        QStringLiteral("SELECT id, opening_float_fen, expected_cash_fen, counted_cash_fen, "
                       "cash_difference_reason FROM shifts WHERE %1 ORDER BY id")
            .arg(scope.shiftId > 0 ? QStringLiteral("id = ?")
                                   : QStringLiteral("opened_at_ms >= ? AND opened_at_ms < ?")));
    if (scope.shiftId > 0) {
        shifts.bindValue(0, scope.shiftId);
    } else {
        shifts.bindValue(
            0, china_calendar::dayStartMs(china_calendar::dateOfDayNumber(scope.fromDay)));
        shifts.bindValue(1, china_calendar::dayEndMs(china_calendar::dateOfDayNumber(scope.toDay)));
    }
    shifts.setForwardOnly(true);
    if (!shifts.exec())
        return readError(shifts);
    money::Fen floats = 0;
    std::optional<money::Fen> counted;
    std::optional<money::Fen> difference;
    QStringList reasons;
    while (shifts.next()) {
        floats += shifts.value(1).toLongLong(); // NULL: no float
        if (shifts.value(3).isNull())
            continue;
        const money::Fen shiftCounted = shifts.value(3).toLongLong();
        counted = counted.value_or(0) + shiftCounted;
        difference = difference.value_or(0) + shiftCounted - shifts.value(2).toLongLong();
        const QString reason = shifts.value(4).toString();
        if (!reason.isEmpty())
            reasons
                << (scope.shiftId > 0
                        ? reason
                        : QStringLiteral("#%1: %2").arg(shifts.value(0).toLongLong()).arg(reason));
    }
    report.cash = cashFiguresOf(floats, cashChannel.saleFen, cashChannel.refundFen);
    report.cash.countedFen = counted;
    report.cash.differenceFen = difference;
    report.cash.differenceReason = reasons.join(QStringLiteral("; "));
    return Status::success();
}

} // namespace

Result<SalesReport> buildSalesReport(Database& db, const ReportScope& scope) {
    if (!db.isOpen())
        return Error{QStringLiteral("db.closed"),
                     QCoreApplication::translate("qpos::reports::ReportBuilder",
                                                 "The order database is not open.")};
    if (Status s = checkScope(scope); !s.ok())
        return s.error();

    SalesReport report;
    report.fromDay = scope.fromDay;
    report.toDay = scope.toDay;
    report.shiftId = scope.shiftId;

    // The filter is one of two fixed fragments; every value is bound.
    const bool byShift = scope.shiftId > 0;
    QSqlQuery totals(db.handle());
    totals.prepare(
        QStringLiteral("SELECT business_day, hour, channel, cashier_id, SUM(sale_count), "
                       "SUM(sale_fen), SUM(refund_count), SUM(refund_fen) FROM report_totals "
                       "WHERE %1 GROUP BY business_day, hour, channel, cashier_id")
            .arg(byShift ? QStringLiteral("shift_id = ?")
                         : QStringLiteral("business_day BETWEEN ? AND ?")));
    totals.bindValue(0, byShift ? QVariant(scope.shiftId) : QVariant(scope.fromDay));
    if (!byShift)
        totals.bindValue(1, scope.toDay);
    totals.setForwardOnly(true);
    if (!totals.exec())
        return readError(totals);

    QMap<QString, Figures> channels;
    for (const Channel c : kProviderChannels)
        channels.insert(channelName(c), Figures{});
    QMap<QString, Figures> cashiers;
    QMap<int, Figures> days;
    Figures hours[24];
    while (totals.next()) {
        Figures f;
        f.saleCount = totals.value(4).toLongLong();
        f.saleFen = totals.value(5).toLongLong();
        f.refundCount = totals.value(6).toLongLong();
        f.refundFen = totals.value(7).toLongLong();
        const int day = totals.value(0).toInt();
        const int hour = totals.value(1).toInt();
        report.total.add(f);
        days[day].add(f);
        if (hour >= 0 && hour < 24)
            hours[hour].add(f);
        channels[totals.value(2).toString()].add(f);
        cashiers[totals.value(3).toString()].add(f);
    }
    totals.finish();

    for (auto it = channels.cbegin(); it != channels.cend(); ++it)
        report.channels.append(ChannelFigures{it.key(), it.value()});
    for (int h = 0; h < 24; ++h)
        report.hours.append(HourFigures{h, hours[h]});
    if (byShift) {
        for (auto it = days.cbegin(); it != days.cend(); ++it)
            report.days.append(DayFigures{it.key(), it.value()});
        if (!days.isEmpty()) {
            report.fromDay = days.firstKey();
            report.toDay = days.lastKey();
        }
    } else {
        const QDate last = china_calendar::dateOfDayNumber(scope.toDay);
        for (QDate d = china_calendar::dateOfDayNumber(scope.fromDay); d <= last;
             d = d.addDays(1)) {
            const int day = china_calendar::dayNumber(d);
            report.days.append(DayFigures{day, days.value(day)});
        }
    }

    if (Status s = fillCash(db, scope, channels.value(channelName(Channel::Cash)), report); !s.ok())
        return s.error();

    QSqlQuery staff(db.handle());
    staff.setForwardOnly(true);
    if (!staff.exec(QStringLiteral("SELECT id, name FROM staff")))
        return readError(staff);
    QHash<QString, QString> names;
    while (staff.next())
        names.insert(staff.value(0).toString(), staff.value(1).toString());
    for (auto it = cashiers.cbegin(); it != cashiers.cend(); ++it)
        report.cashiers.append(CashierFigures{it.key(), names.value(it.key()), it.value()});

    QSqlQuery refunds(db.handle());
    refunds.prepare(
        QStringLiteral("SELECT r.at_ms, r.business_day, o.out_trade_no, r.channel, "
                       "r.cashier_id, r.amount_fen, r.approved_by, r.reason "
                       "FROM report_refunds r JOIN orders o ON o.id = r.order_id WHERE %1 "
                       "ORDER BY r.id")
            .arg(byShift ? QStringLiteral("r.shift_id = ?")
                         : QStringLiteral("r.business_day BETWEEN ? AND ?")));
    refunds.bindValue(0, byShift ? QVariant(scope.shiftId) : QVariant(scope.fromDay));
    if (!byShift)
        refunds.bindValue(1, scope.toDay);
    refunds.setForwardOnly(true);
    if (!refunds.exec())
        return readError(refunds);
    while (refunds.next()) {
        RefundLine l;
        l.atMs = refunds.value(0).toLongLong();
        l.businessDay = refunds.value(1).toInt();
        l.outTradeNo = refunds.value(2).toString();
        l.channel = refunds.value(3).toString();
        l.cashierId = refunds.value(4).toString();
        l.amountFen = refunds.value(5).toLongLong();
        l.approvedBy = refunds.value(6).toString();
        l.reason = refunds.value(7).toString();
        report.refunds.append(l);
    }
    return report;
}

} // namespace qpos::reports
