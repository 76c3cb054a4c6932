#pragma once

#include "core/common/Result.h"
#include "core/orders/Order.h"
#include "core/printing/EscPosDocument.h"

#include <QString>
#include <QtGlobal>

namespace qpos::printing {

// What a customer's receipt shows: the shop, the order and who took it. A receipt is a copy
// for the customer, never the ledger: it is printed from the order as stored.
struct SaleReceipt {
    QString shopName;
    Order order;
    QString cashierName; // empty: only the cashier's id is printed
    bool reprint = false;
    qint64 printedAtMs = 0; // UTC ms; printed on a reprint
};

// A receipt is printed only for an order whose money was taken (paid, partly or wholly
// refunded); "printer.not_paid" otherwise, with the order's state.
Status receiptAllowed(const Order& order);

// The receipt: shop name, order number, paid time in China time, cashier, channel, items,
// amount (and refunds), a QR of the order number, then the cut.
EscPosDocument saleReceiptDocument(const SaleReceipt& receipt, int columns);

// "￥12.34": the full-width yuan sign, which every GB18030 printer has in its two-byte font.
QString receiptYuan(money::Fen fen);

} // namespace qpos::printing
