#pragma once

#include "core/orders/OrderState.h"
#include "core/reconcile/ReconcileLedger.h"

namespace qpos::reconcile {

// Reads a trade from a row of (out_trade_no, state, amount_fen, paid_at_ms), the columns the
// till's and the server's ledgers both select. `Row` is a row accessor with isNull, int64 and
// textInto: SqliteStatement, or the server's wrapper of a QSqlQuery. The same struct is filled
// row after row, so its strings keep their buffers.
template <typename Row>
void readTradeRow(const Row& row, LocalTrade& t) {
    row.textInto(0, t.outTradeNo);
    t.state = static_cast<OrderState>(row.int64(1));
    t.amountFen = row.int64(2);
    if (row.isNull(3))
        t.paidAtMs.reset();
    else
        t.paidAtMs = row.int64(3);
}

} // namespace qpos::reconcile
