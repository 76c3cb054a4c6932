#pragma once

#include "core/checkout/CheckoutRuns.h"
#include "core/gateways/PaymentGateway.h"
#include "core/orders/Order.h"
#include "core/storage/OrderQuery.h"

#include <QCoreApplication>
#include <QString>

#include <chrono>
#include <memory>

class QTimer;

namespace qpos::checkout {

class EngineContext;
class RefundRuns;

// Settles what earlier runs left open: every open order that is not running (queried, then
// closed or cancelled at the provider and queried again) and every open refund, a refund the
// provider is still processing included. One pass at a time; a pass that leaves something
// open is followed by another after a wait that grows with each such pass.
class RecoveryPass {
    // The engine's strings, translated under its name.
    Q_DECLARE_TR_FUNCTIONS(qpos::checkout::CheckoutEngine)

public:
    RecoveryPass(EngineContext& context, const CheckoutRuns& checkouts, RefundRuns& refunds);
    ~RecoveryPass();
    RecoveryPass(const RecoveryPass&) = delete;
    RecoveryPass& operator=(const RecoveryPass&) = delete;

    // A pass now, unless one is under way; ends with the engine's recoveryFinished().
    void run();
    // Another pass after the current wait, unless one runs or is already due.
    void schedule();

private:
    struct Pass;

    void recoverNext();
    void recoverOrder(const Order& order, gateway::PaymentGateway* gateway, Settle step);
    void settleForRecovery(const Order& order, gateway::PaymentGateway* gateway, bool close);
    void recoveredOrder(const Order& order, bool settled, const QString& line);
    void finishRecovery();
    QString channelOfRefund(const RefundRecord& record) const;

    EngineContext& m_context;
    const CheckoutRuns& m_checkouts;
    RefundRuns& m_refunds;
    std::unique_ptr<Pass> m_pass;
    QTimer* m_retry = nullptr; // a child of the engine, like every timer of its parts
    std::chrono::milliseconds m_nextRetry;
};

} // namespace qpos::checkout
