#include "core/checkout/CheckoutRuns.h"

#include "core/checkout/EngineContext.h"
#include "core/checkout/TransitionBuilder.h"
#include "core/logging/LogCategories.h"
#include "core/money/Money.h"
#include "core/storage/OrderStore.h"

#include <QTimer>

#include <chrono>

namespace qpos::checkout {

using gateway::GatewayResult;
using gateway::TradeSnapshot;
using gateway::TradeState;

// One checkout the engine is driving. Its `context` receives the gateways' callbacks:
// deleting it when the run ends drops answers nobody waits for any more.
struct CheckoutRuns::Run {
    QString requestId;
    Order order;
    gateway::PaymentGateway* gateway = nullptr;
    QString qrCode;
    qint64 waitStartMs = 0;
    qint64 deadlineMs = 0; // QR expiry, or the payment code's confirmation limit
    CheckoutPhase phase = CheckoutPhase::Creating;
    QString message;
    bool requestAnswered = false; // the create / pay answer arrived
    bool cancelRequested = false;
    QString cancelActor;
    Settle settle = Settle::None;
    bool settleSent = false;     // a close or cancel answer was a success
    bool cancelRefunded = false; // the provider's cancel refunded a payment
    QString cancelRefundPending; // the number of that refund while the provider finishes it
    bool queryInFlight = false;
    bool settleInFlight = false;
    bool settleFailed = false; // the last close / cancel could not reach the provider
    std::unique_ptr<QObject> context = std::make_unique<QObject>();
    QTimer* poll = nullptr;
    QTimer* deadline = nullptr;
};

namespace {

// What a create or pay request says about the order itself, the same for both flows.
template <typename Request>
Request requestFor(const Order& order) {
    Request request;
    request.outTradeNo = order.outTradeNo;
    request.amountFen = order.amountFen;
    request.subject = order.subject;
    request.storeId = order.storeId;
    request.terminalId = order.terminalId;
    request.operatorId = order.cashierId;
    return request;
}

// A trade the provider closed this close to our own deadline was closed by its expiry.
constexpr qint64 kExpiryMarginMs = 2000;
} // namespace

CheckoutRuns::CheckoutRuns(EngineContext& context)
    : m_context(context) {}

CheckoutRuns::~CheckoutRuns() {
    // Runs end here without a final state: the orders stay open and the next start's
    // recovery settles them.
    for (const auto& run : std::as_const(m_runs))
        run->context.reset();
}

bool CheckoutRuns::isRunning(const QString& outTradeNo) const {
    return m_runs.contains(outTradeNo);
}

int CheckoutRuns::count() const {
    return int(m_runs.size());
}

void CheckoutRuns::orderApplied(const Order& order) {
    if (std::shared_ptr<Run> run = m_runs.value(order.outTradeNo))
        run->order = order;
}

// --- starting -------------------------------------------------------------------------------

std::shared_ptr<CheckoutRuns::Run> CheckoutRuns::begin(const QString& requestId,
                                                       const NewOrder& request) {
    CheckoutUpdate refused;
    refused.requestId = requestId;
    refused.channel = request.channel;
    refused.flow = request.flow;
    refused.amountFen = request.amountFen;
    refused.phase = CheckoutPhase::Failed;

    gateway::PaymentGateway* gw = m_context.gateways().find(request.channel);
    if (!gw) {
        refused.message = tr("%1 is not set up on this till. Choose another way to pay.")
                              .arg(channelLabel(request.channel));
        m_context.emitCheckoutUpdated(refused);
        return nullptr;
    }
    if (gw->circuitState() == gateway::CircuitState::Open) {
        refused.message = tr("%1 cannot be reached at the moment (several requests failed in a "
                             "row). Wait a minute and try again, or choose another way to pay.")
                              .arg(channelLabel(request.channel));
        m_context.emitCheckoutUpdated(refused);
        return nullptr;
    }
    // The order is durable before anything leaves the till.
    Result<Order> created = m_context.store().createOrder(request);
    if (!created) {
        refused.message = created.error().message;
        m_context.emitCheckoutUpdated(refused);
        return nullptr;
    }
    auto run = std::make_shared<Run>();
    run->requestId = requestId;
    run->order = *created;
    run->gateway = gw;
    run->poll = new QTimer(run->context.get());
    run->poll->setSingleShot(true);
    run->deadline = new QTimer(run->context.get());
    run->deadline->setSingleShot(true);
    const QString outTradeNo = run->order.outTradeNo;
    QObject::connect(run->poll, &QTimer::timeout, m_context.receiver(),
                     [this, outTradeNo] { pollNow(outTradeNo); });
    QObject::connect(run->deadline, &QTimer::timeout, m_context.receiver(),
                     [this, outTradeNo] { deadlineReached(outTradeNo); });
    m_runs.insert(outTradeNo, run);
    m_context.emitOrderChanged(run->order);
    publish(*run, CheckoutPhase::Creating, {});
    return run;
}

void CheckoutRuns::startQr(const QString& requestId, const NewOrder& order) {
    NewOrder request = order;
    request.flow = PaymentFlow::QrCode;
    std::shared_ptr<Run> run = begin(requestId, request);
    if (!run)
        return;
    auto req = requestFor<gateway::QrOrderRequest>(run->order);
    req.expiresAfterS = m_context.policy().qrTimeoutS;
    const QString outTradeNo = run->order.outTradeNo;
    qCInfo(lcCheckout).noquote() << "checkout" << outTradeNo << "QR via"
                                 << channelName(run->order.channel) << "for"
                                 << money::formatYuan(run->order.amountFen);
    run->gateway->createQrOrder(req, run->context.get(),
                                [this, outTradeNo](GatewayResult<gateway::QrOrder> result) {
                                    onQrCreated(outTradeNo, std::move(result));
                                });
}

void CheckoutRuns::startWithCode(const QString& requestId, const NewOrder& order,
                                 const QString& authCode) {
    NewOrder request = order;
    request.flow = PaymentFlow::PayByCode;
    std::shared_ptr<Run> run = begin(requestId, request);
    if (!run)
        return;
    auto req = requestFor<gateway::PayByCodeRequest>(run->order);
    req.authCode = authCode;
    const QString outTradeNo = run->order.outTradeNo;
    qCInfo(lcCheckout).noquote() << "checkout" << outTradeNo << "payment code via"
                                 << channelName(run->order.channel) << "for"
                                 << money::formatYuan(run->order.amountFen);
    run->gateway->payByCode(req, run->context.get(),
                            [this, outTradeNo](GatewayResult<TradeSnapshot> result) {
                                onCodeCharged(outTradeNo, std::move(result));
                            });
}

// --- the first answer -----------------------------------------------------------------------

void CheckoutRuns::startWaiting(Run& run) {
    run.waitStartMs = m_context.now();
    const qint64 limitS = run.order.flow == PaymentFlow::QrCode ? m_context.policy().qrTimeoutS
                                                                : m_context.policy().codeTimeoutS;
    run.deadlineMs = run.waitStartMs + limitS * 1000;
    run.deadline->start(
        std::chrono::milliseconds(qMax<qint64>(0, run.deadlineMs - m_context.now())));
}

void CheckoutRuns::onQrCreated(const QString& outTradeNo, GatewayResult<gateway::QrOrder> result) {
    std::shared_ptr<Run> run = m_runs.value(outTradeNo);
    if (!run)
        return;
    run->requestAnswered = true;
    const QJsonObject fields = result.providerFields();
    switch (result.kind()) {
    case gateway::OutcomeKind::Success:
        run->qrCode = result.value().qrCode;
        startWaiting(*run);
        if (run->cancelRequested) {
            m_context.apply(
                TransitionBuilder::forRequestAnswer(outTradeNo, OrderState::Pending, fields));
            startSettle(*run, Settle::Cancel);
            return;
        }
        // The QR goes on screen first: the order is already durable, and a crash before
        // Pending is written leaves it Created, which recovery settles the same way.
        publish(*run, CheckoutPhase::Waiting, tr("Waiting for the customer to scan and pay."));
        m_context.apply(
            TransitionBuilder::forRequestAnswer(outTradeNo, OrderState::Pending, fields));
        schedulePoll(*run);
        return;
    case gateway::OutcomeKind::Refused:
        m_context.apply(TransitionBuilder::forRefusal(outTradeNo, result.refused(), fields));
        finish(outTradeNo, CheckoutPhase::Failed, result.refused().cashierMessage);
        return;
    case gateway::OutcomeKind::InProgress:
    case gateway::OutcomeKind::Unknown:
        break;
    }
    m_context.apply(TransitionBuilder::forRequestAnswer(
        outTradeNo, OrderState::Unknown, fields,
        result.isUnknown() ? result.unknown().reason.code : QStringLiteral("in_progress")));
    startWaiting(*run);
    // No QR to show: nobody can pay this order, so it is cancelled at the provider and the
    // query that follows decides its state.
    publish(*run, CheckoutPhase::Checking,
            tr("%1 did not answer (%2). Checking what happened…")
                .arg(channelLabel(run->order.channel), result.cashierMessage()));
    startSettle(*run, Settle::Cancel);
}

void CheckoutRuns::onCodeCharged(const QString& outTradeNo, GatewayResult<TradeSnapshot> result) {
    std::shared_ptr<Run> run = m_runs.value(outTradeNo);
    if (!run)
        return;
    run->requestAnswered = true;
    startWaiting(*run);
    switch (result.kind()) {
    case gateway::OutcomeKind::Success:
        handleSnapshot(*run, result.value(), TransitionSource::Request, result.providerFields());
        return;
    case gateway::OutcomeKind::InProgress: {
        m_context.apply(TransitionBuilder::forRequestAnswer(outTradeNo, OrderState::Pending,
                                                            result.providerFields()));
        if (run->cancelRequested) {
            startSettle(*run, Settle::Cancel);
            return;
        }
        publish(*run, CheckoutPhase::Confirming,
                result.inProgress().cashierMessage.isEmpty()
                    ? tr("The customer is confirming the payment on the phone.")
                    : result.inProgress().cashierMessage);
        schedulePoll(*run);
        return;
    }
    case gateway::OutcomeKind::Refused:
        m_context.apply(
            TransitionBuilder::forRefusal(outTradeNo, result.refused(), result.providerFields()));
        finish(outTradeNo, CheckoutPhase::Failed, result.refused().cashierMessage);
        return;
    case gateway::OutcomeKind::Unknown:
        break;
    }
    m_context.apply(TransitionBuilder::forRequestAnswer(
        outTradeNo, OrderState::Unknown, result.providerFields(), result.unknown().reason.code));
    if (run->cancelRequested) {
        startSettle(*run, Settle::Cancel);
        return;
    }
    publish(*run, CheckoutPhase::Checking,
            tr("%1 did not answer (%2). Checking whether the customer paid…")
                .arg(channelLabel(run->order.channel), result.cashierMessage()));
    schedulePoll(*run);
}

// --- polling --------------------------------------------------------------------------------

void CheckoutRuns::schedulePoll(Run& run) {
    if (run.queryInFlight || run.settleInFlight)
        return;
    if (run.settle != Settle::None && !run.settleSent && !run.settleFailed) {
        sendSettle(run);
        return;
    }
    const auto elapsed =
        std::chrono::milliseconds(qMax<qint64>(0, m_context.now() - run.waitStartMs));
    std::optional<std::chrono::milliseconds> delay = m_context.policy().poll.nextDelay(elapsed);
    if (run.settle != Settle::None)
        delay = m_context.policy().settleRetry;
    if (!delay) {
        // Polled as long as allowed: wind the checkout up at the provider.
        startSettle(run, run.order.flow == PaymentFlow::QrCode ? Settle::Close : Settle::Cancel);
        return;
    }
    run.poll->start(*delay);
}

void CheckoutRuns::pollNow(const QString& outTradeNo) {
    std::shared_ptr<Run> run = m_runs.value(outTradeNo);
    if (!run || run->queryInFlight)
        return;
    if (run->settle != Settle::None && !run->settleSent) {
        sendSettle(*run); // a close or cancel that could not be sent yet
        return;
    }
    run->queryInFlight = true;
    run->gateway->queryTrade(gateway::TradeRef{outTradeNo, run->order.providerTradeNo},
                             run->context.get(),
                             [this, outTradeNo](GatewayResult<TradeSnapshot> result) {
                                 onQueried(outTradeNo, std::move(result));
                             });
}

void CheckoutRuns::onQueried(const QString& outTradeNo, GatewayResult<TradeSnapshot> result) {
    std::shared_ptr<Run> run = m_runs.value(outTradeNo);
    if (!run)
        return;
    run->queryInFlight = false;
    if (result.isSuccess()) {
        handleSnapshot(*run, result.value(), TransitionSource::Poll, result.providerFields());
        return;
    }
    if (!isFinalPhase(run->phase) && result.isUnknown() && run->settle == Settle::None)
        publish(*run, run->phase,
                tr("%1 is not answering (%2). Still checking…")
                    .arg(channelLabel(run->order.channel), result.cashierMessage()));
    schedulePoll(*run);
}

// What the provider says about the trade decides the order; the run ends when that is final.
void CheckoutRuns::handleSnapshot(Run& run, const TradeSnapshot& snapshot, TransitionSource source,
                                  const QJsonObject& fields) {
    const QString outTradeNo = run.order.outTradeNo;
    m_context.applySnapshot(run.order, snapshot, source, fields, run.cancelRefunded,
                            run.cancelRefundPending);
    const OrderState state = run.order.state;

    if (state == OrderState::Paid && run.cancelRequested && run.settle == Settle::Cancel &&
        !run.settleSent) {
        // Paid while the cashier's cancel is on its way: its refund decides.
        schedulePoll(run);
        return;
    }
    if (state == OrderState::Paid && run.cancelRefunded && !run.cancelRefundPending.isEmpty()) {
        finish(outTradeNo, CheckoutPhase::Reversed,
               tr("The customer had already paid when the payment was cancelled. %1 is "
                  "refunding the money; the refund is being confirmed and the order shows it "
                  "once %1 has made it.")
                   .arg(channelLabel(run.order.channel)));
        return;
    }
    if (state == OrderState::Paid || state == OrderState::PartiallyRefunded) {
        finish(outTradeNo, CheckoutPhase::Paid,
               run.settle == Settle::Close
                   ? tr("Paid just before the QR code expired.")
                   : tr("Paid. %1 received.").arg(money::formatYuan(run.order.amountFen)));
        return;
    }
    if (state == OrderState::Refunded) {
        finish(outTradeNo, CheckoutPhase::Reversed,
               tr("The customer had already paid when the payment was cancelled; the money was "
                  "refunded to the customer."));
        return;
    }
    if (state == OrderState::Failed) {
        finish(outTradeNo, CheckoutPhase::Failed,
               tr("%1 reports the payment failed. Ask the customer to pay again.")
                   .arg(channelLabel(run.order.channel)));
        return;
    }
    if (state == OrderState::Cancelled) {
        const QString channel = channelLabel(run.order.channel);
        if (run.cancelRequested)
            finish(outTradeNo, CheckoutPhase::Cancelled,
                   tr("Payment cancelled. Nothing was charged."));
        else if (run.order.flow == PaymentFlow::QrCode && run.qrCode.isEmpty())
            finish(outTradeNo, CheckoutPhase::Cancelled,
                   tr("%1 did not answer in time, so the payment was cancelled there. Nothing "
                      "was charged: charge again.")
                       .arg(channel));
        // The provider may close a QR at its expiry before our own deadline fires (WeChat
        // Pay's time_expire is to the second): that is an expiry too.
        else if (run.settle != Settle::None ||
                 (run.deadlineMs > 0 && m_context.now() + kExpiryMarginMs >= run.deadlineMs))
            finish(outTradeNo, CheckoutPhase::Expired,
                   run.order.flow == PaymentFlow::QrCode
                       ? tr("Nobody paid in time; the payment was closed. Nothing was charged.")
                       : tr("The customer did not confirm the payment in time; it was "
                            "cancelled. Nothing was charged."));
        else
            finish(outTradeNo, CheckoutPhase::Cancelled,
                   tr("The payment was closed at %1 (the customer cancelled, or it timed out). "
                      "Nothing was charged.")
                       .arg(channel));
        return;
    }

    // Still open (waiting, or not created yet).
    if (run.settle != Settle::None) {
        if (run.settleSent && snapshot.state == TradeState::NotCreated) {
            // Cancelled before it ever existed: the provider keeps it closed.
            if (m_context.apply(TransitionBuilder::forNeverCreated(outTradeNo, source, fields))) {
                run.order.state = OrderState::Cancelled;
                handleSnapshot(run, snapshot, source, fields);
                return;
            }
        }
        schedulePoll(run);
        return;
    }
    if (snapshot.state == TradeState::WaitingForBuyer) {
        if (run.order.flow == PaymentFlow::PayByCode)
            publish(run, CheckoutPhase::Confirming,
                    tr("The customer is confirming the payment on the phone."));
        // An Alipay trade exists once someone scanned; a WeChat Native order exists from the
        // start (NOTPAY) and says USERPAYING only while the buyer pays.
        else if (const QString scanned = tr("The customer scanned the code and is paying…");
                 (run.order.channel == Channel::Alipay ||
                  snapshot.providerState == u"USERPAYING") &&
                 run.message != scanned)
            publish(run, CheckoutPhase::Waiting, scanned);
    }
    schedulePoll(run);
}

// --- closing and cancelling ----------------------------------------------------------------

void CheckoutRuns::cancel(const QString& outTradeNo, const QString& actor) {
    std::shared_ptr<Run> run = m_runs.value(outTradeNo);
    if (!run) {
        qCInfo(lcCheckout).noquote() << "cancel of" << outTradeNo << "ignored: not running";
        return;
    }
    if (run->cancelRequested)
        return;
    run->cancelRequested = true;
    run->cancelActor = actor;
    qCInfo(lcCheckout).noquote() << "checkout" << outTradeNo << "cancelled by" << actor;
    if (!run->requestAnswered) {
        publish(*run, CheckoutPhase::Cancelling, tr("Cancelling…"));
        return; // decided when the create / pay answer arrives
    }
    if (run->settle == Settle::Cancel)
        return;
    if (run->settle == Settle::Close && run->settleInFlight)
        return; // the close is on its way; after it the trade cannot be paid any more
    startSettle(*run, Settle::Cancel);
}

void CheckoutRuns::deadlineReached(const QString& outTradeNo) {
    std::shared_ptr<Run> run = m_runs.value(outTradeNo);
    if (!run || run->settle != Settle::None)
        return;
    qCInfo(lcCheckout).noquote() << "checkout" << outTradeNo << "reached its time limit";
    startSettle(*run, run->order.flow == PaymentFlow::QrCode ? Settle::Close : Settle::Cancel);
}

void CheckoutRuns::startSettle(Run& run, Settle mode) {
    run.settle = mode;
    run.settleSent = false;
    run.poll->stop();
    run.deadline->stop();
    publish(run, CheckoutPhase::Cancelling,
            mode == Settle::Close
                ? tr("Time is up. Closing the payment at %1…").arg(channelLabel(run.order.channel))
                : tr("Cancelling the payment at %1…").arg(channelLabel(run.order.channel)));
    if (!run.queryInFlight)
        sendSettle(run);
}

void CheckoutRuns::sendSettle(Run& run) {
    if (run.settleInFlight)
        return;
    run.settleInFlight = true;
    run.settleFailed = false;
    const QString outTradeNo = run.order.outTradeNo;
    const gateway::TradeRef ref{outTradeNo, run.order.providerTradeNo};
    if (run.settle == Settle::Close) {
        run.gateway->closeTrade(ref, run.context.get(),
                                [this, outTradeNo](GatewayResult<gateway::CloseResult> result) {
                                    onClosed(outTradeNo, std::move(result));
                                });
    } else {
        run.gateway->cancelTrade(ref, run.context.get(),
                                 [this, outTradeNo](GatewayResult<gateway::CancelResult> result) {
                                     onCancelled(outTradeNo, std::move(result));
                                 });
    }
}

void CheckoutRuns::onClosed(const QString& outTradeNo, GatewayResult<gateway::CloseResult> result) {
    std::shared_ptr<Run> run = m_runs.value(outTradeNo);
    if (!run)
        return;
    run->settleInFlight = false;
    if (run->cancelRequested && !(result.isSuccess() && result.value().existedAtProvider)) {
        // The cashier cancelled while the close was on its way and the close did not settle
        // it: cancel, which also covers a payment in the race.
        startSettle(*run, Settle::Cancel);
        return;
    }
    if (result.isSuccess() && !result.value().existedAtProvider) {
        // Nobody scanned the QR, so there was nothing to close and it would stay payable
        // until the provider's own expiry: cancel instead, which closes the number for good.
        startSettle(*run, Settle::Cancel);
        return;
    }
    if (result.isSuccess()) {
        run->settleSent = true;
        confirmSettled(*run);
        return;
    }
    if (result.isRefused()) {
        // Usually "the trade is paid": the query tells.
        run->settleSent = true;
        confirmSettled(*run);
        return;
    }
    run->settleFailed = true;
    schedulePoll(*run); // not reachable: try the close again
}

void CheckoutRuns::onCancelled(const QString& outTradeNo,
                               GatewayResult<gateway::CancelResult> result) {
    std::shared_ptr<Run> run = m_runs.value(outTradeNo);
    if (!run)
        return;
    run->settleInFlight = false;
    if (result.isSuccess()) {
        run->settleSent = true;
        run->cancelRefunded = result.value().action == gateway::CancelAction::Refunded;
        run->cancelRefundPending = run->cancelRefunded ? result.value().pendingRefundNo : QString();
        if (run->cancelRefunded)
            qCWarning(lcCheckout).noquote()
                << "checkout" << outTradeNo
                << "was paid before the cancel; the provider refunded it";
        confirmSettled(*run);
        return;
    }
    if (result.isRefused()) {
        qCWarning(lcCheckout).noquote()
            << "cancel of" << outTradeNo << "refused:" << result.refused().code
            << result.refused().subCode << result.refused().providerMessage;
        run->settleSent = true;
        confirmSettled(*run);
        return;
    }
    run->settleFailed = true;
    schedulePoll(*run); // not reachable: cancel again (it is idempotent)
}

// After a close or cancel: only a query answer sets the final state.
void CheckoutRuns::confirmSettled(Run& run) {
    run.poll->stop();
    pollNow(run.order.outTradeNo);
}

// --- push -----------------------------------------------------------------------------------

Status CheckoutRuns::acceptNotification(const gateway::PaymentNotification& n) {
    Result<Order> stored = m_context.store().order(n.outTradeNo);
    if (!stored) {
        qCWarning(lcCheckout).noquote()
            << "notification for unknown order" << n.outTradeNo << "ignored";
        return stored.error();
    }
    Order order = *stored;
    if (n.totalFen != order.amountFen) {
        qCCritical(lcCheckout).noquote()
            << "notification for" << n.outTradeNo << "names" << money::formatYuan(n.totalFen)
            << "but the order is" << money::formatYuan(order.amountFen) << "- ignored";
        return Error{QStringLiteral("notification.amount_mismatch"),
                     QCoreApplication::translate("qpos::checkout",
                                                 "The notification's amount is not the "
                                                 "order's; it was ignored.")};
    }
    const QList<OrderTransition> transitions = TransitionBuilder::forNotification(order, n);
    if (transitions.isEmpty())
        return Status::success(); // waiting: nothing to record
    Status recorded;              // the first failure; the other transitions are still tried
    for (const OrderTransition& t : transitions) {
        const Status s =
            t.refundedFen ? m_context.recordRefund(t, n.outRequestNo) : m_context.record(t);
        if (!s && recorded)
            recorded = s;
    }
    if (!recorded)
        return recorded;

    std::shared_ptr<Run> run = m_runs.value(n.outTradeNo);
    if (!run)
        return Status::success();
    if (Result<Order> fresh = m_context.store().order(n.outTradeNo))
        run->order = *fresh;
    if (run->cancelRequested && run->settle == Settle::Cancel && !run->settleSent)
        return Status::success(); // the cancel on its way decides (it refunds a payment)
    if (!needsRecovery(run->order.state)) {
        TradeSnapshot s;
        s.outTradeNo = n.outTradeNo;
        s.state = n.state;
        s.paidAtMs = n.paidAtMs;
        s.totalFen = n.totalFen;
        run->poll->stop();
        handleSnapshot(*run, s, TransitionSource::Push, n.providerFields);
    }
    return Status::success();
}

// --- reporting ------------------------------------------------------------------------------

void CheckoutRuns::publish(Run& run, CheckoutPhase phase, const QString& message) {
    run.phase = phase;
    run.message = message;
    CheckoutUpdate u;
    u.requestId = run.requestId;
    u.outTradeNo = run.order.outTradeNo;
    u.channel = run.order.channel;
    u.flow = run.order.flow;
    u.amountFen = run.order.amountFen;
    u.phase = phase;
    u.qrCode = run.qrCode;
    u.expiresAtMs = run.order.flow == PaymentFlow::QrCode ? run.deadlineMs : 0;
    u.message = message;
    u.order = run.order;
    m_context.emitCheckoutUpdated(u);
}

void CheckoutRuns::finish(const QString& outTradeNo, CheckoutPhase phase, const QString& message) {
    std::shared_ptr<Run> run = m_runs.take(outTradeNo);
    if (!run)
        return;
    if (Result<Order> fresh = m_context.store().order(outTradeNo))
        run->order = *fresh;
    qCInfo(lcCheckout).noquote() << "checkout" << outTradeNo << "ended" << checkoutPhaseName(phase)
                                 << "order" << orderStateName(run->order.state);
    publish(*run, phase, message);
    // Answers still on their way are dropped with the context (after this call stack).
    run->poll->stop();
    run->deadline->stop();
    run->context.release()->deleteLater();
}

} // namespace qpos::checkout
