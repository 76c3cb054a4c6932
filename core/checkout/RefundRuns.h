#pragma once

#include "core/checkout/CheckoutTypes.h"
#include "core/gateways/GatewayAnswers.h"
#include "core/gateways/GatewayResult.h"
#include "core/orders/OrderState.h"
#include "core/orders/OrderTransition.h"
#include "core/storage/OrderQuery.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QString>

#include <functional>
#include <optional>

namespace qpos::checkout {

class EngineContext;

// What one check of an open refund found.
enum class RefundCheck {
    Refunded,       // the provider made it: settled
    Failed,         // the provider closed or refused it; no money moved: settled
    Open,           // not known yet (unreachable, still processing, or sent again)
    HeldByProvider, // the provider holds the money until a manager resolves it there
};

// Refunds: each is written to the ledger with its stable request number before it is sent,
// then settled by the provider's answer when that proves the money moved, or by asking the
// provider when the answer was lost, proves nothing, or the provider is still processing it.
// Sends of a refund on one trade are at least CheckoutPolicy::refundRepeatGap apart.
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
    // Asks the provider about an open refund and settles it when the provider has made or
    // closed it; one the provider never received is sent again with the same number, and one
    // the provider holds is never sent again.
    void checkRefund(const RefundRecord& record, TransitionSource source,
                     std::function<void(RefundCheck)> done);
    // A refund the engine learned of without sending it (a cancel that refunded): checked
    // like one whose answer said it was still processing.
    void follow(const RefundRecord& record);

private:
    void sendRefund(const RefundRecord& record, const QString& requestId, TransitionSource source);
    // Sends `record` now, or when the gap after the last send on its trade has passed.
    void send(const RefundRecord& record,
              std::function<void(gateway::GatewayResult<gateway::RefundResult>)> done);
    void resend(const RefundRecord& record, TransitionSource source,
                std::function<void(RefundCheck)> done);
    void settleRefund(const RefundRecord& record, RefundRecordState state,
                      const std::optional<OrderTransition>& transition);
    // Records that the provider holds the refund; the manager is told once.
    void holdRefund(const RefundRecord& record);
    // A refund that ended after its report: the manager is told with a report of its own.
    void tellManager(const RefundRecord& record, const QString& message);
    void scheduleRefundCheck(const RefundRecord& record, int attempt);

    EngineContext& m_context;
    std::function<void()> m_handOver;
    QHash<QString, QElapsedTimer> m_lastSend; // by out_trade_no
};

// The manager's instruction for a refund the provider holds.
QString heldRefundMessage(const QString& outRequestNo, money::Fen amountFen,
                          const QString& provider);

} // namespace qpos::checkout
