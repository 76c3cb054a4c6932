#pragma once

#include "core/reconcile/ReconcileLedger.h"

#include <QList>

namespace qpos::reconcile {

// A ledger held in memory, for tests and for a caller that has the rows already.
class MemoryLedger final : public ReconcileLedger {
public:
    void addTrade(Channel provider, const LocalTrade& trade, qint64 createdAtMs);
    void addRefund(Channel provider, const LocalRefund& refund, qint64 createdAtMs);

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

private:
    struct Trade {
        Channel provider;
        LocalTrade trade;
        qint64 createdAtMs;
    };
    struct Refund {
        Channel provider;
        LocalRefund refund;
        qint64 createdAtMs;
    };
    QList<Trade> m_trades;
    QList<Refund> m_refunds;
};

} // namespace qpos::reconcile
