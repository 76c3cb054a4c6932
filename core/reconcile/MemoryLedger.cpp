#include "core/reconcile/MemoryLedger.h"

namespace qpos::reconcile {

namespace {

bool within(const LedgerWindow& window, qint64 ms) {
    return ms >= window.fromMs && ms < window.toMs;
}

} // namespace

void MemoryLedger::addTrade(Channel provider, const LocalTrade& trade, qint64 createdAtMs) {
    m_trades.append(Trade{provider, trade, createdAtMs});
}

void MemoryLedger::addRefund(Channel provider, const LocalRefund& refund, qint64 createdAtMs) {
    m_refunds.append(Refund{provider, refund, createdAtMs});
}

Status MemoryLedger::forEachTrade(const LedgerScope& scope, const LedgerWindow& window,
                                  const std::function<void(const LocalTrade&)>& visit) {
    for (const Trade& t : m_trades) {
        if (t.provider == scope.provider &&
            (within(window, t.createdAtMs) ||
             (t.trade.paidAtMs && within(window, *t.trade.paidAtMs))))
            visit(t.trade);
    }
    return Status::success();
}

Status MemoryLedger::forEachRefund(const LedgerScope& scope, const LedgerWindow& window,
                                   const std::function<void(const LocalRefund&)>& visit) {
    for (const Refund& r : m_refunds) {
        if (r.provider == scope.provider &&
            (within(window, r.createdAtMs) || within(window, r.refund.updatedAtMs)))
            visit(r.refund);
    }
    return Status::success();
}

Result<qint64> MemoryLedger::countTradesCreated(const LedgerScope& scope,
                                                const LedgerWindow& window) {
    qint64 count = 0;
    for (const Trade& t : m_trades) {
        if (t.provider == scope.provider && within(window, t.createdAtMs))
            ++count;
    }
    return count;
}

Result<std::optional<LocalTrade>> MemoryLedger::findTrade(const LedgerScope& scope,
                                                          QStringView outTradeNo) {
    for (const Trade& t : m_trades) {
        if (t.provider == scope.provider && t.trade.outTradeNo == outTradeNo)
            return std::optional<LocalTrade>(t.trade);
    }
    return std::optional<LocalTrade>();
}

Result<std::optional<LocalRefund>> MemoryLedger::findRefund(const LedgerScope& scope,
                                                            QStringView outTradeNo,
                                                            QStringView outRequestNo) {
    for (const Refund& r : m_refunds) {
        if (r.provider == scope.provider && r.refund.outTradeNo == outTradeNo &&
            r.refund.outRequestNo == outRequestNo)
            return std::optional<LocalRefund>(r.refund);
    }
    return std::optional<LocalRefund>();
}

} // namespace qpos::reconcile
