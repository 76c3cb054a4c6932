#pragma once

#include "core/gateways/TradeState.h"
#include "core/money/Money.h"

#include <QString>
#include <QtGlobal>

#include <optional>

namespace qpos::gateway {

// What the providers answer, in provider-neutral terms. Times are UTC milliseconds; amounts
// are fen, parsed exactly from the provider's decimal strings.

struct QrOrder {
    QString outTradeNo;
    QString qrCode; // the text to encode in the QR (a URL)
};

// What the provider says a trade is now (query, or the answer to a pay request).
struct TradeSnapshot {
    QString outTradeNo;
    QString providerTradeNo;
    TradeState state = TradeState::NotCreated;
    QString providerState;                 // the provider's word ("TRADE_SUCCESS")
    money::Fen totalFen = 0;               // the order amount
    std::optional<money::Fen> receivedFen; // what the merchant receives (Alipay receipt_amount)
    std::optional<money::Fen> buyerPaidFen;
    std::optional<qint64> paidAtMs;
    QString buyerAccount; // masked by the provider ("159****5620")
};

enum class CancelAction {
    Closed,               // the trade was not paid and is now closed
    Refunded,             // the trade was paid and the money went back to the buyer
    NotCreatedAtProvider, // there was no trade to cancel
    Unspecified,          // the provider did not say
};

struct CancelResult {
    QString outTradeNo;
    QString providerTradeNo;
    CancelAction action = CancelAction::Unspecified;
    std::optional<qint64> refundedAtMs;
};

struct CloseResult {
    QString outTradeNo;
    QString providerTradeNo;
    // False when the provider had no such trade (a QR nobody scanned): nothing was closed,
    // and the QR stays payable until the expiry given when it was created.
    bool existedAtProvider = true;
};

struct RefundResult {
    QString outTradeNo;
    QString providerTradeNo;
    QString outRequestNo;
    money::Fen refundedTotalFen = 0; // all refunds of the trade so far
    // False when this call moved no money: a repeat of a refund already made (same
    // outRequestNo). When in doubt, confirm with a refund query.
    bool fundChanged = true;
    std::optional<qint64> refundedAtMs;
};

enum class RefundState {
    Refunded,   // the refund was made
    NotFound,   // the provider has no such refund (not received, or it failed): repeat the
                // refund with the same outRequestNo
    Processing, // the provider accepted it and is still working (WeChat Pay): query again later
};

struct RefundQueryResult {
    RefundState state = RefundState::NotFound;
    QString outTradeNo;
    QString providerTradeNo;
    QString outRequestNo;
    money::Fen refundFen = 0; // this refund's amount
    std::optional<money::Fen> tradeTotalFen;
    std::optional<qint64> refundedAtMs;
};

} // namespace qpos::gateway
