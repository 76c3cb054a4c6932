#pragma once

#include "core/common/Result.h"
#include "core/gateways/ProviderBill.h"
#include "core/reconcile/CompactKeyTable.h"
#include "core/reconcile/ReconcileLedger.h"
#include "core/reconcile/ReconcileTypes.h"
#include "core/reconcile/SummaryCheck.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace qpos::reconcile {

// Matches one day's bill, line by line as the parser streams it, against the ledger: trades
// by out_trade_no, refunds by their request number (within their trade). The ledger's side
// is loaded first (loadLedger), the bill is streamed through record(), and finish() (only
// once the bill's totals were checked) gives the batch. docs/reconciliation.md has the rules.
class BillMatcher final : public gateway::BillRecordSink {
public:
    BillMatcher(ReconcileLedger& ledger, LedgerScope scope, QDate day, HoldingPool pool);

    // Reads the ledger's trades and refunds around the day, and the held entries.
    Status loadLedger();

    Status record(const gateway::BillRecord& record, const gateway::BillRawLine& line) override;
    const CountedLines& counted() const { return m_counted; }

    ReconcileResult finish();

private:
    enum Flag : quint8 {
        Expected = 1,   // paid (refund: settled) here on the run's day
        SeenInBill = 2, // listed by this bill
        Held = 4,       // in the holding pool given to the run
        OtherSeen = 8,  // listed by this bill in another state (WeChat Pay REVOKED)
    };
    struct TradeMark {
        OrderState state = OrderState::Created;
        quint8 flags = 0;
        money::Fen amountFen = 0;
        qint64 paidAtMs = 0; // 0: not paid
    };
    struct RefundMark {
        RefundRecordState state = RefundRecordState::Requested;
        quint8 flags = 0;
        money::Fen amountFen = 0;
        qint64 updatedAtMs = 0;
    };

    TradeMark* addTrade(const LocalTrade& trade);
    RefundMark* addRefund(const LocalRefund& refund);
    Result<TradeMark*> trade(const QString& outTradeNo);
    Result<RefundMark*> refund(const QString& outTradeNo, const QString& outRequestNo);

    void payment(const gateway::BillRecord& record, TradeMark* mark);
    void otherLine(const gateway::BillRecord& record, TradeMark* mark);
    void refundLine(const gateway::BillRecord& record, const QString& requestNo, RefundMark* mark);
    void add(DifferenceClass kind, const gateway::BillRecord* record, const QString& outTradeNo,
             const QString& outRequestNo, QString localState, std::optional<money::Fen> localAmount,
             const QString& detail);
    bool onDay(qint64 utcMs) const;
    bool afterDay(qint64 utcMs) const;

    ReconcileLedger& m_ledger;
    LedgerScope m_scope;
    QDate m_day;
    HoldingPool m_poolIn;
    CompactKeyTable<TradeMark> m_trades;
    CompactKeyTable<RefundMark> m_refunds; // by refundKey()
    // Held and early-billed entries of the pool given to the run, by key.
    QHash<QString, QDate> m_heldTrades;
    QHash<QString, QDate> m_heldRefunds;
    QSet<QString> m_billedTrades;
    QSet<QString> m_billedRefunds;
    // Keys the bill lists that the ledger lacks, to tell a repeat.
    QSet<QString> m_unknownTradesSeen;
    QSet<QString> m_unknownRefundsSeen;
    QList<BilledAhead> m_billedAheadOut;
    CountedLines m_counted;
    BatchTotals m_totals;
    QList<DifferenceItem> m_items;
};

} // namespace qpos::reconcile
