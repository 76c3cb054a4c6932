#include "core/checkout/EngineContext.h"

#include "core/checkout/CheckoutEngine.h"
#include "core/checkout/TransitionBuilder.h"
#include "core/logging/LogCategories.h"
#include "core/storage/OrderStore.h"

#include <QDateTime>

namespace qpos::checkout {

EngineContext::EngineContext(CheckoutEngine& engine, OrderStore& store, GatewayDirectory& gateways,
                             CheckoutPolicy policy, std::function<void(const Order&)> applied)
    : m_engine(engine)
    , m_store(store)
    , m_gateways(gateways)
    , m_policy(std::move(policy))
    , m_applied(std::move(applied)) {}

qint64 EngineContext::now() const {
    return m_policy.clock ? m_policy.clock() : QDateTime::currentMSecsSinceEpoch();
}

QObject* EngineContext::receiver() const {
    return &m_engine;
}

bool EngineContext::apply(const OrderTransition& transition) {
    return record(transition).ok();
}

Status EngineContext::record(const OrderTransition& transition) {
    Result<TransitionOutcome> outcome = m_store.apply(transition);
    if (!outcome) {
        qCWarning(lcCheckout).noquote()
            << "order" << transition.outTradeNo << "not moved to" << orderStateName(transition.to)
            << ":" << outcome.error().message;
        return outcome.error();
    }
    if (*outcome != TransitionOutcome::Applied)
        return Status::success();
    if (Result<Order> fresh = m_store.order(transition.outTradeNo)) {
        if (m_applied)
            m_applied(*fresh);
        emitOrderChanged(*fresh);
    }
    return Status::success();
}

Status EngineContext::recordRefund(const OrderTransition& transition, const QString& outRequestNo) {
    bool open = false;
    if (Result<QList<RefundRecord>> refunds = m_store.refunds(transition.outTradeNo)) {
        for (const RefundRecord& r : std::as_const(*refunds))
            open = open || (r.outRequestNo == outRequestNo &&
                            (r.state == RefundRecordState::Requested ||
                             r.state == RefundRecordState::HeldByProvider));
    }
    if (outRequestNo.isEmpty() || !open)
        return record(transition);
    Result<TransitionOutcome> outcome =
        m_store.settleRefund(outRequestNo, RefundRecordState::Succeeded, transition);
    if (!outcome) {
        qCWarning(lcCheckout).noquote()
            << "refund" << outRequestNo << "not recorded:" << outcome.error().message;
        return outcome.error();
    }
    if (*outcome == TransitionOutcome::Applied)
        announce(transition.outTradeNo);
    return Status::success();
}

void EngineContext::applySnapshot(Order& order, const gateway::TradeSnapshot& snapshot,
                                  TransitionSource source, const QJsonObject& fields,
                                  bool cancelRefunded, const QString& pendingRefundNo) {
    QList<OrderTransition> transitions =
        TransitionBuilder::forSnapshot(order, snapshot, source, fields, cancelRefunded);
    if (cancelRefunded && !pendingRefundNo.isEmpty() && transitions.size() == 2 &&
        transitions.last().to == OrderState::Refunded) {
        // The trade says refunded, but the cancel's refund is not finished and may still be
        // closed: paid, with the refund open until the provider confirms it.
        transitions.removeLast();
        Result<RefundRecord> refund = m_store.beginCancelRefund(
            transitions.first(), pendingRefundNo, order.amountFen, transitions.first().actor);
        if (!refund) {
            qCWarning(lcCheckout).noquote()
                << "order" << order.outTradeNo
                << "cancel refund not recorded:" << refund.error().message;
        } else if (Result<Order> fresh = m_store.order(order.outTradeNo)) {
            if (m_applied)
                m_applied(*fresh);
            emitOrderChanged(*fresh);
            if (m_followRefund && refund->state == RefundRecordState::Requested)
                m_followRefund(*refund);
        }
    } else {
        for (const OrderTransition& t : transitions)
            apply(t);
    }
    if (Result<Order> fresh = m_store.order(order.outTradeNo))
        order = *fresh;
}

void EngineContext::setRefundFollower(std::function<void(const RefundRecord&)> follow) {
    m_followRefund = std::move(follow);
}

void EngineContext::announce(const QString& outTradeNo) {
    if (Result<Order> fresh = m_store.order(outTradeNo))
        emitOrderChanged(*fresh);
}

void EngineContext::emitCheckoutUpdated(const CheckoutUpdate& update) {
    emit m_engine.checkoutUpdated(update);
}

void EngineContext::emitOrderChanged(const Order& order) {
    emit m_engine.orderChanged(order);
}

void EngineContext::emitRefundFinished(const RefundReport& report) {
    emit m_engine.refundFinished(report);
}

void EngineContext::emitRecoveryFinished(const RecoveryReport& report) {
    emit m_engine.recoveryFinished(report);
}

} // namespace qpos::checkout
