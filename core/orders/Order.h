#pragma once

#include "core/money/Money.h"
#include "core/orders/Channel.h"
#include "core/orders/OrderState.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace qpos {

// One line of a sale: the till's optional itemisation of the charged amount.
struct OrderItem {
    QString name;
    int quantity = 1;
    money::Fen unitPriceFen = 0;

    money::Fen lineTotalFen() const { return unitPriceFen * quantity; }
};

// What the till knows about a sale. Times are UTC milliseconds.
struct Order {
    qint64 id = 0;
    QString outTradeNo;
    Channel channel = Channel::Alipay;
    PaymentFlow flow = PaymentFlow::QrCode;
    money::Fen amountFen = 0;
    money::Fen refundedFen = 0;
    QString subject;
    OrderState state = OrderState::Created;
    QString providerTradeNo; // the provider's own trade number, once known
    QString storeId;
    QString terminalId;
    QString cashierId;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    std::optional<qint64> paidAtMs;
    QList<OrderItem> items;
};

// One applied change of an order, as written to order_events.
struct OrderEvent {
    qint64 id = 0;
    qint64 orderId = 0;
    std::optional<OrderState> oldState; // empty for the creation event
    OrderState newState = OrderState::Created;
    TransitionSource source = TransitionSource::Cashier;
    QString actor; // cashier id, "engine", "recovery", ...
    qint64 atMs = 0;
    money::Fen refundedFen = 0; // the order's refunded total after this event
    QJsonObject providerFields; // the provider's raw answer fields that decided it
    QString note;
};

struct OrderWithEvents {
    Order order;
    QList<OrderEvent> events; // oldest first
};

// What the till asks for when the cashier presses Charge.
struct NewOrder {
    Channel channel = Channel::Alipay;
    PaymentFlow flow = PaymentFlow::QrCode;
    money::Fen amountFen = 0;
    QString subject;
    QString cashierId;
    QList<OrderItem> items; // optional; when present their total must equal amountFen
};

} // namespace qpos
