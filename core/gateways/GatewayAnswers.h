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
    // A Refunded cancel made by a refund the provider has not finished (WeChat Pay answered
    // PROCESSING or ABNORMAL): the refund's number, to follow it with refund queries until it
    // succeeds or is closed. Empty when the cancel itself proved the money went back.
    QString pendingRefundNo;
};

struct CloseResult {
    QString outTradeNo;
    QString providerTradeNo;
    // False when the provider had no such trade (a QR nobody scanned): nothing was closed,
    // and the QR stays payable until the expiry given when it was created.
    bool existedAtProvider = true;
};

enum class RefundState {
    Refunded,   // the refund was made
    NotFound,   // the provider has no such refund (not received): repeat the refund with the
                // same outRequestNo
    Processing, // the provider accepted it and is still working (WeChat Pay): query again later
    // WeChat Pay ABNORMAL: the provider holds the money (the buyer's card was closed, say) until
    // the merchant resolves it on the provider's merchant platform. Never repeat it; it may
    // still end Refunded or Closed.
    HeldByProvider,
    Closed, // WeChat Pay CLOSED: the refund failed and no money moved; never repeat it
};

struct RefundResult {
    QString outTradeNo;
    QString providerTradeNo;
    QString outRequestNo;
    money::Fen refundedTotalFen = 0; // all refunds of the trade so far
    // False when this answer does not prove the money moved (Alipay fund_change N or absent):
    // a repeat of a refund already made, or one not made at all. Confirm with a refund query.
    bool fundChanged = true;
    // Refunded, or HeldByProvider (WeChat Pay ABNORMAL). WeChat Pay's PROCESSING is an
    // InProgress outcome and CLOSED a refusal.
    RefundState state = RefundState::Refunded;
    std::optional<qint64> refundedAtMs;
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
