#include "core/checkout/RefundRuns.h"

#include "core/checkout/EngineContext.h"
#include "core/checkout/TransitionBuilder.h"
#include "core/logging/LogCategories.h"
#include "core/money/Money.h"
#include "core/storage/OrderStore.h"

#include <QTimer>

namespace qpos::checkout {

using gateway::GatewayResult;

namespace {

// The provider request for a refund in the ledger: the same number and amount every time.
gateway::RefundRequest refundRequestFor(const Order& order, const RefundRecord& record) {
    gateway::RefundRequest req;
    req.outTradeNo = record.outTradeNo;
    req.providerTradeNo = order.providerTradeNo;
    req.outRequestNo = record.outRequestNo;
    req.amountFen = record.amountFen;
    req.reason = record.reason;
    req.storeId = order.storeId;
    req.terminalId = order.terminalId;
    req.operatorId = record.actor;
    req.tradeTotalFen = order.amountFen;
    return req;
}

} // namespace

RefundRuns::RefundRuns(EngineContext& context, std::function<void()> handOver)
    : m_context(context)
    , m_handOver(std::move(handOver)) {}

void RefundRuns::refund(const RefundCommand& command) {
    RefundReport report;
    report.requestId = command.requestId;
    report.outTradeNo = command.outTradeNo;
    Result<Order> order = m_context.store().order(command.outTradeNo);
    if (!order) {
        report.message = order.error().message;
        m_context.emitRefundFinished(report);
        return;
    }
    gateway::PaymentGateway* gw = m_context.gateways().find(order->channel);
    if (!gw) {
        report.message = tr("%1 is not set up on this till, so its payments cannot be refunded "
                            "here.")
                             .arg(channelLabel(order->channel));
        m_context.emitRefundFinished(report);
        return;
    }
    if (command.managerId.isEmpty()) {
        report.message = tr("A refund needs a manager's approval.");
        m_context.emitRefundFinished(report);
        return;
    }
    Result<RefundRecord> record = m_context.store().beginRefund(
        command.outTradeNo, command.amountFen, command.reason, command.managerId);
    if (!record) {
        report.message = record.error().message;
        m_context.emitRefundFinished(report);
        return;
    }
    sendRefund(*record, command.requestId, TransitionSource::Request);
}

void RefundRuns::sendRefund(const RefundRecord& record, const QString& requestId,
                            TransitionSource source) {
    Result<Order> order = m_context.store().order(record.outTradeNo);
    gateway::PaymentGateway* gw = order ? m_context.gateways().find(order->channel) : nullptr;
    if (!gw)
        return;
    const gateway::RefundRequest req = refundRequestFor(*order, record);
    qCInfo(lcCheckout).noquote() << "refund" << record.outRequestNo << "of"
                                 << money::formatYuan(record.amountFen) << "sent";
    gw->refund(
        req, m_context.receiver(),
        [this, record, requestId, source](GatewayResult<gateway::RefundResult> r) {
            RefundReport report;
            report.requestId = requestId;
            report.outTradeNo = record.outTradeNo;
            report.outRequestNo = record.outRequestNo;
            Result<Order> current = m_context.store().order(record.outTradeNo);
            if (r.isSuccess() && current) {
                settleRefund(record, RefundRecordState::Succeeded,
                             TransitionBuilder::forRefund(*current, record,
                                                          r.value().refundedTotalFen, source,
                                                          r.providerFields()));
                report.ok = true;
                report.message =
                    tr("Refunded %1 to the customer.").arg(money::formatYuan(record.amountFen));
            } else if (r.isRefused()) {
                settleRefund(record, RefundRecordState::Failed, std::nullopt);
                report.message = tr("The refund was refused: %1").arg(r.refused().cashierMessage);
            } else if (r.isInProgress() && current) {
                report.pending = true;
                report.message = tr("%1 accepted the refund and is still processing it. It is "
                                    "kept and will be confirmed automatically; do not refund "
                                    "again.")
                                     .arg(channelLabel(current->channel));
                scheduleRefundCheck(record, 1);
            } else {
                report.pending = true;
                report.message = tr("The refund could not be confirmed yet (%1). It is kept and "
                                    "will be settled automatically; do not refund again.")
                                     .arg(r.cashierMessage());
                scheduleRefundCheck(record, 1);
            }
            if (Result<Order> fresh = m_context.store().order(record.outTradeNo))
                report.order = *fresh;
            m_context.emitRefundFinished(report);
        });
}

void RefundRuns::settleRefund(const RefundRecord& record, RefundRecordState state,
                              const std::optional<OrderTransition>& transition) {
    Result<TransitionOutcome> outcome =
        m_context.store().settleRefund(record.outRequestNo, state, transition);
    if (!outcome) {
        qCWarning(lcCheckout).noquote()
            << "refund" << record.outRequestNo << "not recorded:" << outcome.error().message;
        return;
    }
    if (*outcome == TransitionOutcome::Applied)
        m_context.announce(record.outTradeNo);
}

// A refund whose answer was lost: ask the provider after a while; repeat it (same number)
// when the provider has no such refund.
void RefundRuns::scheduleRefundCheck(const RefundRecord& record, int attempt) {
    if (attempt > 5) {
        m_handOver(); // the recovery passes go on asking, less and less often
        return;
    }
    QTimer::singleShot(
        m_context.policy().settleRetry * attempt, m_context.receiver(), [this, record, attempt] {
            checkRefund(record, TransitionSource::Poll, [this, record, attempt](bool settled) {
                if (!settled)
                    scheduleRefundCheck(record, attempt + 1);
            });
        });
}

void RefundRuns::checkRefund(const RefundRecord& record, TransitionSource source,
                             std::function<void(bool)> done) {
    Result<Order> order = m_context.store().order(record.outTradeNo);
    gateway::PaymentGateway* gw = order ? m_context.gateways().find(order->channel) : nullptr;
    if (!gw) {
        done(false);
        return;
    }
    gateway::RefundQuery query{record.outTradeNo, order->providerTradeNo, record.outRequestNo};
    gw->queryRefund(
        query, m_context.receiver(),
        [this, record, source, done, gw,
         order = *order](GatewayResult<gateway::RefundQueryResult> r) {
            if (r.isSuccess() && r.value().state == gateway::RefundState::Refunded) {
                Result<Order> current = m_context.store().order(record.outTradeNo);
                if (current)
                    settleRefund(record, RefundRecordState::Succeeded,
                                 TransitionBuilder::forRefund(*current, record, std::nullopt,
                                                              source, r.providerFields()));
                done(true);
                return;
            }
            if (!r.isSuccess() || r.value().state == gateway::RefundState::Processing) {
                done(false);
                return;
            }
            // The provider has no such refund: it never arrived. Repeat it with the same number.
            const gateway::RefundRequest req = refundRequestFor(order, record);
            gw->refund(req, m_context.receiver(),
                       [this, record, source, done](GatewayResult<gateway::RefundResult> rr) {
                           Result<Order> current = m_context.store().order(record.outTradeNo);
                           if (rr.isSuccess() && current) {
                               settleRefund(record, RefundRecordState::Succeeded,
                                            TransitionBuilder::forRefund(
                                                *current, record, rr.value().refundedTotalFen,
                                                source, rr.providerFields()));
                               done(true);
                           } else if (rr.isRefused()) {
                               settleRefund(record, RefundRecordState::Failed, std::nullopt);
                               done(true);
                           } else {
                               done(false);
                           }
                       });
        });
}

} // namespace qpos::checkout
