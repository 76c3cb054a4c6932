#include "core/checkout/TransitionBuilder.h"

#include "core/logging/LogCategories.h"

namespace qpos::checkout {

using gateway::TradeSnapshot;
using gateway::TradeState;

namespace {

// The engine names itself, or the part that learned of the change.
QString engineActor(TransitionSource source) {
    if (source == TransitionSource::Recovery)
        return QStringLiteral("recovery");
    if (source == TransitionSource::Reconcile)
        return QStringLiteral("reconcile");
    return QStringLiteral("engine");
}

bool hasPaidEvidence(const TradeSnapshot& s) {
    return gateway::isPaidState(s.state) || (s.state == TradeState::Closed && s.paidAtMs);
}

// Alipay's TRADE_CLOSED after a payment means fully refunded.
bool isClosedAfterPayment(const TradeSnapshot& s) {
    return s.state == TradeState::Closed && s.paidAtMs.has_value();
}

} // namespace

OrderTransition TransitionBuilder::forRequestAnswer(const QString& outTradeNo, OrderState to,
                                                    const QJsonObject& fields,
                                                    const QString& note) {
    OrderTransition t;
    t.outTradeNo = outTradeNo;
    t.to = to;
    t.source = TransitionSource::Request;
    t.actor = engineActor(TransitionSource::Request);
    t.providerFields = fields;
    t.note = note;
    return t;
}

OrderTransition TransitionBuilder::forRefusal(const QString& outTradeNo,
                                              const gateway::Refused& refusal,
                                              const QJsonObject& fields) {
    return forRequestAnswer(outTradeNo, OrderState::Failed, fields,
                            refusal.code + QLatin1Char(' ') + refusal.subCode);
}

OrderTransition TransitionBuilder::forNeverCreated(const QString& outTradeNo,
                                                   TransitionSource source,
                                                   const QJsonObject& fields) {
    OrderTransition t;
    t.outTradeNo = outTradeNo;
    t.to = OrderState::Cancelled;
    t.source = source;
    t.actor = engineActor(source);
    t.providerFields = fields;
    t.note = QStringLiteral("closed at the provider before it was created");
    return t;
}

QList<OrderTransition> TransitionBuilder::forSnapshot(const Order& order, const TradeSnapshot& s,
                                                      TransitionSource source,
                                                      const QJsonObject& fields,
                                                      bool cancelRefunded) {
    OrderTransition t;
    t.outTradeNo = order.outTradeNo;
    t.source = source;
    t.actor = engineActor(source);
    t.providerTradeNo = s.providerTradeNo;
    t.providerFields = fields;
    // After a cancel that refunded, Alipay reports the trade closed, WeChat Pay "REFUND".
    const bool refundedByCancel =
        cancelRefunded && (s.state == TradeState::Closed || s.state == TradeState::Refunded);
    if (hasPaidEvidence(s) || refundedByCancel) {
        // A payment the provider took is recorded, even after a cancel: it can then be
        // refunded instead of being lost.
        if (s.totalFen != 0 && s.totalFen != order.amountFen) {
            qCCritical(lcCheckout).noquote()
                << "order" << order.outTradeNo << "was paid" << money::formatYuan(s.totalFen)
                << "at the provider but is for" << money::formatYuan(order.amountFen)
                << "- recorded as paid; reconcile it";
            t.note = QStringLiteral("amount at provider %1").arg(money::formatYuan(s.totalFen));
        }
        t.to = OrderState::Paid;
        t.paidAtMs = s.paidAtMs;
        if (!isClosedAfterPayment(s) && !refundedByCancel)
            return {t};
        OrderTransition refunded = t;
        refunded.to = OrderState::Refunded;
        refunded.note = cancelRefunded ? QStringLiteral("refunded by the cancel")
                                       : QStringLiteral("closed after a full refund");
        return {t, refunded};
    }
    if (s.state == TradeState::WaitingForBuyer) {
        if (order.state != OrderState::Created && order.state != OrderState::Unknown)
            return {};
        t.to = OrderState::Pending;
        return {t};
    }
    if (s.state == TradeState::Closed) {
        t.to = OrderState::Cancelled;
        return {t};
    }
    if (s.state == TradeState::Failed) {
        t.to = OrderState::Failed;
        return {t};
    }
    return {};
}

QList<OrderTransition> TransitionBuilder::forNotification(const Order& order,
                                                          const gateway::PaymentNotification& n) {
    OrderTransition t;
    t.outTradeNo = n.outTradeNo;
    t.source = TransitionSource::Push;
    t.actor = QStringLiteral("push");
    t.providerTradeNo = n.providerTradeNo;
    t.providerFields = n.providerFields;
    t.paidAtMs = n.paidAtMs;
    if (n.refundedTotalFen && *n.refundedTotalFen > 0) {
        t.to = OrderState::Paid;
        OrderTransition refunded = t;
        refunded.to = *n.refundedTotalFen >= order.amountFen ? OrderState::Refunded
                                                             : OrderState::PartiallyRefunded;
        refunded.refundedFen = *n.refundedTotalFen;
        refunded.refundedAtMs = n.refundedAtMs;
        return {t, refunded};
    }
    if (gateway::isPaidState(n.state)) {
        t.to = OrderState::Paid;
        return {t};
    }
    if (n.state == TradeState::Closed) {
        t.to = OrderState::Cancelled;
        return {t};
    }
    return {}; // waiting: nothing to record
}

OrderTransition TransitionBuilder::forRefund(const Order& order, const RefundRecord& record,
                                             std::optional<money::Fen> providerTotalFen,
                                             TransitionSource source, const QJsonObject& fields) {
    money::Fen total = order.refundedFen + record.amountFen;
    if (providerTotalFen && *providerTotalFen > 0)
        total = qMax(total, *providerTotalFen);
    total = qMin(total, order.amountFen);
    OrderTransition t;
    t.outTradeNo = order.outTradeNo;
    t.to = total >= order.amountFen ? OrderState::Refunded : OrderState::PartiallyRefunded;
    t.refundedFen = total;
    t.source = source;
    t.actor = record.actor;
    t.providerFields = fields;
    t.note = QStringLiteral("refund %1 of %2")
                 .arg(record.outRequestNo, money::formatYuan(record.amountFen));
    return t;
}

} // namespace qpos::checkout
