#include "server/reports/StoreSalesReport.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/reports/ReportAccumulator.h"
#include "core/storage/Database.h"
#include "server/storage/ServerStore.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>

namespace qpos::server {

namespace {

Error readError(const QSqlQuery& query) {
    return databaseError(QCoreApplication::translate("qpos::server::StoreSalesReport",
                                                     "reading the store's sales report"),
                         query.lastError().text());
}

} // namespace

Result<reports::SalesReport> buildStoreSalesReport(ServerStore& store,
                                                   const reports::ReportScope& scope) {
    if (scope.shiftId > 0)
        return Error{QStringLiteral("report.no_shifts"),
                     QCoreApplication::translate("qpos::server::StoreSalesReport",
                                                 "The store server keeps no shifts; ask for a "
                                                 "range of days.")};
    if (Status s = reports::ReportAccumulator::checkScope(scope); !s.ok())
        return s.error();
    const qint64 fromMs =
        china_calendar::dayStartMs(china_calendar::dateOfDayNumber(scope.fromDay));
    const qint64 toMs = china_calendar::dayEndMs(china_calendar::dateOfDayNumber(scope.toDay));

    reports::ReportAccumulator sums(scope);
    const Status read = store.readSql([&](QSqlDatabase& db) -> Status {
        QSqlQuery sales(db);
        sales.setForwardOnly(true);
        if (!sales.prepare(QStringLiteral("SELECT channel, amount_fen, paid_at_ms, cashier_id "
                                          "FROM orders WHERE paid_at_ms >= ? AND paid_at_ms < ?")))
            return readError(sales);
        sales.addBindValue(fromMs);
        sales.addBindValue(toMs);
        if (!sales.exec())
            return readError(sales);
        while (sales.next()) {
            const qint64 paidAtMs = sales.value(2).toLongLong();
            reports::Figures f;
            f.saleCount = 1;
            f.saleFen = sales.value(1).toLongLong();
            sums.add(china_calendar::dayNumberOf(paidAtMs), china_calendar::hourOf(paidAtMs),
                     sales.value(0).toString(), sales.value(3).toString(), f);
        }
        if (sales.lastError().isValid())
            return readError(sales);

        QSqlQuery refunds(db);
        refunds.setForwardOnly(true);
        // A refund counts for the cashier who took the sale, as in the till's own report.
        if (!refunds.prepare(QStringLiteral(
                "SELECT r.out_trade_no, r.channel, r.amount_fen, r.settled_at_ms, o.cashier_id, "
                "r.approved_by, r.reason FROM order_refunds r "
                "JOIN orders o ON o.out_trade_no = r.out_trade_no "
                "WHERE r.settled_at_ms >= ? AND r.settled_at_ms < ? "
                "ORDER BY r.settled_at_ms, r.out_trade_no, r.out_request_no")))
            return readError(refunds);
        refunds.addBindValue(fromMs);
        refunds.addBindValue(toMs);
        if (!refunds.exec())
            return readError(refunds);
        while (refunds.next()) {
            reports::RefundLine line;
            line.atMs = refunds.value(3).toLongLong();
            line.businessDay = china_calendar::dayNumberOf(line.atMs);
            line.outTradeNo = refunds.value(0).toString();
            line.channel = refunds.value(1).toString();
            line.amountFen = refunds.value(2).toLongLong();
            line.cashierId = refunds.value(4).toString();
            line.approvedBy = refunds.value(5).toString();
            line.reason = refunds.value(6).toString();
            reports::Figures f;
            f.refundCount = 1;
            f.refundFen = line.amountFen;
            sums.add(line.businessDay, china_calendar::hourOf(line.atMs), line.channel,
                     line.cashierId, f);
            sums.addRefundLine(line);
        }
        if (refunds.lastError().isValid())
            return readError(refunds);
        return Status::success();
    });
    if (!read)
        return read.error();
    return sums.finish({}, reports::DrawerCounts());
}

} // namespace qpos::server
