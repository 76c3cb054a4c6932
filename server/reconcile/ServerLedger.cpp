#include "server/reconcile/ServerLedger.h"

#include "core/storage/Database.h"
#include "server/storage/ServerStore.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>

#include <utility>

namespace qpos::server {

namespace {

const char* const kTradeColumns = "out_trade_no, state, amount_fen, paid_at_ms";
const char* const kRefundColumns = "out_request_no, out_trade_no, amount_fen, settled_at_ms";

Error readError(const QSqlQuery& query) {
    return databaseError(QCoreApplication::translate("qpos::server::ServerLedger",
                                                     "reading the orders for reconciliation"),
                         query.lastError().text());
}

reconcile::LocalTrade tradeOf(const QSqlQuery& q) {
    reconcile::LocalTrade t;
    t.outTradeNo = q.value(0).toString();
    t.state = static_cast<OrderState>(q.value(1).toInt());
    t.amountFen = q.value(2).toLongLong();
    if (!q.value(3).isNull())
        t.paidAtMs = q.value(3).toLongLong();
    return t;
}

// The server keeps only refunds that moved money: an increase of an order's refunded amount.
reconcile::LocalRefund refundOf(const QSqlQuery& q) {
    reconcile::LocalRefund r;
    r.outRequestNo = q.value(0).toString();
    r.outTradeNo = q.value(1).toString();
    r.amountFen = q.value(2).toLongLong();
    r.state = RefundRecordState::Succeeded;
    r.updatedAtMs = q.value(3).toLongLong();
    return r;
}

// Runs `sql` with `values` bound, calling `visit` for each row.
Status forEachRow(ServerStore& store, const QString& sql, const QVariantList& values,
                  const std::function<void(const QSqlQuery&)>& visit) {
    return store.readSql([&](QSqlDatabase& db) -> Status {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.prepare(sql))
            return readError(q);
        for (const QVariant& value : values)
            q.addBindValue(value);
        if (!q.exec())
            return readError(q);
        while (q.next())
            visit(q);
        if (q.lastError().isValid())
            return readError(q);
        return Status::success();
    });
}

} // namespace

ServerLedger::ServerLedger(ServerStore& store, QMap<Channel, QString> merchants)
    : m_store(store)
    , m_merchants(std::move(merchants)) {}

QString ServerLedger::tradeWindowSql() {
    // Two ranges ORed, each answered by its own index.
    return QStringLiteral("SELECT %1 FROM orders WHERE channel = ? AND "
                          "((created_at_ms >= ? AND created_at_ms < ?) OR "
                          "(paid_at_ms >= ? AND paid_at_ms < ?))")
        .arg(QLatin1String(kTradeColumns));
}

QString ServerLedger::refundWindowSql() {
    return QStringLiteral("SELECT %1 FROM order_refunds WHERE channel = ? AND "
                          "settled_at_ms >= ? AND settled_at_ms < ?")
        .arg(QLatin1String(kRefundColumns));
}

Status ServerLedger::checkScope(const reconcile::LedgerScope& scope) const {
    const QString merchant = m_merchants.value(scope.provider);
    if (!merchant.isEmpty() && merchant == scope.merchantId)
        return Status::success();
    return Error{QStringLiteral("reconcile.unknown_merchant"),
                 QCoreApplication::translate(
                     "qpos::server::ServerLedger",
                     "The store server keeps the orders of %1 merchant account \"%2\" only, not of "
                     "\"%3\". Check the merchant id in the server's [%1] section.")
                     .arg(channelName(scope.provider), merchant, scope.merchantId)};
}

Status ServerLedger::forEachTrade(const reconcile::LedgerScope& scope,
                                  const reconcile::LedgerWindow& window,
                                  const std::function<void(const reconcile::LocalTrade&)>& visit) {
    if (Status s = checkScope(scope); !s)
        return s;
    return forEachRow(
        m_store, tradeWindowSql(),
        {channelName(scope.provider), window.fromMs, window.toMs, window.fromMs, window.toMs},
        [&](const QSqlQuery& q) { visit(tradeOf(q)); });
}

Status
ServerLedger::forEachRefund(const reconcile::LedgerScope& scope,
                            const reconcile::LedgerWindow& window,
                            const std::function<void(const reconcile::LocalRefund&)>& visit) {
    if (Status s = checkScope(scope); !s)
        return s;
    return forEachRow(m_store, refundWindowSql(),
                      {channelName(scope.provider), window.fromMs, window.toMs},
                      [&](const QSqlQuery& q) { visit(refundOf(q)); });
}

Result<std::optional<reconcile::LocalTrade>>
ServerLedger::findTrade(const reconcile::LedgerScope& scope, QStringView outTradeNo) {
    if (Status s = checkScope(scope); !s)
        return s.error();
    std::optional<reconcile::LocalTrade> found;
    Status read =
        forEachRow(m_store,
                   QStringLiteral("SELECT %1 FROM orders WHERE out_trade_no = ? AND channel = ?")
                       .arg(QLatin1String(kTradeColumns)),
                   {outTradeNo.toString(), channelName(scope.provider)},
                   [&](const QSqlQuery& q) { found = tradeOf(q); });
    if (!read)
        return read.error();
    return found;
}

Result<std::optional<reconcile::LocalRefund>>
ServerLedger::findRefund(const reconcile::LedgerScope& scope, QStringView outTradeNo,
                         QStringView outRequestNo) {
    if (Status s = checkScope(scope); !s)
        return s.error();
    std::optional<reconcile::LocalRefund> found;
    Status read =
        forEachRow(m_store,
                   QStringLiteral("SELECT %1 FROM order_refunds WHERE out_trade_no = ? "
                                  "AND out_request_no = ? AND channel = ?")
                       .arg(QLatin1String(kRefundColumns)),
                   {outTradeNo.toString(), outRequestNo.toString(), channelName(scope.provider)},
                   [&](const QSqlQuery& q) { found = refundOf(q); });
    if (!read)
        return read.error();
    return found;
}

} // namespace qpos::server
