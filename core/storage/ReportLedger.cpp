#include "core/storage/ReportLedger.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/storage/Database.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>

namespace qpos {

namespace {

Error queryError(const char* what, const QSqlQuery& query) {
    return databaseError(QCoreApplication::translate("qpos::ReportLedger", what),
                         query.lastError().text());
}

// Qt binds a null QString as SQL NULL; the report tables' text columns are NOT NULL.
QString notNull(const QString& text) {
    return text.isNull() ? QStringLiteral("") : text;
}

} // namespace

ReportLedger::ReportLedger(QSqlDatabase& db)
    : m_lastZ(db)
    , m_openShift(db)
    , m_addTotals(db)
    , m_insertRefund(db) {}

Status ReportLedger::prepare() {
    const struct {
        QSqlQuery* query;
        const char* sql;
    } all[] = {
        {&m_lastZ, "SELECT MAX(business_day) FROM z_reports"},
        {&m_openShift, "SELECT id FROM shifts WHERE closed_at_ms IS NULL"},
        {&m_addTotals,
         "INSERT INTO report_totals (business_day, hour, channel, cashier_id, shift_id, "
         "sale_count, sale_fen, refund_count, refund_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
         "ON CONFLICT (business_day, hour, channel, cashier_id, shift_id) DO UPDATE SET "
         "sale_count = sale_count + excluded.sale_count, "
         "sale_fen = sale_fen + excluded.sale_fen, "
         "refund_count = refund_count + excluded.refund_count, "
         "refund_fen = refund_fen + excluded.refund_fen"},
        {&m_insertRefund,
         "INSERT INTO report_refunds (business_day, at_ms, order_id, event_id, channel, "
         "cashier_id, shift_id, amount_fen, approved_by, reason) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"},
    };
    for (const auto& statement : all) {
        if (!statement.query->prepare(QString::fromUtf8(statement.sql)))
            return queryError(QT_TRANSLATE_NOOP("qpos::ReportLedger", "preparing the reports"),
                              *statement.query);
    }
    return Status::success();
}

Result<ReportPlacement> ReportLedger::place(qint64 momentMs, qint64 nowMs) {
    if (!m_lastZ.exec() || !m_lastZ.next())
        return queryError(QT_TRANSLATE_NOOP("qpos::ReportLedger", "reading the last Z report"),
                          m_lastZ);
    const QVariant lastZ = m_lastZ.value(0);
    m_lastZ.finish();
    if (!m_openShift.exec())
        return queryError(QT_TRANSLATE_NOOP("qpos::ReportLedger", "reading the open shift"),
                          m_openShift);
    ReportPlacement at;
    at.shiftId = m_openShift.next() ? m_openShift.value(0).toLongLong() : 0;
    m_openShift.finish();

    at.businessDay = china_calendar::dayNumberOf(momentMs);
    at.hour = china_calendar::hourOf(momentMs);
    if (!lastZ.isNull() && at.businessDay <= lastZ.toInt()) {
        at.businessDay =
            china_calendar::dayNumber(china_calendar::dateOfDayNumber(lastZ.toInt()).addDays(1));
        at.hour = china_calendar::hourOf(nowMs);
    }
    return at;
}

Status ReportLedger::add(const ReportPlacement& at, const QString& channel,
                         const QString& cashierId, money::Fen saleFen, money::Fen refundFen) {
    QSqlQuery& q = m_addTotals;
    q.bindValue(0, at.businessDay);
    q.bindValue(1, at.hour);
    q.bindValue(2, channel);
    q.bindValue(3, notNull(cashierId));
    q.bindValue(4, at.shiftId);
    q.bindValue(5, saleFen > 0 ? 1 : 0);
    q.bindValue(6, saleFen);
    q.bindValue(7, refundFen > 0 ? 1 : 0);
    q.bindValue(8, refundFen);
    if (!q.exec())
        return queryError(QT_TRANSLATE_NOOP("qpos::ReportLedger", "updating the report totals"), q);
    return Status::success();
}

Status ReportLedger::recordSale(const QString& channel, const QString& cashierId,
                                money::Fen amountFen, qint64 paidAtMs, qint64 nowMs) {
    Result<ReportPlacement> at = place(paidAtMs, nowMs);
    if (!at)
        return at.error();
    return add(*at, channel, cashierId, amountFen, 0);
}

Status ReportLedger::recordRefund(qint64 orderId, qint64 eventId, const QString& channel,
                                  const QString& cashierId, money::Fen amountFen, qint64 nowMs,
                                  const QString& approvedBy, const QString& reason) {
    Result<ReportPlacement> at = place(nowMs, nowMs);
    if (!at)
        return at.error();
    if (Status s = add(*at, channel, cashierId, 0, amountFen); !s.ok())
        return s;
    QSqlQuery& q = m_insertRefund;
    q.bindValue(0, at->businessDay);
    q.bindValue(1, nowMs);
    q.bindValue(2, orderId);
    q.bindValue(3, eventId);
    q.bindValue(4, channel);
    q.bindValue(5, notNull(cashierId));
    q.bindValue(6, at->shiftId);
    q.bindValue(7, amountFen);
    q.bindValue(8, notNull(approvedBy));
    q.bindValue(9, notNull(reason));
    if (!q.exec())
        return queryError(QT_TRANSLATE_NOOP("qpos::ReportLedger", "listing the refund"), q);
    return Status::success();
}

} // namespace qpos
