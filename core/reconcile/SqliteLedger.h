#pragma once

#include "core/reconcile/ReconcileLedger.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

namespace qpos::reconcile {

// The till's own order database as a reconciliation ledger: its own read-only connection
// (the till may keep writing; WAL lets both run), prepared statements only, read through
// SQLite's own API (SqliteStatement): a day is up to a million rows. The window scans
// use the indexes orders_by_channel, orders_by_channel_paid, refunds_by_created and
// refunds_by_updated (schema 7); lookups the unique out_trade_no and out_request_no. Use
// from the thread that called open().
class SqliteLedger final : public ReconcileLedger {
public:
    SqliteLedger();
    ~SqliteLedger() override;
    SqliteLedger(const SqliteLedger&) = delete;
    SqliteLedger& operator=(const SqliteLedger&) = delete;

    Status open(const QString& path);
    void close();

    Status forEachTrade(const LedgerScope& scope, const LedgerWindow& window,
                        const std::function<void(const LocalTrade&)>& visit) override;
    Status forEachRefund(const LedgerScope& scope, const LedgerWindow& window,
                         const std::function<void(const LocalRefund&)>& visit) override;
    Result<qint64> countTradesCreated(const LedgerScope& scope,
                                      const LedgerWindow& window) override;
    Result<std::optional<LocalTrade>> findTrade(const LedgerScope& scope,
                                                QStringView outTradeNo) override;
    Result<std::optional<LocalRefund>> findRefund(const LedgerScope& scope, QStringView outTradeNo,
                                                  QStringView outRequestNo) override;

    // The statements' SQL, for checking their query plans.
    static QString tradesCreatedSql();
    static QString tradeWindowSql();
    static QString refundWindowSql();

private:
    struct Statements;
    QString m_connectionName;
    QString m_path;
    QSqlDatabase m_db;
    std::unique_ptr<Statements> m_sql;
};

} // namespace qpos::reconcile
