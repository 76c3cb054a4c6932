#pragma once

#include "core/checkout/CheckoutTypes.h"
#include "core/orders/OrderState.h"
#include "core/orders/OrderTransition.h"
#include "core/storage/OrderQuery.h"

#include <QCoreApplication>
#include <QString>

#include <functional>
#include <optional>

namespace qpos::checkout {

class EngineContext;

// Refunds: each is written to the ledger with its stable request number before it is sent,
// then settled by the provider's answer, or by asking the provider when the answer was lost
// or the provider is still processing it.
class RefundRuns {
    // The engine's strings, translated under its name.
    Q_DECLARE_TR_FUNCTIONS(qpos::checkout::CheckoutEngine)

public:
    // `handOver` is called for a refund still unconfirmed after a few quick checks: the
    // recovery passes go on asking.
    RefundRuns(EngineContext& context, std::function<void()> handOver);
    RefundRuns(const RefundRuns&) = delete;
    RefundRuns& operator=(const RefundRuns&) = delete;

    // Ends with the engine's refundFinished().
    void refund(const RefundCommand& command);
    // Asks the provider about an open refund and settles it when the provider has made it;
    // one the provider never received is sent again with the same number. `done(true)` once
    // the refund is settled either way.
    void checkRefund(const RefundRecord& record, TransitionSource source,
                     std::function<void(bool settled)> done);

private:
    void sendRefund(const RefundRecord& record, const QString& requestId, TransitionSource source);
    void settleRefund(const RefundRecord& record, RefundRecordState state,
                      const std::optional<OrderTransition>& transition);
    void scheduleRefundCheck(const RefundRecord& record, int attempt);

    EngineContext& m_context;
    std::function<void()> m_handOver;
};

} // namespace qpos::checkout
