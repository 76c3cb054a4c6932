#pragma once

#include "core/orders/Channel.h"
#include "core/reconcile/ReconcileLedger.h"

#include <QMap>
#include <QString>

namespace qpos::server {

class ServerStore;

// The store server's copy of every till's ledger, for reconciliation: the orders and refunds
// the tills uploaded (server/storage/LedgerRows), through the server's store, SQLite or
// PostgreSQL alike. A payment is dated by the provider's time when the till sent it, else by the
// till's time of the change; a refund by the till's time of the change that recorded it.
// The server keeps one merchant account per provider: a scope naming another one is refused.
class ServerLedger final : public reconcile::ReconcileLedger {
public:
    // `merchants`: the store's merchant account of each provider it reconciles.
    ServerLedger(ServerStore& store, QMap<Channel, QString> merchants);

    Status forEachTrade(const reconcile::LedgerScope& scope, const reconcile::LedgerWindow& window,
                        const std::function<void(const reconcile::LocalTrade&)>& visit) override;
    Status forEachRefund(const reconcile::LedgerScope& scope, const reconcile::LedgerWindow& window,
                         const std::function<void(const reconcile::LocalRefund&)>& visit) override;
    Result<qint64> countTradesCreated(const reconcile::LedgerScope& scope,
                                      const reconcile::LedgerWindow& window) override;
    Result<std::optional<reconcile::LocalTrade>> findTrade(const reconcile::LedgerScope& scope,
                                                           QStringView outTradeNo) override;
    Result<std::optional<reconcile::LocalRefund>> findRefund(const reconcile::LedgerScope& scope,
                                                             QStringView outTradeNo,
                                                             QStringView outRequestNo) override;

    // The window scans and the count, for checking their plans: trades (channel, from, to,
    // from, to), refunds and trades created (channel, from, to).
    static QString tradeWindowSql();
    static QString tradesCreatedSql();
    static QString refundWindowSql();

private:
    Status checkScope(const reconcile::LedgerScope& scope) const;

    ServerStore& m_store;
    QMap<Channel, QString> m_merchants;
};

} // namespace qpos::server
