#pragma once

#include "core/common/Result.h"
#include "core/money/Money.h"
#include "core/orders/Channel.h"
#include "core/orders/OrderState.h"
#include "core/storage/OrderQuery.h"

#include <QString>
#include <QStringView>
#include <QtGlobal>

#include <functional>
#include <optional>

namespace qpos::reconcile {

// The ledger's side of a trade, as small as matching needs.
struct LocalTrade {
    QString outTradeNo;
    OrderState state = OrderState::Created;
    money::Fen amountFen = 0;
    std::optional<qint64> paidAtMs; // the provider's payment time when it said, else ours
};

// The ledger's side of a refund.
struct LocalRefund {
    QString outRequestNo;
    QString outTradeNo;
    money::Fen amountFen = 0;
    RefundRecordState state = RefundRecordState::Requested;
    qint64 updatedAtMs = 0; // when its last state was recorded: its settlement, once succeeded
};

// Whose ledger: one provider, one merchant account of it. A till's database holds one
// merchant per provider, so its ledger only filters by provider; the store server's (later)
// filters by both.
struct LedgerScope {
    Channel provider = Channel::Alipay;
    QString merchantId;
};

// The UTC span a run reads: trades created or paid in it, refunds created or updated in it.
struct LedgerWindow {
    qint64 fromMs = 0;
    qint64 toMs = 0; // exclusive
};

// How the matcher reads the ledger: a span streamed once, and single lookups for the few
// keys outside it (an order that waited days, a held entry). Implementations never change
// the ledger.
class ReconcileLedger {
public:
    virtual ~ReconcileLedger() = default;

    virtual Status forEachTrade(const LedgerScope& scope, const LedgerWindow& window,
                                const std::function<void(const LocalTrade&)>& visit) = 0;
    virtual Status forEachRefund(const LedgerScope& scope, const LedgerWindow& window,
                                 const std::function<void(const LocalRefund&)>& visit) = 0;
    // How many trades were created in the window: nearly all forEachTrade() gives (it also
    // gives those paid in it and created before), so the matcher sizes its table once.
    virtual Result<qint64> countTradesCreated(const LedgerScope& scope,
                                              const LedgerWindow& window) = 0;
    virtual Result<std::optional<LocalTrade>> findTrade(const LedgerScope& scope,
                                                        QStringView outTradeNo) = 0;
    // A refund by its request number within its trade (Alipay's request numbers are unique
    // only within a trade).
    virtual Result<std::optional<LocalRefund>>
    findRefund(const LedgerScope& scope, QStringView outTradeNo, QStringView outRequestNo) = 0;
};

// The ledger's word for a refund's state ("requested", "succeeded", "failed",
// "held_by_provider").
QString refundStateName(RefundRecordState state);
std::optional<RefundRecordState> refundStateFromName(QStringView name);

// Money moved here: paid, and possibly refunded since.
inline bool isPaidHere(OrderState state) {
    return state == OrderState::Paid || state == OrderState::PartiallyRefunded ||
           state == OrderState::Refunded;
}

} // namespace qpos::reconcile
