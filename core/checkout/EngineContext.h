#pragma once

#include "core/checkout/CheckoutPolicy.h"
#include "core/checkout/CheckoutTypes.h"
#include "core/checkout/GatewayDirectory.h"
#include "core/gateways/GatewayAnswers.h"
#include "core/orders/Order.h"
#include "core/orders/OrderTransition.h"
#include "core/storage/OrderQuery.h"

#include <QJsonObject>
#include <QString>

#include <functional>

class QObject;

namespace qpos {
class OrderStore;
}

namespace qpos::checkout {

class CheckoutEngine;

// What the parts of CheckoutEngine share: the order store and gateways they drive, the
// policy and its clock, the one way an order's state is written, and the engine's signals.
class EngineContext {
public:
    // `applied` sees each order a transition changed, before orderChanged is emitted.
    EngineContext(CheckoutEngine& engine, OrderStore& store, GatewayDirectory& gateways,
                  CheckoutPolicy policy, std::function<void(const Order&)> applied);
    EngineContext(const EngineContext&) = delete;
    EngineContext& operator=(const EngineContext&) = delete;

    OrderStore& store() const { return m_store; }
    GatewayDirectory& gateways() const { return m_gateways; }
    const CheckoutPolicy& policy() const { return m_policy; }
    qint64 now() const;
    // The engine, as the receiver of timers and of gateway answers not tied to one checkout:
    // they are dropped with it.
    QObject* receiver() const;

    // Writes one transition. False when the store refused it (logged); a duplicate or late
    // answer is not a failure.
    bool apply(const OrderTransition& transition);
    // As apply(), with the store's error when nothing was written (db.* when the database
    // failed, order.* when the order refused the change).
    Status record(const OrderTransition& transition);
    // As record(), for a change that raises the refunded amount because of refund
    // `outRequestNo`: when that is this till's own refund, still open (its answer was lost),
    // it is settled by the same transaction, so the refund's own answer later counts nothing
    // twice.
    Status recordRefund(const OrderTransition& transition, const QString& outRequestNo);
    // What a trade snapshot says about `order` (TransitionBuilder::forSnapshot), written;
    // `order` is reloaded. `pendingRefundNo`: the refund our cancel made is not finished, so
    // the order is paid with that refund open in the ledger (and followed) until it ends.
    void applySnapshot(Order& order, const gateway::TradeSnapshot& snapshot,
                       TransitionSource source, const QJsonObject& fields, bool cancelRefunded,
                       const QString& pendingRefundNo = {});
    // Who follows a refund the engine learned of without sending it (RefundRuns::follow).
    void setRefundFollower(std::function<void(const RefundRecord&)> follow);
    // After a change written by other means than apply(): lists and totals reload the order.
    void announce(const QString& outTradeNo);

    void emitCheckoutUpdated(const CheckoutUpdate& update);
    void emitOrderChanged(const Order& order);
    void emitRefundFinished(const RefundReport& report);
    void emitRecoveryFinished(const RecoveryReport& report);

private:
    CheckoutEngine& m_engine;
    OrderStore& m_store;
    GatewayDirectory& m_gateways;
    CheckoutPolicy m_policy;
    std::function<void(const Order&)> m_applied;
    std::function<void(const RefundRecord&)> m_followRefund;
};

} // namespace qpos::checkout
