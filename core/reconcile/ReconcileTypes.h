#pragma once

#include "core/money/Money.h"
#include "core/money/SubFen.h"
#include "core/orders/Channel.h"
#include "core/reconcile/DifferenceClass.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QtGlobal>

#include <optional>

namespace qpos::reconcile {

// One disagreement between a provider's bill and the ledger (docs/reconciliation.md).
struct DifferenceItem {
    DifferenceClass kind = DifferenceClass::LocalOnly;
    Channel provider = Channel::Alipay;
    QString outTradeNo;
    QString outRequestNo; // refunds: the refund's request number (out_request_no / out_refund_no)
    // The ledger's side: the order's state name ("paid") or the refund's ("succeeded"), and
    // its amount; empty when the ledger does not have it.
    QString localState;
    std::optional<money::Fen> localAmountFen;
    // The bill's side: the provider's word for the line (交易, 退款, SUCCESS, REFUND, REVOKED)
    // and its amount (the order amount, or the amount refunded); empty when not in the bill.
    QString providerState;
    std::optional<money::Fen> providerAmountFen;
    QString providerTradeNo;
    int billLine = 0; // the detail file's line, 0 when the bill does not list it
    QString detail;   // translated, for the manager
};

// Counts and amounts of one side of a batch. Amounts are positive fen.
struct SideTotals {
    qint64 paymentCount = 0;
    money::Fen paymentFen = 0;
    qint64 refundCount = 0;
    money::Fen refundFen = 0;

    bool operator==(const SideTotals&) const = default;
};

struct BatchTotals {
    SideTotals provider; // every payment and refund line of the bill
    SideTotals local;    // the ledger's payments and refunds of the day (paid or settled then)
    money::SubFen fee;   // the provider's fees of the day, summed exactly
    qint64 matched = 0;  // bill lines that agree with the ledger
    qint64 held = 0;     // the ledger's entries of the day waiting for the next bills

    bool operator==(const BatchTotals&) const = default;
};

// What a held or early-billed entry is.
enum class PoolKind : int { Trade = 0, Refund = 1 };

// A payment (or refund) recorded here on `firstDay` that the bill of that day did not list.
// The bill dates a line by the provider's time, which may fall on the next day (an order paid
// a second before midnight, recorded after it): the entry is matched against the next two
// days' bills first, and is a difference only when the bill of firstDay + 2 lacks it too.
struct HeldEntry {
    PoolKind kind = PoolKind::Trade;
    QString outTradeNo;
    QString outRequestNo; // refunds only
    QDate firstDay;

    bool operator==(const HeldEntry&) const = default;
};

// The opposite crossing: a line of the bill of `billDay` that the ledger dates on a later day.
// That later day's run must not expect it again.
struct BilledAhead {
    PoolKind kind = PoolKind::Trade;
    QString outTradeNo;
    QString outRequestNo; // refunds only
    QDate billDay;

    bool operator==(const BilledAhead&) const = default;
};

// The holding pool, an input and an output of every run, so that the caller (a storage layer)
// keeps it between the days' runs.
struct HoldingPool {
    QList<HeldEntry> held;
    QList<BilledAhead> billedAhead;

    bool operator==(const HoldingPool&) const = default;
};

// A run's result: one batch of (provider, merchant, day).
struct ReconcileResult {
    Channel provider = Channel::Alipay;
    QString merchantId;
    QDate day;
    BatchTotals totals;
    QList<DifferenceItem> items; // in a stable order: class, then out_trade_no, request number
    HoldingPool pool;            // what the next day's run takes
};

} // namespace qpos::reconcile
