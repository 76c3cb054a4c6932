#pragma once

#include "core/checkout/CheckoutPolicy.h"
#include "core/checkout/CheckoutTypes.h"
#include "core/checkout/GatewayDirectory.h"
#include "core/gateways/PaymentNotification.h"
#include "core/orders/Order.h"

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace qpos {
class OrderStore;
}

namespace qpos::printing {
class CashDrawer;
}

namespace qpos::checkout {

class CashDesk;
class CheckoutRuns;
class EngineContext;
class ProviderSettlement;
class RecoveryPass;
class RefundRuns;

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
//
// The work is done by its parts (CheckoutRuns, RefundRuns, RecoveryPass) over what they share
// (EngineContext); every order change they write is made by TransitionBuilder.
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
    // A verified notification relayed by the backend (the push path). Returns once what it
    // changed is committed: success also when it changed nothing (the order already says
    // so); the store's error when nothing could be written.
    Status acceptNotification(const gateway::PaymentNotification& notification);
    // A cash sale (CashDesk): recorded paid at once, the drawer opened; no provider is asked.
    CashSaleReport takeCash(const QString& requestId, const NewOrder& order,
                            money::Fen tenderedFen);
    // The drawer opened after cash sales and refunds; not owned, null when none is set up.
    void setCashDrawer(printing::CashDrawer* drawer);
    // A manager's refund; ends with refundFinished(). A cash order's is recorded at once.
    void refund(const RefundCommand& command);
    // Settles every open order and open refund; ends with recoveryFinished().
    void recover();
    // Reconciliation's Janitor: asks `provider` about the trade and applies its answer
    // (source Reconcile). A running checkout of the order is not disturbed (Running). `done`
    // is called once, later, in the thread of `context`, never after `context` is gone.
    void settleFromProvider(Channel provider, const QString& outTradeNo, QObject* context,
                            std::function<void(SettleFromProviderResult)> done);

    // Reconciliation's Janitor for a refund the bill lists that the till does not have as made:
    // asks `provider` about that refund and records it when the provider made it (source
    // Reconcile). Never sends a refund. `done` as for settleFromProvider().
    void settleRefundFromProvider(Channel provider, const QString& outTradeNo,
                                  const QString& outRequestNo, QObject* context,
                                  std::function<void(SettleRefundResult)> done);

    bool isRunning(const QString& outTradeNo) const;
    int runningCount() const;
    const CheckoutPolicy& policy() const;

signals:
    void checkoutUpdated(const qpos::checkout::CheckoutUpdate& update);
    // After every change written to an order (any source), for lists and totals.
    void orderChanged(const qpos::Order& order);
    void refundFinished(const qpos::checkout::RefundReport& report);
    void recoveryFinished(const qpos::checkout::RecoveryReport& report);

private:
    std::unique_ptr<EngineContext> m_context;
    std::unique_ptr<CheckoutRuns> m_checkouts;
    std::unique_ptr<RefundRuns> m_refunds;
    std::unique_ptr<RecoveryPass> m_recovery;
    std::unique_ptr<CashDesk> m_cash;
    std::unique_ptr<ProviderSettlement> m_settlement;
};

} // namespace qpos::checkout
