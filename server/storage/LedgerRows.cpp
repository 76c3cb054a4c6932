#include "server/storage/LedgerRows.h"

#include "core/reconcile/ReconcileLedger.h"
#include "core/storage/Database.h"

#include <QCoreApplication>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

namespace qpos::server {

namespace {

Error ledgerError(const QSqlQuery& query) {
    return databaseError(QCoreApplication::translate("qpos::server::ServerStore",
                                                     "recording an order for reconciliation"),
                         query.lastError().text());
}

// Qt binds a null QString as SQL NULL; the text columns are NOT NULL and hold '' instead.
QString notNull(const QString& text) {
    return text.isNull() ? QStringLiteral("") : text;
}

// The next of the server's own numbers, <out_trade_no>R<n>, that no refund of the order holds.
Result<QString> freeNumber(QSqlDatabase& db, const QString& outTradeNo) {
    QSqlQuery taken(db);
    taken.prepare(
        QStringLiteral("SELECT out_request_no FROM order_refunds WHERE out_trade_no = ?"));
    taken.addBindValue(outTradeNo);
    if (!taken.exec())
        return ledgerError(taken);
    QSet<QString> numbers;
    while (taken.next())
        numbers.insert(taken.value(0).toString());
    qint64 n = numbers.size();
    QString number;
    do
        number = outTradeNo + u'R' + QString::number(++n);
    while (numbers.contains(number));
    return number;
}

// The request number the entry's refund is kept under. Older tills send none: numbering as the
// till does matches while no refund of the order failed. The till's numbers are its refunds'
// own, so a refund of another event under one holds a number the server made up; it moves to
// a free one, as a refund dropped on the conflict would be money lost from the ledger.
Result<QString> requestNumberFor(QSqlDatabase& db, const SyncedEntry& entry) {
    if (entry.outRequestNo.isEmpty())
        return freeNumber(db, entry.outTradeNo);
    QSqlQuery holder(db);
    holder.prepare(QStringLiteral("SELECT event_id FROM order_refunds WHERE out_trade_no = ? AND "
                                  "out_request_no = ?"));
    holder.addBindValue(entry.outTradeNo);
    holder.addBindValue(entry.outRequestNo);
    if (!holder.exec())
        return ledgerError(holder);
    if (!holder.next() || holder.value(0).toLongLong() == entry.eventId)
        return entry.outRequestNo;
    holder.finish();
    const Result<QString> moved = freeNumber(db, entry.outTradeNo);
    if (!moved)
        return moved;
    QSqlQuery renumber(db);
    renumber.prepare(QStringLiteral("UPDATE order_refunds SET out_request_no = ? WHERE "
                                    "out_trade_no = ? AND out_request_no = ?"));
    renumber.addBindValue(*moved);
    renumber.addBindValue(entry.outTradeNo);
    renumber.addBindValue(entry.outRequestNo);
    if (!renumber.exec())
        return ledgerError(renumber);
    return entry.outRequestNo;
}

} // namespace

bool entryMovesOrder(const std::optional<OrderBefore>& before, const SyncedEntry& entry) {
    return !before || (entry.eventId > before->lastEventId &&
                       orderStateRank(entry.newState) >= orderStateRank(before->state));
}

Status recordLedgerEntry(QSqlDatabase& db, const std::optional<OrderBefore>& before,
                         const SyncedEntry& entry) {
    const bool paid = reconcile::isPaidHere(entry.newState);
    QSqlQuery times(db);
    times.prepare(QStringLiteral(
        "UPDATE orders SET created_at_ms = CASE WHEN created_at_ms IS NULL OR created_at_ms > ? "
        "THEN ? ELSE created_at_ms END, paid_at_ms = CASE WHEN ? = 1 AND (paid_at_ms IS NULL OR "
        "paid_at_ms > ?) THEN ? ELSE paid_at_ms END, cashier_id = CASE WHEN cashier_id = '' "
        "THEN ? ELSE cashier_id END WHERE out_trade_no = ?"));
    // Older tills send no payment time: the time of the change is the nearest the server has.
    const qint64 paidAt = entry.paidAtMs.value_or(entry.atMs);
    times.addBindValue(entry.atMs);
    times.addBindValue(entry.atMs);
    times.addBindValue(paid ? 1 : 0);
    times.addBindValue(paidAt);
    times.addBindValue(paidAt);
    // The order's cashier, from the first entry that names one; older tills' entries name none.
    times.addBindValue(notNull(entry.cashierId));
    times.addBindValue(entry.outTradeNo);
    if (!times.exec())
        return ledgerError(times);

    const money::Fen refundedBefore = before ? before->refundedFen : 0;
    if (!entryMovesOrder(before, entry) || entry.refundedFen <= refundedBefore)
        return Status::success();
    const Result<QString> requestNo = requestNumberFor(db, entry);
    if (!requestNo)
        return requestNo.error();
    QSqlQuery refund(db);
    refund.prepare(QStringLiteral(
        "INSERT INTO order_refunds (out_trade_no, out_request_no, channel, amount_fen, "
        "settled_at_ms, event_id, approved_by, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (out_trade_no, out_request_no) DO NOTHING"));
    refund.addBindValue(entry.outTradeNo);
    refund.addBindValue(*requestNo);
    refund.addBindValue(entry.channel);
    refund.addBindValue(entry.refundedFen - refundedBefore);
    // The provider's time, as its bill dates the refund; older tills send the change's only.
    refund.addBindValue(entry.refundedAtMs.value_or(entry.atMs));
    refund.addBindValue(entry.eventId);
    refund.addBindValue(notNull(entry.approvedBy));
    refund.addBindValue(notNull(entry.reason));
    if (!refund.exec())
        return ledgerError(refund);
    return Status::success();
}

} // namespace qpos::server
