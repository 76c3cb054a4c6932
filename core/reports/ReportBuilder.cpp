#include "core/reports/ReportBuilder.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/reports/ReportAccumulator.h"
#include "core/storage/Database.h"

#include <QCoreApplication>
#include <QHash>
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

// The drawer's floats and counts: the shift's, or those of the shifts opened on the range's
// business days. A business day runs from the previous day's Z (when that was taken before
// midnight) to its own Z (when taken before its midnight), as sales are placed
// (ReportLedger), so a shift opened after a Z counts on the next day with that day's sales.
Result<DrawerCounts> readDrawer(Database& db, const ReportScope& scope) {
    QSqlQuery shifts(db.handle());
    shifts.prepare(
        QStringLiteral("SELECT id, opening_float_fen, expected_cash_fen, counted_cash_fen, "
                       "cash_difference_reason FROM shifts WHERE %1 ORDER BY id")
            .arg(scope.shiftId > 0
                     ? QStringLiteral("id = ?")
                     : QStringLiteral(
                           "opened_at_ms >= MIN(?, COALESCE((SELECT taken_at_ms FROM z_reports "
                           "WHERE business_day = ?), ?)) AND opened_at_ms < MIN(?, COALESCE("
                           "(SELECT taken_at_ms FROM z_reports WHERE business_day = ?), ?))")));
    if (scope.shiftId > 0) {
        shifts.bindValue(0, scope.shiftId);
    } else {
        const QDate from = china_calendar::dateOfDayNumber(scope.fromDay);
        const qint64 fromMs = china_calendar::dayStartMs(from);
        const qint64 toMs = china_calendar::dayEndMs(china_calendar::dateOfDayNumber(scope.toDay));
        shifts.bindValue(0, fromMs);
        shifts.bindValue(1, china_calendar::dayNumber(from.addDays(-1)));
        shifts.bindValue(2, fromMs);
        shifts.bindValue(3, toMs);
        shifts.bindValue(4, scope.toDay);
        shifts.bindValue(5, toMs);
    }
    shifts.setForwardOnly(true);
    if (!shifts.exec())
        return readError(shifts);
    DrawerCounts drawer;
    QStringList reasons;
    while (shifts.next()) {
        drawer.floatsFen += shifts.value(1).toLongLong(); // NULL: no float
        if (shifts.value(3).isNull())
            continue;
        const money::Fen shiftCounted = shifts.value(3).toLongLong();
        drawer.countedFen = drawer.countedFen.value_or(0) + shiftCounted;
        drawer.differenceFen =
            drawer.differenceFen.value_or(0) + shiftCounted - shifts.value(2).toLongLong();
        const QString reason = shifts.value(4).toString();
        if (!reason.isEmpty())
            reasons
                << (scope.shiftId > 0
                        ? reason
                        : QStringLiteral("#%1: %2").arg(shifts.value(0).toLongLong()).arg(reason));
    }
    drawer.differenceReason = reasons.join(QStringLiteral("; "));
    return drawer;
}

} // namespace

Result<SalesReport> buildSalesReport(Database& db, const ReportScope& scope) {
    if (!db.isOpen())
        return Error{QStringLiteral("db.closed"),
                     QCoreApplication::translate("qpos::reports::ReportBuilder",
                                                 "The order database is not open.")};
    if (Status s = ReportAccumulator::checkScope(scope); !s.ok())
        return s.error();
    ReportAccumulator sums(scope);

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

    while (totals.next()) {
        Figures f;
        f.saleCount = totals.value(4).toLongLong();
        f.saleFen = totals.value(5).toLongLong();
        f.refundCount = totals.value(6).toLongLong();
        f.refundFen = totals.value(7).toLongLong();
        sums.add(totals.value(0).toInt(), totals.value(1).toInt(), totals.value(2).toString(),
                 totals.value(3).toString(), f);
    }
    totals.finish();

    const Result<DrawerCounts> drawer = readDrawer(db, scope);
    if (!drawer)
        return drawer.error();

    QSqlQuery staff(db.handle());
    staff.setForwardOnly(true);
    if (!staff.exec(QStringLiteral("SELECT id, name FROM staff")))
        return readError(staff);
    QHash<QString, QString> names;
    while (staff.next())
        names.insert(staff.value(0).toString(), staff.value(1).toString());

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
        sums.addRefundLine(l);
    }
    return sums.finish(names, *drawer);
}

} // namespace qpos::reports
