#include "core/checkout/RecoveryPass.h"

#include "core/checkout/EngineContext.h"
#include "core/checkout/RefundRuns.h"
#include "core/checkout/TransitionBuilder.h"
#include "core/logging/LogCategories.h"
#include "core/money/Money.h"
#include "core/storage/OrderStore.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <algorithm>

namespace qpos::checkout {

using gateway::GatewayResult;
using gateway::TradeSnapshot;
using gateway::TradeState;

// One pass over what an earlier run left open. Orders are settled one after the other.
struct RecoveryPass::Pass {
    RecoveryReport report;
    QList<Order> orders;
    QList<RefundRecord> refunds;
    QSet<QString> cancelRefunded; // orders whose cancel refunded a payment
    // Orders whose cancel made a refund the provider has not finished: its number.
    QHash<QString, QString> cancelRefundPending;
    std::unique_ptr<QObject> context = std::make_unique<QObject>();
};

RecoveryPass::RecoveryPass(EngineContext& context, const CheckoutRuns& checkouts,
                           RefundRuns& refunds)
    : m_context(context)
    , m_checkouts(checkouts)
    , m_refunds(refunds)
    , m_nextRetry(context.policy().recoveryRetry) {
    m_retry = new QTimer(context.receiver());
    m_retry->setSingleShot(true);
    QObject::connect(m_retry, &QTimer::timeout, context.receiver(), [this] { run(); });
}

RecoveryPass::~RecoveryPass() = default;

void RecoveryPass::run() {
    if (m_pass)
        return; // one pass at a time
    m_retry->stop();
    m_pass = std::make_unique<Pass>();
    Result<QList<Order>> orders = m_context.store().openOrders();
    Result<QList<RefundRecord>> refunds = m_context.store().openRefunds();
    if (!orders || !refunds) {
        m_pass->report.lines << (!orders ? orders.error().message : refunds.error().message);
        finishRecovery();
        return;
    }
    for (const Order& o : *orders)
        if (!m_checkouts.isRunning(o.outTradeNo))
            m_pass->orders << o;
    m_pass->refunds = *refunds;
    m_pass->report.examined = int(m_pass->orders.size() + m_pass->refunds.size());
    if (m_pass->report.examined > 0)
        qCInfo(lcCheckout) << "recovery:" << m_pass->orders.size() << "open orders and"
                           << m_pass->refunds.size() << "open refunds";
    recoverNext();
}

QString RecoveryPass::channelOfRefund(const RefundRecord& record) const {
    Result<Order> order = m_context.store().order(record.outTradeNo);
    return order ? channelLabel(order->channel) : QString();
}

void RecoveryPass::recoverNext() {
    Pass& rec = *m_pass;
    if (!rec.orders.isEmpty()) {
        const Order order = rec.orders.takeFirst();
        gateway::PaymentGateway* gw = m_context.gateways().find(order.channel);
        if (!gw) {
            recoveredOrder(order, false,
                           tr("Order %1 (%2) is still open, but %3 is not set up on this till.")
                               .arg(order.outTradeNo, money::formatYuan(order.amountFen),
                                    channelLabel(order.channel)));
            return;
        }
        recoverOrder(order, gw, Settle::None);
        return;
    }
    if (!rec.refunds.isEmpty()) {
        const RefundRecord record = rec.refunds.takeFirst();
        m_refunds.checkRefund(
            record, TransitionSource::Recovery, [this, record](RefundCheck check) {
                if (!m_pass)
                    return;
                const QString amount = money::formatYuan(record.amountFen);
                switch (check) {
                case RefundCheck::Refunded:
                    ++m_pass->report.settled;
                    m_pass->report.lines
                        << tr("Refund %1 of %2 settled.").arg(record.outRequestNo, amount);
                    break;
                case RefundCheck::Failed:
                    ++m_pass->report.settled;
                    m_pass->report.lines
                        << tr("Refund %1 of %2 failed: no money went back to the customer. "
                              "Refund again if the customer is still owed the money.")
                               .arg(record.outRequestNo, amount);
                    break;
                case RefundCheck::HeldByProvider:
                    // Not settled: the passes go on checking it until it ends.
                    ++m_pass->report.unresolved;
                    m_pass->report.lines << heldRefundMessage(record.outRequestNo, record.amountFen,
                                                              channelOfRefund(record));
                    break;
                case RefundCheck::Open:
                    ++m_pass->report.unresolved;
                    m_pass->report.lines
                        << tr("Refund %1 of %2 could not be confirmed yet; it will be retried.")
                               .arg(record.outRequestNo, amount);
                    break;
                }
                recoverNext();
            });
        return;
    }
    finishRecovery();
}

// Queries the order; one that is still open is closed (QR) or cancelled (payment code, or a
// QR that never existed) at the provider, then queried again.
void RecoveryPass::recoverOrder(const Order& order, gateway::PaymentGateway* gw, Settle step) {
    QObject* ctx = m_pass->context.get();
    gw->queryTrade(
        gateway::TradeRef{order.outTradeNo, order.providerTradeNo}, ctx,
        [this, order, gw, step](GatewayResult<TradeSnapshot> r) {
            if (!r.isSuccess()) {
                recoveredOrder(order, false,
                               tr("Order %1 (%2) could not be checked (%3); it will be retried.")
                                   .arg(order.outTradeNo, money::formatYuan(order.amountFen),
                                        r.cashierMessage()));
                return;
            }
            Order current = order;
            m_context.applySnapshot(current, r.value(), TransitionSource::Recovery,
                                    r.providerFields(),
                                    m_pass->cancelRefunded.contains(order.outTradeNo),
                                    m_pass->cancelRefundPending.value(order.outTradeNo));
            if (!needsRecovery(current.state)) {
                recoveredOrder(current, true,
                               tr("Order %1 (%2): %3.")
                                   .arg(current.outTradeNo, money::formatYuan(current.amountFen),
                                        orderStateLabel(current.state)));
                return;
            }
            if (step != Settle::None && r.value().state == TradeState::NotCreated) {
                // Cancelled before it existed: it can never be paid now.
                const bool ok = m_context.apply(TransitionBuilder::forNeverCreated(
                    current.outTradeNo, TransitionSource::Recovery, r.providerFields()));
                recoveredOrder(current, ok,
                               tr("Order %1 (%2): %3.")
                                   .arg(current.outTradeNo, money::formatYuan(current.amountFen),
                                        orderStateLabel(OrderState::Cancelled)));
                return;
            }
            if (step != Settle::None) {
                recoveredOrder(current, false,
                               tr("Order %1 (%2) is still open at %3; it will be retried.")
                                   .arg(current.outTradeNo, money::formatYuan(current.amountFen),
                                        channelLabel(current.channel)));
                return;
            }
            settleForRecovery(current, gw,
                              r.value().state != TradeState::NotCreated &&
                                  current.flow == PaymentFlow::QrCode);
        });
}

void RecoveryPass::settleForRecovery(const Order& order, gateway::PaymentGateway* gw, bool close) {
    QObject* ctx = m_pass->context.get();
    const gateway::TradeRef ref{order.outTradeNo, order.providerTradeNo};
    if (close) {
        gw->closeTrade(ref, ctx, [this, order, gw](GatewayResult<gateway::CloseResult> r) {
            if (r.isUnknown()) {
                recoveredOrder(order, false,
                               tr("Order %1 (%2) could not be closed (%3); it will be retried.")
                                   .arg(order.outTradeNo, money::formatYuan(order.amountFen),
                                        r.cashierMessage()));
                return;
            }
            if (r.isSuccess() && !r.value().existedAtProvider) {
                settleForRecovery(order, gw, false);
                return;
            }
            recoverOrder(order, gw, Settle::Close);
        });
        return;
    }
    gw->cancelTrade(ref, ctx, [this, order, gw](GatewayResult<gateway::CancelResult> r) {
        if (r.isUnknown()) {
            recoveredOrder(
                order, false,
                tr("Order %1 (%2) could not be cancelled (%3); it will be retried.")
                    .arg(order.outTradeNo, money::formatYuan(order.amountFen), r.cashierMessage()));
            return;
        }
        if (r.isSuccess() && r.value().action == gateway::CancelAction::Refunded) {
            m_pass->cancelRefunded.insert(order.outTradeNo);
            if (!r.value().pendingRefundNo.isEmpty())
                m_pass->cancelRefundPending.insert(order.outTradeNo, r.value().pendingRefundNo);
        }
        recoverOrder(order, gw, Settle::Cancel);
    });
}

void RecoveryPass::recoveredOrder(const Order& order, bool settled, const QString& line) {
    if (!m_pass)
        return;
    if (settled)
        ++m_pass->report.settled;
    else
        ++m_pass->report.unresolved;
    m_pass->report.lines << line;
    qCInfo(lcCheckout).noquote() << "recovery:" << line << "(" << order.outTradeNo << ")";
    // Next order from the event loop: the gateway's call stack unwinds first.
    QTimer::singleShot(0, m_context.receiver(), [this] {
        if (m_pass)
            recoverNext();
    });
}

void RecoveryPass::finishRecovery() {
    std::unique_ptr<Pass> done = std::move(m_pass);
    if (done->report.unresolved > 0) {
        schedule();
        m_nextRetry = std::min(m_nextRetry * 2, m_context.policy().recoveryRetryMax);
    } else {
        m_nextRetry = m_context.policy().recoveryRetry;
    }
    m_context.emitRecoveryFinished(done->report);
    done->context.release()->deleteLater();
}

// Another recovery pass after the current wait, unless one runs or is already due.
void RecoveryPass::schedule() {
    if (m_pass || m_retry->isActive())
        return;
    m_retry->start(m_nextRetry);
}

} // namespace qpos::checkout
