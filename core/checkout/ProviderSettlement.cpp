#include "core/checkout/ProviderSettlement.h"

#include "core/checkout/CheckoutRuns.h"
#include "core/checkout/EngineContext.h"
#include "core/gateways/PaymentGateway.h"
#include "core/logging/LogCategories.h"
#include "core/storage/OrderStore.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>

namespace qpos::checkout {

namespace {

// Later, in the caller's thread, and only while the caller lives.
void deliver(QObject* context, std::function<void(SettleFromProviderResult)> done,
             SettleFromProviderResult result) {
    QMetaObject::invokeMethod(
        context, [done = std::move(done), result = std::move(result)] { done(result); },
        Qt::QueuedConnection);
}

void deliverRefund(QObject* context, std::function<void(SettleRefundResult)> done,
                   SettleRefundResult result) {
    QMetaObject::invokeMethod(
        context, [done = std::move(done), result = std::move(result)] { done(result); },
        Qt::QueuedConnection);
}

// The till's record of the refund, if it has one.
std::optional<RefundRecord> refundRecord(OrderStore& store, const QString& outTradeNo,
                                         const QString& outRequestNo) {
    Result<QList<RefundRecord>> refunds = store.refunds(outTradeNo);
    if (refunds) {
        for (const RefundRecord& r : std::as_const(*refunds)) {
            if (r.outRequestNo == outRequestNo)
                return r;
        }
    }
    return std::nullopt;
}

} // namespace

ProviderSettlement::ProviderSettlement(EngineContext& context, const CheckoutRuns& checkouts)
    : m_context(context)
    , m_checkouts(checkouts) {}

void ProviderSettlement::settle(Channel provider, const QString& outTradeNo, QObject* context,
                                std::function<void(SettleFromProviderResult)> done) {
    SettleFromProviderResult result;
    result.outTradeNo = outTradeNo;
    if (m_checkouts.isRunning(outTradeNo)) {
        result.outcome = SettleFromProviderOutcome::Running;
        result.message =
            tr("Order %1 is being paid right now; its checkout settles it.").arg(outTradeNo);
        deliver(context, std::move(done), std::move(result));
        return;
    }
    gateway::PaymentGateway* gw = m_context.gateways().find(provider);
    if (!gw) {
        result.outcome = SettleFromProviderOutcome::NoGateway;
        result.message = tr("%1 is not set up on this till, so it cannot be asked about order "
                            "%2.")
                             .arg(channelLabel(provider), outTradeNo);
        deliver(context, std::move(done), std::move(result));
        return;
    }
    Result<Order> known = m_context.store().order(outTradeNo);
    // The till's own order of another provider is not this trade.
    const bool ours = known && known->channel == provider;
    const QString providerTradeNo = ours ? known->providerTradeNo : QString();
    QPointer<QObject> caller(context);
    // The engine receives the answer, so it is applied even if the caller has gone.
    gw->queryTrade(gateway::TradeRef{outTradeNo, providerTradeNo}, m_context.receiver(),
                   [this, provider, outTradeNo, caller,
                    done = std::move(done)](gateway::GatewayResult<gateway::TradeSnapshot> answer) {
                       SettleFromProviderResult settled;
                       settled.outTradeNo = outTradeNo;
                       if (!answer.isSuccess()) {
                           settled.outcome = SettleFromProviderOutcome::NotAnswered;
                           settled.message = answer.cashierMessage();
                       } else {
                           settled.outcome = SettleFromProviderOutcome::Answered;
                           settled.snapshot = answer.value();
                           Result<Order> order = m_context.store().order(outTradeNo);
                           if (order && order->channel == provider) {
                               Order current = *order;
                               settled.before = current.state;
                               settled.orderFen = current.amountFen;
                               // A checkout that started meanwhile is not disturbed either.
                               if (!m_checkouts.isRunning(outTradeNo))
                                   m_context.applySnapshot(current, settled.snapshot,
                                                           TransitionSource::Reconcile,
                                                           answer.providerFields(), false);
                               settled.after = current.state;
                           }
                       }
                       if (caller)
                           done(settled);
                   });
}

void ProviderSettlement::settleRefund(Channel provider, const QString& outTradeNo,
                                      const QString& outRequestNo, QObject* context,
                                      std::function<void(SettleRefundResult)> done) {
    SettleRefundResult result;
    result.provider = provider;
    result.outTradeNo = outTradeNo;
    result.outRequestNo = outRequestNo;
    gateway::PaymentGateway* gw = m_context.gateways().find(provider);
    if (!gw) {
        result.outcome = SettleFromProviderOutcome::NoGateway;
        result.message = tr("%1 is not set up on this till, so it cannot be asked about refund "
                            "%2.")
                             .arg(channelLabel(provider), outRequestNo);
        deliverRefund(context, std::move(done), std::move(result));
        return;
    }
    Result<Order> known = m_context.store().order(outTradeNo);
    const bool ours = known && known->channel == provider;
    const QString providerTradeNo = ours ? known->providerTradeNo : QString();
    QPointer<QObject> caller(context);
    gw->queryRefund(
        gateway::RefundQuery{outTradeNo, providerTradeNo, outRequestNo}, m_context.receiver(),
        [this, provider, result, caller, done = std::move(done)](
            gateway::GatewayResult<gateway::RefundQueryResult> answer) mutable {
            if (!answer.isSuccess()) {
                result.outcome = SettleFromProviderOutcome::NotAnswered;
                result.message = answer.cashierMessage();
            } else {
                result.outcome = SettleFromProviderOutcome::Answered;
                result.answer = answer.value();
                Result<Order> order = m_context.store().order(result.outTradeNo);
                result.orderKnown = order && order->channel == provider;
                if (result.orderKnown) {
                    std::optional<RefundRecord> before =
                        refundRecord(m_context.store(), result.outTradeNo, result.outRequestNo);
                    if (before)
                        result.before = before->state;
                    // Only the provider's word that the money went back records a refund.
                    if (result.answer.state == gateway::RefundState::Refunded) {
                        Result<TransitionOutcome> recorded = m_context.store().recordProviderRefund(
                            result.outTradeNo, result.outRequestNo, result.answer.refundFen,
                            result.answer.refundedAtMs, answer.providerFields());
                        if (!recorded) {
                            qCWarning(lcCheckout).noquote()
                                << "refund" << result.outRequestNo << "of order"
                                << result.outTradeNo << "not recorded:" << recorded.error().message;
                            result.message = recorded.error().message;
                            result.code = recorded.error().code;
                        } else if (*recorded == TransitionOutcome::Applied) {
                            m_context.announce(result.outTradeNo);
                        }
                    }
                    std::optional<RefundRecord> after =
                        refundRecord(m_context.store(), result.outTradeNo, result.outRequestNo);
                    if (after) {
                        result.after = after->state;
                        result.refundFen = after->amountFen;
                    }
                }
            }
            if (caller)
                done(result);
        });
}

} // namespace qpos::checkout
