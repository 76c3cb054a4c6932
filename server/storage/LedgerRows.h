#pragma once

#include "core/common/Result.h"
#include "core/money/Money.h"
#include "core/orders/OrderState.h"
#include "server/storage/ServerRecords.h"

#include <QSqlDatabase>

#include <optional>

namespace qpos::server {

// The server's copy of the ledger that reconciliation reads (server/reconcile/ServerLedger),
// kept by every store the same way as the tills' entries arrive.

// The server's copy of an order before an uploaded entry was applied.
struct OrderBefore {
    OrderState state = OrderState::Created;
    qint64 lastEventId = 0;
    money::Fen refundedFen = 0;
};

// Whether the entry moves the order on (the rule both stores apply to the orders table).
bool entryMovesOrder(const std::optional<OrderBefore>& before, const SyncedEntry& entry);

// Records what a new uploaded entry adds to the ledger, in the caller's transaction after the
// order row is written: the order's creation and payment times (the earliest any entry gave),
// its cashier (the first any entry named), and a refund for each rise of its refunded amount
// that moved the order on, with who approved it and why as the entry says. A refund's request
// number is the entry's `out_request_no` when the till sent one, else the server numbers it as
// the till does (<out_trade_no>R<n>, the next free n).
Status recordLedgerEntry(QSqlDatabase& db, const std::optional<OrderBefore>& before,
                         const SyncedEntry& entry);

} // namespace qpos::server
