#pragma once

#include "core/checkout/CheckoutTypes.h"
#include "core/gateways/GatewayAnswers.h"
#include "core/gateways/GatewayResult.h"
#include "core/gateways/PaymentNotification.h"
#include "core/orders/Order.h"
#include "core/orders/OrderState.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QString>

#include <memory>

namespace qpos::checkout {

class EngineContext;

// How a checkout is being wound up at the provider.
enum class Settle {
    None,
    Close,  // the QR expired: close it (a payment that raced the expiry stays paid)
    Cancel, // the cashier gave up, or a payment code timed out: cancel (refunds a payment)
};

// The checkouts in flight, QR and payment code alike: each is created at the provider, then
// learns its outcome by polling and by push, and is closed at its expiry or cancelled at the
// cashier's word. A checkout ends when the provider's answer gives its order a final state.
class CheckoutRuns {
    // The engine's strings, translated under its name.
    Q_DECLARE_TR_FUNCTIONS(qpos::checkout::CheckoutEngine)

public:
    explicit CheckoutRuns(EngineContext& context);
    ~CheckoutRuns();
    CheckoutRuns(const CheckoutRuns&) = delete;
    CheckoutRuns& operator=(const CheckoutRuns&) = delete;

    void startQr(const QString& requestId, const NewOrder& order);
    void startWithCode(const QString& requestId, const NewOrder& order, const QString& authCode);
    void cancel(const QString& outTradeNo, const QString& actor);
    Status acceptNotification(const gateway::PaymentNotification& notification);

    bool isRunning(const QString& outTradeNo) const;
    int count() const;
    // A change to `order` was written: a checkout running it keeps its copy current.
    void orderApplied(const Order& order);

private:
    struct Run;

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
    void deadlineReached(const QString& outTradeNo);
    void startSettle(Run& run, Settle mode);
    void sendSettle(Run& run);
    void onClosed(const QString& outTradeNo, gateway::GatewayResult<gateway::CloseResult> result);
    void onCancelled(const QString& outTradeNo,
                     gateway::GatewayResult<gateway::CancelResult> result);
    void confirmSettled(Run& run);
    void publish(Run& run, CheckoutPhase phase, const QString& message);
    void finish(const QString& outTradeNo, CheckoutPhase phase, const QString& message);

    EngineContext& m_context;
    QHash<QString, std::shared_ptr<Run>> m_runs; // by out_trade_no
};

} // namespace qpos::checkout
