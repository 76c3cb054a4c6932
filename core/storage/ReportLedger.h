#pragma once

#include "core/common/Result.h"
#include "core/money/Money.h"

#include <QSqlQuery>
#include <QString>

class QSqlDatabase;

namespace qpos {

// Where a change counts in the reports.
struct ReportPlacement {
    int businessDay = 0; // yyyyMMdd
    int hour = 0;        // China hour, 0-23
    qint64 shiftId = 0;  // the shift open on the till; 0 when none was
};

// Keeps the reports' tables (report_totals, report_refunds; schema 6) in step with the order
// ledger. OrderStore calls it inside the transaction of each order change, so a report can
// never disagree with the orders. docs/reports.md, "Business day", gives the rules.
class ReportLedger {
public:
    explicit ReportLedger(QSqlDatabase& db);
    Status prepare();

    // Where a change that happened at `momentMs`, written at `nowMs`, counts: its own China
    // day and hour, unless a Z report already closed that day; then the first day after the
    // last Z, at the hour it was written.
    Result<ReportPlacement> place(qint64 momentMs, qint64 nowMs);

    // A new sale; `paidAtMs` is when the buyer paid.
    Status recordSale(const QString& channel, const QString& cashierId, money::Fen amountFen,
                      qint64 paidAtMs, qint64 nowMs);
    // Money given back by the order change `eventId`.
    Status recordRefund(qint64 orderId, qint64 eventId, const QString& channel,
                        const QString& cashierId, money::Fen amountFen, qint64 nowMs,
                        const QString& approvedBy, const QString& reason);

private:
    Status add(const ReportPlacement& at, const QString& channel, const QString& cashierId,
               money::Fen saleFen, money::Fen refundFen);

    QSqlQuery m_lastZ;
    QSqlQuery m_openShift;
    QSqlQuery m_addTotals;
    QSqlQuery m_insertRefund;
};

} // namespace qpos
