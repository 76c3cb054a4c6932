#pragma once

#include "core/money/Money.h"

#include <QDate>
#include <QString>

namespace qpos::gateway {

// What the checkout asks a provider for. Amounts are fen; identifiers are ours
// (`outTradeNo`, `outRequestNo`) unless named "provider".

// Create an order the buyer pays by scanning our QR (Alipay precreate, WeChat Native).
struct QrOrderRequest {
    QString outTradeNo;
    money::Fen amountFen = 0;
    QString subject;
    // When > 0 the provider stops accepting payment after this many seconds (rounded up to
    // the provider's unit), so a QR the till gave up on cannot be paid later.
    int expiresAfterS = 0;
    QString storeId;
    QString terminalId;
    QString operatorId;
};

// Charge the payment code the buyer shows (Alipay pay with scene bar_code).
struct PayByCodeRequest {
    QString outTradeNo;
    money::Fen amountFen = 0;
    QString subject;
    QString authCode; // the buyer's payment code: a secret, never logged
    QString storeId;
    QString terminalId;
    QString operatorId;
};

// Identifies one trade: ours is enough; the provider's number is used when known.
struct TradeRef {
    QString outTradeNo;
    QString providerTradeNo;
};

// Refund part or all of a paid trade. `outRequestNo` is stable for this refund: a repeat
// with the same number never refunds twice.
struct RefundRequest {
    QString outTradeNo;
    QString providerTradeNo;
    QString outRequestNo;
    money::Fen amountFen = 0;
    QString reason;
    QString storeId;
    QString terminalId;
    QString operatorId;
    money::Fen tradeTotalFen = 0; // the trade's whole amount (WeChat Pay requires it)
};

struct RefundQuery {
    QString outTradeNo;
    QString providerTradeNo;
    QString outRequestNo;
};

// The provider's bill of one day (or one month).
struct BillRequest {
    enum class Period { Day, Month };
    QDate date; // China calendar date; for Month only year and month count
    Period period = Period::Day;
};

} // namespace qpos::gateway
