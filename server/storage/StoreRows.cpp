#include "server/storage/StoreRows.h"

#include <QCoreApplication>

namespace qpos::server {

std::optional<qint64> optionalFrom(const QVariant& value) {
    if (value.isNull())
        return std::nullopt;
    return value.toLongLong();
}

ServerOrder serverOrderFrom(const QSqlQuery& row, const QString& outTradeNo) {
    ServerOrder o;
    o.outTradeNo = outTradeNo;
    o.terminalRowId = row.value(0).toLongLong();
    o.channel = row.value(1).toString();
    o.amountFen = row.value(2).toLongLong();
    o.refundedFen = row.value(3).toLongLong();
    o.state = static_cast<OrderState>(row.value(4).toInt());
    o.lastEventId = row.value(5).toLongLong();
    o.updatedAtMs = row.value(6).toLongLong();
    return o;
}

Result<QList<TerminalRecord>> readTerminalRows(const QSqlDatabase& db,
                                               const link::TerminalIdentity* only,
                                               const QString& secretTieBreak,
                                               QueryError queryError) {
    QSqlQuery q(db);
    QString sql = QStringLiteral("SELECT id, store_id, terminal_id, created_at_ms, "
                                 "enrolled_at_ms, revoked_at_ms FROM terminals");
    if (only)
        sql += QStringLiteral(" WHERE store_id = ? AND terminal_id = ?");
    q.prepare(sql + QStringLiteral(" ORDER BY store_id, terminal_id"));
    if (only) {
        q.addBindValue(only->storeId);
        q.addBindValue(only->terminalId);
    }
    if (!q.exec())
        return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading terminals"), q);
    QList<TerminalRecord> list;
    while (q.next()) {
        TerminalRecord t;
        t.rowId = q.value(0).toLongLong();
        t.identity = {q.value(1).toString(), q.value(2).toString()};
        t.createdAtMs = q.value(3).toLongLong();
        t.enrolledAtMs = optionalFrom(q.value(4));
        t.revokedAtMs = optionalFrom(q.value(5));
        list.append(t);
    }
    QSqlQuery s(db);
    s.prepare(QStringLiteral("SELECT key_id, secret, valid_until_ms FROM terminal_secrets "
                             "WHERE terminal = ? ORDER BY created_at_ms DESC, %1 DESC")
                  .arg(secretTieBreak));
    for (TerminalRecord& t : list) {
        s.addBindValue(t.rowId);
        if (!s.exec())
            return queryError(
                QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading a terminal's secrets"), s);
        while (s.next())
            t.secrets.append(StoredSecret{s.value(0).toString(), s.value(1).toByteArray(),
                                          optionalFrom(s.value(2))});
        s.finish();
    }
    return list;
}

} // namespace qpos::server
