#pragma once

#include "core/checkout/CheckoutPolicy.h"
#include "core/checkout/CheckoutTypes.h"
#include "core/checkout/GatewayDirectory.h"
#include "core/gateways/PaymentNotification.h"
#include "core/orders/Order.h"
#include "core/orders/OrderTransition.h"
#include "core/storage/OrderQuery.h"

#include <QHash>
#include <QObject>
#include <QString>

class QTimer;

#include <chrono>
#include <functional>
#include <memory>

namespace qpos {
class OrderStore;
}

namespace qpos::checkout {

enum class Settle;

// The checkout flow (docs/architecture.md, "Checkout"), for every channel alike. Lives in one
// thread with the order store and the gateways, never blocks it, and reports through signals.
//
//  - The order row is committed before any request leaves.
//  - Results arrive by polling (PollSchedule) and by push (acceptNotification); whichever
//    comes first wins, the other is a harmless duplicate.
//  - Expiry closes the trade at the provider; a cashier's cancel cancels it (which refunds a
//    payment that raced the cancel). Only the provider's answer sets the final state.
//  - An Unknown outcome is always resolved by querying, never by guessing.
//  - recover() settles every open order and refund left by an earlier run, and runs again
//    while something stays unsettled, including a refund the provider is still processing.
class CheckoutEngine : public QObject {
    Q_OBJECT

public:
    CheckoutEngine(OrderStore& store, GatewayDirectory& gateways, CheckoutPolicy policy,
                   QObject* parent = nullptr);
    ~CheckoutEngine() override;

    // The buyer scans our QR. Updates follow with `requestId`.
    void startQr(const QString& requestId, const NewOrder& order);
    // The cashier scanned the buyer's payment code (a secret: never logged or stored).
    void startWithCode(const QString& requestId, const NewOrder& order, const QString& authCode);
    // The cashier gives up on a running checkout.
    void cancel(const QString& outTradeNo, const QString& actor);
    // A verified notification relayed by the backend (the push path).
    void acceptNotification(const gateway::PaymentNotification& notification);
    // A manager's refund; ends with refundFinished().
    void refund(const RefundCommand& command);
    // Settles every open order and open refund; ends with recoveryFinished().
    void recover();

    bool isRunning(const QString& outTradeNo) const;
    int runningCount() const;
    const CheckoutPolicy& policy() const { return m_policy; }

signals:
    void checkoutUpdated(const qpos::checkout::CheckoutUpdate& update);
    // After every change written to an order (any source), for lists and totals.
    void orderChanged(const qpos::Order& order);
    void refundFinished(const qpos::checkout::RefundReport& report);
    void recoveryFinished(const qpos::checkout::RecoveryReport& report);

private:
    struct Run;
    struct Recovery;

    qint64 now() const;
    std::shared_ptr<Run> begin(const QString& requestId, const NewOrder& request);
    void onQrCreated(const QString& outTradeNo, gateway::GatewayResult<gateway::QrOrder> result);
    void onCodeCharged(const QString& outTradeNo,
                       gateway::GatewayResult<gateway::TradeSnapshot> result);
    void startWaiting(Run& run);
    void schedulePoll(Run& run);
    void pollNow(const QString& outTradeNo);
    void onQueried(const QString& outTradeNo,
                   gateway::GatewayResult<gateway::TradeSnapshot> result);
    void handleSnapshot(Run& run, const gateway::TradeSnapshot& snapshot, TransitionSource source,
                        const QJsonObject& fields);
    void applySnapshot(Order& order, const gateway::TradeSnapshot& snapshot,
                       TransitionSource source, const QJsonObject& fields, bool cancelRefunded);
    void deadlineReached(const QString& outTradeNo);
    void startSettle(Run& run, Settle mode);
    void sendSettle(Run& run);
    void onClosed(const QString& outTradeNo, gateway::GatewayResult<gateway::CloseResult> result);
    void onCancelled(const QString& outTradeNo,
                     gateway::GatewayResult<gateway::CancelResult> result);
    void confirmSettled(Run& run);
    bool apply(const OrderTransition& transition);
    void publish(Run& run, CheckoutPhase phase, const QString& message);
    void finish(const QString& outTradeNo, CheckoutPhase phase, const QString& message);

    void sendRefund(const RefundRecord& record, const QString& requestId, TransitionSource source);
    void settleRefund(const RefundRecord& record, RefundRecordState state,
                      const std::optional<OrderTransition>& transition);
    void scheduleRefundCheck(const RefundRecord& record, const QString& requestId, int attempt);
    void checkRefund(const RefundRecord& record, const QString& requestId, int attempt,
                     TransitionSource source, std::function<void(bool)> done);

    void recoverNext();
    void recoverOrder(const Order& order, gateway::PaymentGateway* gateway, int step);
    void settleForRecovery(const Order& order, gateway::PaymentGateway* gateway, bool close);
    void recoveredOrder(const Order& order, bool settled, const QString& line);
    void finishRecovery();
    void scheduleRecovery();

    OrderStore& m_store;
    GatewayDirectory& m_gateways;
    CheckoutPolicy m_policy;
    QHash<QString, std::shared_ptr<Run>> m_runs; // by out_trade_no
    std::unique_ptr<Recovery> m_recovery;
    QTimer* m_recoveryRetry = nullptr;
    std::chrono::milliseconds m_nextRecoveryRetry;
};

} // namespace qpos::checkout
