#include "server/storage/LedgerRows.h"

#include "core/reconcile/ReconcileLedger.h"
#include "core/storage/Database.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>

namespace qpos::server {

namespace {

Error ledgerError(const QSqlQuery& query) {
    return databaseError(QCoreApplication::translate("qpos::server::ServerStore",
                                                     "recording an order for reconciliation"),
                         query.lastError().text());
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
        "paid_at_ms > ?) THEN ? ELSE paid_at_ms END WHERE out_trade_no = ?"));
    // Older tills send no payment time: the time of the change is the nearest the server has.
    const qint64 paidAt = entry.paidAtMs.value_or(entry.atMs);
    times.addBindValue(entry.atMs);
    times.addBindValue(entry.atMs);
    times.addBindValue(paid ? 1 : 0);
    times.addBindValue(paidAt);
    times.addBindValue(paidAt);
    times.addBindValue(entry.outTradeNo);
    if (!times.exec())
        return ledgerError(times);

    const money::Fen refundedBefore = before ? before->refundedFen : 0;
    if (!entryMovesOrder(before, entry) || entry.refundedFen <= refundedBefore)
        return Status::success();
    QString requestNo = entry.outRequestNo;
    // Older tills send no request number; numbering as the till does matches while no refund
    // of the order failed.
    if (requestNo.isEmpty()) {
        QSqlQuery count(db);
        count.prepare(QStringLiteral("SELECT count(*) FROM order_refunds WHERE out_trade_no = ?"));
        count.addBindValue(entry.outTradeNo);
        if (!count.exec() || !count.next())
            return ledgerError(count);
        requestNo = entry.outTradeNo + u'R' + QString::number(count.value(0).toLongLong() + 1);
    }
    QSqlQuery refund(db);
    refund.prepare(QStringLiteral(
        "INSERT INTO order_refunds (out_trade_no, out_request_no, channel, amount_fen, "
        "settled_at_ms, event_id) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (out_trade_no, out_request_no) DO NOTHING"));
    refund.addBindValue(entry.outTradeNo);
    refund.addBindValue(requestNo);
    refund.addBindValue(entry.channel);
    refund.addBindValue(entry.refundedFen - refundedBefore);
    refund.addBindValue(entry.atMs);
    refund.addBindValue(entry.eventId);
    if (!refund.exec())
        return ledgerError(refund);
    return Status::success();
}

} // namespace qpos::server
