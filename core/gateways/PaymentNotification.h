#pragma once

#include "core/gateways/TradeState.h"
#include "core/money/Money.h"
#include "core/orders/Channel.h"
#include "core/orders/Order.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QString>

#include <functional>
#include <optional>

namespace qpos::gateway {

// An asynchronous notification as it arrived over HTTP at the store backend.
struct IncomingNotification {
    QByteArray body;
    QMap<QByteArray, QByteArray> headers; // names in lower case
    // Set when the store server relays it to a till: when the server says it received it. A
    // till that was offline gets a notification late; its freshness is judged at the
    // server's receipt (docs/protocols/wechatpay.md, "Notifications relayed by the store
    // server").
    std::optional<qint64> relayedReceivedAtMs = std::nullopt;
};

// Finds the local order a notification names; empty when there is none. Called once per
// notification, after the provider's signature verified.
using NotificationOrderLookup = std::function<std::optional<Order>(const QString& outTradeNo)>;

// A verified notification: the provider signed it, it is for our app, and it names one of
// our orders with the order's amount. The same notification may arrive more than once
// (`notificationId` is the provider's id for de-duplication); handling must be idempotent.
struct PaymentNotification {
    Channel channel = Channel::Alipay;
    QString notificationId;
    QString outTradeNo;
    QString providerTradeNo;
    TradeState state = TradeState::WaitingForBuyer;
    QString providerState;
    money::Fen totalFen = 0;
    std::optional<money::Fen> receivedFen;
    std::optional<money::Fen> buyerPaidFen;
    std::optional<money::Fen> refundedTotalFen; // present when the notification is about refunds
    QString outRequestNo;                       // the refund's request number, when given
    std::optional<qint64> createdAtMs;
    std::optional<qint64> paidAtMs;
    std::optional<qint64> refundedAtMs;
    std::optional<qint64> notifiedAtMs;
    QJsonObject providerFields; // every field as received, for the order event
};

// What the HTTP handler sends back to the provider.
struct NotificationReply {
    int httpStatus = 200;
    QByteArray contentType;
    QByteArray body;
};

} // namespace qpos::gateway
