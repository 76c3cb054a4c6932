#include "core/reports/ShiftBook.h"

#include "core/logging/LogCategories.h"
#include "core/reports/ReportBuilder.h"
#include "core/storage/Database.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

namespace qpos::reports {

namespace {

Error queryError(const QSqlQuery& q) {
    return databaseError(
        QCoreApplication::translate("qpos::reports::ShiftBook", "recording the shift"),
        q.lastError().text());
}

const QString kShiftColumns =
    QStringLiteral("id, cashier_id, opened_at_ms, opening_float_fen, closed_at_ms, closed_by, "
                   "expected_cash_fen, counted_cash_fen, cash_difference_reason");

Shift shiftFromRow(const QSqlQuery& q) {
    Shift s;
    s.id = q.value(0).toLongLong();
    s.cashierId = q.value(1).toString();
    s.openedAtMs = q.value(2).toLongLong();
    if (!q.value(3).isNull())
        s.openingFloatFen = q.value(3).toLongLong();
    if (!q.value(4).isNull())
        s.closedAtMs = q.value(4).toLongLong();
    s.closedBy = q.value(5).toString();
    if (!q.value(6).isNull())
        s.expectedCashFen = q.value(6).toLongLong();
    if (!q.value(7).isNull())
        s.countedCashFen = q.value(7).toLongLong();
    s.cashDifferenceReason = q.value(8).toString();
    return s;
}

} // namespace

ShiftBook::ShiftBook(Database& db, std::function<qint64()> clock)
    : m_db(db)
    , m_clock(std::move(clock)) {}

qint64 ShiftBook::now() const {
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

Result<std::optional<Shift>> ShiftBook::openShiftNow() {
    QSqlQuery q(m_db.handle());
    q.prepare(
        QStringLiteral("SELECT %1 FROM shifts WHERE closed_at_ms IS NULL").arg(kShiftColumns));
    if (!q.exec())
        return queryError(q);
    if (!q.next())
        return std::optional<Shift>();
    return std::optional<Shift>(shiftFromRow(q));
}

Result<Shift> ShiftBook::shift(qint64 shiftId) {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("SELECT %1 FROM shifts WHERE id = ?").arg(kShiftColumns));
    q.bindValue(0, shiftId);
    if (!q.exec())
        return queryError(q);
    if (!q.next())
        return Error{QStringLiteral("shift.not_found"),
                     QCoreApplication::translate("qpos::reports::ShiftBook",
                                                 "There is no shift %1 on this till.")
                         .arg(shiftId)};
    return shiftFromRow(q);
}

Result<Shift> ShiftBook::openShift(const QString& cashierId,
                                   std::optional<money::Fen> openingFloatFen) {
    if (cashierId.trimmed().isEmpty())
        return Error{QStringLiteral("shift.cashier"),
                     QCoreApplication::translate("qpos::reports::ShiftBook",
                                                 "A shift needs the cashier who logged in.")};
    if (openingFloatFen && (*openingFloatFen < 0 || *openingFloatFen > money::kMaxFen))
        return Error{QStringLiteral("shift.float"),
                     QCoreApplication::translate(
                         "qpos::reports::ShiftBook",
                         "The opening cash float must be between 0.00 and %1. Count the drawer "
                         "again.")
                         .arg(money::formatYuan(money::kMaxFen))};
    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s.error();
    Result<std::optional<Shift>> open = openShiftNow();
    if (!open)
        return open.error();
    const qint64 at = now();
    if (open->has_value()) {
        if ((*open)->cashierId == cashierId)
            return **open; // back from a break or a restart: the same shift goes on
        QSqlQuery close(m_db.handle());
        close.prepare(QStringLiteral("UPDATE shifts SET closed_at_ms = ?, closed_by = ? "
                                     "WHERE id = ? AND closed_at_ms IS NULL"));
        close.bindValue(0, at);
        close.bindValue(1, cashierId);
        close.bindValue(2, (*open)->id);
        if (!close.exec())
            return queryError(close);
        qCInfo(lcStore).noquote() << "shift" << (*open)->id << "of" << (*open)->cashierId
                                  << "closed by the login of" << cashierId;
    }
    QSqlQuery ins(m_db.handle());
    ins.prepare(QStringLiteral("INSERT INTO shifts (cashier_id, opened_at_ms, opening_float_fen) "
                               "VALUES (?, ?, ?)"));
    ins.bindValue(0, cashierId);
    ins.bindValue(1, at);
    ins.bindValue(2, openingFloatFen ? QVariant(*openingFloatFen)
                                     : QVariant(QMetaType::fromType<qint64>()));
    if (!ins.exec())
        return queryError(ins);
    Shift s;
    s.id = ins.lastInsertId().toLongLong();
    s.cashierId = cashierId;
    s.openedAtMs = at;
    s.openingFloatFen = openingFloatFen;
    if (Status c = tx.commit(); !c.ok())
        return c.error();
    qCInfo(lcStore).noquote() << "shift" << s.id << "opened by" << cashierId;
    return s;
}

Result<Shift> ShiftBook::closeShift(qint64 shiftId, const QString& closedBy,
                                    const std::optional<CashCount>& count) {
    if (count)
        return closeCounted(shiftId, closedBy, *count);
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("UPDATE shifts SET closed_at_ms = ?, closed_by = ? "
                             "WHERE id = ? AND closed_at_ms IS NULL"));
    q.bindValue(0, now());
    q.bindValue(1, closedBy.isNull() ? QStringLiteral("") : closedBy);
    q.bindValue(2, shiftId);
    if (!q.exec())
        return queryError(q);
    if (q.numRowsAffected() > 0)
        qCInfo(lcStore).noquote() << "shift" << shiftId << "closed by" << closedBy;
    return shift(shiftId);
}

Result<Shift> ShiftBook::closeCounted(qint64 shiftId, const QString& closedBy,
                                      const CashCount& count) {
    if (count.countedFen < 0 || count.countedFen > money::kMaxFen)
        return Error{QStringLiteral("shift.counted"),
                     QCoreApplication::translate("qpos::reports::ShiftBook",
                                                 "The counted cash must be between 0.00 and %1. "
                                                 "Count the drawer again.")
                         .arg(money::formatYuan(money::kMaxFen))};
    // The expectation and the close are one transaction: no sale slips in between.
    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s.error();
    Result<Shift> current = shift(shiftId);
    if (!current)
        return current.error();
    if (!current->isOpen())
        return *current; // counted once, when it closed
    Result<SalesReport> report = buildSalesReport(m_db, ReportScope{0, 0, shiftId});
    if (!report)
        return report.error();
    const money::Fen expected = report->cash.expectedFen;
    const QString reason = count.reason.trimmed().left(200);
    if (count.countedFen != expected && reason.isEmpty())
        return Error{QStringLiteral("shift.reason"),
                     QCoreApplication::translate(
                         "qpos::reports::ShiftBook",
                         "The drawer holds %1 but %2 was expected (a difference of %3). Count "
                         "again, or say why they differ; the shift stays open until then.")
                         .arg(money::formatYuan(count.countedFen), money::formatYuan(expected),
                              money::formatYuan(count.countedFen - expected))};
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("UPDATE shifts SET closed_at_ms = ?, closed_by = ?, "
                             "expected_cash_fen = ?, counted_cash_fen = ?, "
                             "cash_difference_reason = ? WHERE id = ? AND closed_at_ms IS NULL"));
    q.bindValue(0, now());
    q.bindValue(1, closedBy.isNull() ? QStringLiteral("") : closedBy);
    q.bindValue(2, expected);
    q.bindValue(3, count.countedFen);
    q.bindValue(4, count.countedFen == expected ? QStringLiteral("") : reason);
    q.bindValue(5, shiftId);
    if (!q.exec())
        return queryError(q);
    q.finish();
    Result<Shift> closed = shift(shiftId);
    if (!closed)
        return closed;
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    qCInfo(lcStore).noquote() << "shift" << shiftId << "closed by" << closedBy << "cash counted"
                              << money::formatYuan(count.countedFen) << "expected"
                              << money::formatYuan(expected);
    return closed;
}

} // namespace qpos::reports
