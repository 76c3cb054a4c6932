#include "core/checkout/RefundRuns.h"

#include "core/checkout/EngineContext.h"
#include "core/checkout/TransitionBuilder.h"
#include "core/logging/LogCategories.h"
#include "core/money/Money.h"
#include "core/storage/OrderStore.h"

#include <QTimer>

#include <chrono>

namespace qpos::checkout {

using gateway::GatewayResult;
using gateway::RefundResult;
using gateway::RefundState;

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

// The answer proves the money moved (Alipay: fund_change Y; WeChat Pay: SUCCESS).
bool provesRefunded(const GatewayResult<RefundResult>& r) {
    return r.isSuccess() && r.value().state == RefundState::Refunded && r.value().fundChanged;
}

bool isHeld(const GatewayResult<RefundResult>& r) {
    return r.isSuccess() && r.value().state == RefundState::HeldByProvider;
}

} // namespace

QString heldRefundMessage(const QString& outRequestNo, money::Fen amountFen,
                          const QString& provider) {
    return QCoreApplication::translate(
               "qpos::checkout::CheckoutEngine",
               "Refund %1 of %2 is held by %3: the money could not go back to the customer's "
               "account (for example, the card was closed). A manager must handle it on %3's "
               "merchant platform. Do not refund it again; the till keeps checking it.")
        .arg(outRequestNo, money::formatYuan(amountFen), provider);
}

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

void RefundRuns::send(const RefundRecord& record,
                      std::function<void(GatewayResult<RefundResult>)> done) {
    const auto gap = m_context.policy().refundRepeatGap;
    auto it = m_lastSend.constFind(record.outTradeNo);
    if (it != m_lastSend.cend() && it->isValid() && it->elapsed() < gap.count()) {
        const auto wait = std::chrono::milliseconds(gap.count() - it->elapsed());
        QTimer::singleShot(
            wait, m_context.receiver(),
            [this, record, done = std::move(done)]() mutable { send(record, std::move(done)); });
        return;
    }
    Result<Order> order = m_context.store().order(record.outTradeNo);
    gateway::PaymentGateway* gw = order ? m_context.gateways().find(order->channel) : nullptr;
    if (!gw) {
        done(GatewayResult<RefundResult>::unknown(
            Error{QStringLiteral("refund.no_gateway"),
                  tr("The refund's order or payment channel is not available.")}));
        return;
    }
    m_lastSend[record.outTradeNo].start();
    qCInfo(lcCheckout).noquote() << "refund" << record.outRequestNo << "of"
                                 << money::formatYuan(record.amountFen) << "sent";
    gw->refund(refundRequestFor(*order, record), m_context.receiver(),
               [this, tradeNo = record.outTradeNo,
                done = std::move(done)](GatewayResult<RefundResult> r) mutable {
                   // The provider saw the request before its answer came back: counting the gap
                   // from the answer too keeps repeats 3 s apart as the provider sees them, even
                   // when the first request waited for its connection and the next did not.
                   m_lastSend[tradeNo].start();
                   done(std::move(r));
               });
}

void RefundRuns::sendRefund(const RefundRecord& record, const QString& requestId,
                            TransitionSource source) {
    send(record, [this, record, requestId, source](GatewayResult<RefundResult> r) {
        RefundReport report;
        report.requestId = requestId;
        report.outTradeNo = record.outTradeNo;
        report.outRequestNo = record.outRequestNo;
        Result<Order> current = m_context.store().order(record.outTradeNo);
        const QString channel = current ? channelLabel(current->channel) : QString();
        if (provesRefunded(r) && current) {
            settleRefund(record, RefundRecordState::Succeeded,
                         TransitionBuilder::forRefund(*current, record, r.value().refundedTotalFen,
                                                      source, r.providerFields()));
            report.ok = true;
            report.message =
                tr("Refunded %1 to the customer.").arg(money::formatYuan(record.amountFen));
        } else if (isHeld(r)) {
            holdRefund(record);
            report.pending = true;
            report.heldByProvider = true;
            report.message = heldRefundMessage(record.outRequestNo, record.amountFen, channel);
            m_handOver(); // checked on the recovery schedule until it ends
        } else if (r.isSuccess()) {
            // Answered, but the money is not proven to have moved (Alipay fund_change N):
            // the refund query decides, and repeats it with the same number if it was not made.
            report.pending = true;
            report.message = tr("%1 answered the refund without confirming that the money "
                                "moved. The till is checking it and will settle it "
                                "automatically; do not refund again.")
                                 .arg(channel);
            scheduleRefundCheck(record, 1);
        } else if (r.isRefused()) {
            settleRefund(record, RefundRecordState::Failed, std::nullopt);
            report.message = tr("The refund was refused: %1").arg(r.refused().cashierMessage);
        } else if (r.isInProgress() && current) {
            report.pending = true;
            report.message = tr("%1 accepted the refund and is still processing it. It is "
                                "kept and will be confirmed automatically; do not refund "
                                "again.")
                                 .arg(channel);
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

void RefundRuns::holdRefund(const RefundRecord& record) {
    if (record.state == RefundRecordState::HeldByProvider)
        return;
    Result<TransitionOutcome> outcome = m_context.store().settleRefund(
        record.outRequestNo, RefundRecordState::HeldByProvider, std::nullopt);
    if (!outcome) {
        qCWarning(lcCheckout).noquote()
            << "refund" << record.outRequestNo << "not recorded:" << outcome.error().message;
        return;
    }
    if (*outcome == TransitionOutcome::Applied) {
        qCWarning(lcCheckout).noquote()
            << "refund" << record.outRequestNo << "is held by the provider";
        m_context.announce(record.outTradeNo);
    }
}

void RefundRuns::tellManager(const RefundRecord& record, const QString& message) {
    RefundReport report;
    report.outTradeNo = record.outTradeNo;
    report.outRequestNo = record.outRequestNo;
    report.message = message;
    if (Result<Order> fresh = m_context.store().order(record.outTradeNo))
        report.order = *fresh;
    m_context.emitRefundFinished(report);
}

void RefundRuns::follow(const RefundRecord& record) {
    scheduleRefundCheck(record, 1);
}

// A refund not settled by its answer: ask the provider after a while; repeat it (same
// number) when the provider has no such refund.
void RefundRuns::scheduleRefundCheck(const RefundRecord& record, int attempt) {
    if (attempt > 5) {
        m_handOver(); // the recovery passes go on asking, less and less often
        return;
    }
    QTimer::singleShot(
        m_context.policy().settleRetry * attempt, m_context.receiver(), [this, record, attempt] {
            checkRefund(record, TransitionSource::Poll, [this, record, attempt](RefundCheck c) {
                if (c == RefundCheck::Open)
                    scheduleRefundCheck(record, attempt + 1);
                else if (c == RefundCheck::HeldByProvider)
                    m_handOver();
            });
        });
}

void RefundRuns::checkRefund(const RefundRecord& record, TransitionSource source,
                             std::function<void(RefundCheck)> done) {
    Result<Order> order = m_context.store().order(record.outTradeNo);
    gateway::PaymentGateway* gw = order ? m_context.gateways().find(order->channel) : nullptr;
    if (!gw) {
        done(RefundCheck::Open);
        return;
    }
    gateway::RefundQuery query{record.outTradeNo, order->providerTradeNo, record.outRequestNo};
    gw->queryRefund(
        query, m_context.receiver(),
        [this, record, source, done,
         channel = channelLabel(order->channel)](GatewayResult<gateway::RefundQueryResult> r) {
            const RefundState state = r.isSuccess() ? r.value().state : RefundState::Processing;
            switch (state) {
            case RefundState::Refunded:
                if (Result<Order> current = m_context.store().order(record.outTradeNo))
                    settleRefund(record, RefundRecordState::Succeeded,
                                 TransitionBuilder::forRefund(*current, record, std::nullopt,
                                                              source, r.providerFields()));
                done(RefundCheck::Refunded);
                return;
            case RefundState::Closed:
                settleRefund(record, RefundRecordState::Failed, std::nullopt);
                qCWarning(lcCheckout).noquote()
                    << "refund" << record.outRequestNo << "was closed by the provider";
                tellManager(record, tr("Refund %1 of %2 failed: %3 closed it and no money went "
                                       "back to the customer. Refund again if the customer is "
                                       "still owed the money.")
                                        .arg(record.outRequestNo,
                                             money::formatYuan(record.amountFen), channel));
                done(RefundCheck::Failed);
                return;
            case RefundState::HeldByProvider:
                if (record.state != RefundRecordState::HeldByProvider) {
                    holdRefund(record);
                    tellManager(record,
                                heldRefundMessage(record.outRequestNo, record.amountFen, channel));
                }
                done(RefundCheck::HeldByProvider);
                return;
            case RefundState::Processing:
                done(RefundCheck::Open);
                return;
            case RefundState::NotFound:
                break;
            }
            if (record.state == RefundRecordState::HeldByProvider) {
                done(RefundCheck::HeldByProvider); // never sent again
                return;
            }
            // The provider has no such refund: it never arrived. Repeat it with the same number.
            resend(record, source, done);
        });
}

void RefundRuns::resend(const RefundRecord& record, TransitionSource source,
                        std::function<void(RefundCheck)> done) {
    send(record, [this, record, source, done](GatewayResult<RefundResult> rr) {
        Result<Order> current = m_context.store().order(record.outTradeNo);
        if (provesRefunded(rr) && current) {
            settleRefund(record, RefundRecordState::Succeeded,
                         TransitionBuilder::forRefund(*current, record, rr.value().refundedTotalFen,
                                                      source, rr.providerFields()));
            done(RefundCheck::Refunded);
        } else if (isHeld(rr)) {
            holdRefund(record);
            tellManager(record,
                        heldRefundMessage(record.outRequestNo, record.amountFen,
                                          current ? channelLabel(current->channel) : QString()));
            done(RefundCheck::HeldByProvider);
        } else if (rr.isRefused()) {
            settleRefund(record, RefundRecordState::Failed, std::nullopt);
            tellManager(record, tr("Refund %1 of %2 was refused: %3")
                                    .arg(record.outRequestNo, money::formatYuan(record.amountFen),
                                         rr.refused().cashierMessage));
            done(RefundCheck::Failed);
        } else {
            done(RefundCheck::Open); // not proven yet: the next check queries it again
        }
    });
}

} // namespace qpos::checkout
