#pragma once

#include "core/money/Money.h"
#include "core/orders/Channel.h"
#include "core/orders/Order.h"
#include "core/orders/OrderState.h"

#include <QList>
#include <QString>

#include <optional>

namespace qpos {

// Position in the order list: the last row of the previous page (newest first).
struct OrderCursor {
    qint64 createdAtMs = 0;
    qint64 id = 0;
};

// A page of the order list, newest first. Times are UTC ms, [fromMs, toMs).
struct OrderFilter {
    qint64 fromMs = 0;
    qint64 toMs = 0;
    QList<OrderState> states;       // empty: all
    std::optional<Channel> channel; // empty: all
    QString search;                 // part of an order number, or a whole provider trade number
    int limit = 50;
    std::optional<OrderCursor> after;
};

struct OrderPage {
    QList<Order> orders;
    std::optional<OrderCursor> next; // set when more rows may follow
};

// Sales of one China calendar day through one channel.
struct DailyTotal {
    int day = 0; // yyyyMMdd
    Channel channel = Channel::Alipay;
    qint64 paidCount = 0;
    money::Fen paidFen = 0;
    money::Fen refundedFen = 0;

    money::Fen netFen() const { return paidFen - refundedFen; }
};

// A change waiting to be uploaded to the store backend.
struct OutboxEntry {
    qint64 id = 0;
    qint64 eventId = 0;
    QString idempotencyKey;
    QByteArray payload; // compact JSON
    int attempts = 0;
    qint64 createdAtMs = 0;
};

// What the outbox still holds for the store backend.
struct OutboxBacklog {
    qint64 rows = 0;
    qint64 orders = 0; // distinct orders among those rows
};

// A refund the till asked for, kept so that its request number stays the same across
// retries and restarts. Stored by number: never renumber.
enum class RefundRecordState : int {
    Requested = 0, // written before the request left; the outcome is not known yet
    Succeeded = 1, // the provider confirmed it
    Failed = 2,    // the provider refused or closed it; no money moved
    // The provider holds the money (WeChat Pay ABNORMAL: the buyer's card was closed, say)
    // until the merchant resolves it on the provider's merchant platform. Still open: never
    // repeated, its amount is not refundable again, and it is checked until it ends.
    HeldByProvider = 3,
};

// The refund's outcome is still open: checked by recovery, and its amount is not refundable.
inline bool isOpenRefund(RefundRecordState state) {
    return state == RefundRecordState::Requested || state == RefundRecordState::HeldByProvider;
}

struct RefundRecord {
    qint64 id = 0;
    QString outTradeNo;
    QString outRequestNo; // ours, stable: "<out_trade_no>R<n>"
    money::Fen amountFen = 0;
    QString reason;
    QString actor; // the approving manager
    RefundRecordState state = RefundRecordState::Requested;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
};

} // namespace qpos
