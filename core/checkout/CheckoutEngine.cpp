#include "core/checkout/CheckoutEngine.h"

#include "core/checkout/TransitionBuilder.h"

#include "core/logging/LogCategories.h"
#include "core/money/Money.h"
#include "core/orders/OrderStateMachine.h"
#include "core/storage/OrderStore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <algorithm>

namespace qpos::checkout {

// How a running checkout is being wound up at the provider.
enum class Settle {
    None,
    Close,  // the QR expired: close it (a payment that raced the expiry stays paid)
    Cancel, // the cashier gave up, or a payment code timed out: cancel (refunds a payment)
};

using gateway::GatewayResult;
using gateway::TradeSnapshot;
using gateway::TradeState;

// One checkout the engine is driving. Its `context` receives the gateways' callbacks:
// deleting it when the run ends drops answers nobody waits for any more.
struct CheckoutEngine::Run {
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
    bool queryInFlight = false;
    bool settleInFlight = false;
    bool settleFailed = false; // the last close / cancel could not reach the provider
    std::unique_ptr<QObject> context = std::make_unique<QObject>();
    QTimer* poll = nullptr;
    QTimer* deadline = nullptr;
};

namespace {
// A trade the provider closed this close to our own deadline was closed by its expiry.
constexpr qint64 kExpiryMarginMs = 2000;
} // namespace

CheckoutEngine::CheckoutEngine(OrderStore& store, GatewayDirectory& gateways, CheckoutPolicy policy,
                               QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_gateways(gateways)
    , m_policy(std::move(policy))
    , m_nextRecoveryRetry(m_policy.recoveryRetry) {
    qRegisterMetaType<CheckoutUpdate>();
    qRegisterMetaType<RefundReport>();
    qRegisterMetaType<RecoveryReport>();
    qRegisterMetaType<Order>();
    m_recoveryRetry = new QTimer(this);
    m_recoveryRetry->setSingleShot(true);
    connect(m_recoveryRetry, &QTimer::timeout, this, [this] { recover(); });
}

CheckoutEngine::~CheckoutEngine() {
    // Runs end here without a final state: the orders stay open and the next start's
    // recovery settles them.
    for (const auto& run : std::as_const(m_runs))
        run->context.reset();
}

qint64 CheckoutEngine::now() const {
    return m_policy.clock ? m_policy.clock() : QDateTime::currentMSecsSinceEpoch();
}

bool CheckoutEngine::isRunning(const QString& outTradeNo) const {
    return m_runs.contains(outTradeNo);
}

int CheckoutEngine::runningCount() const {
    return int(m_runs.size());
}

// --- starting -------------------------------------------------------------------------------

std::shared_ptr<CheckoutEngine::Run> CheckoutEngine::begin(const QString& requestId,
                                                           const NewOrder& request) {
    CheckoutUpdate refused;
    refused.requestId = requestId;
    refused.channel = request.channel;
    refused.flow = request.flow;
    refused.amountFen = request.amountFen;
    refused.phase = CheckoutPhase::Failed;

    gateway::PaymentGateway* gw = m_gateways.find(request.channel);
    if (!gw) {
        refused.message = tr("%1 is not set up on this till. Choose another way to pay.")
                              .arg(channelLabel(request.channel));
        emit checkoutUpdated(refused);
        return nullptr;
    }
    if (gw->circuitState() == gateway::CircuitState::Open) {
        refused.message = tr("%1 cannot be reached at the moment (several requests failed in a "
                             "row). Wait a minute and try again, or choose another way to pay.")
                              .arg(channelLabel(request.channel));
        emit checkoutUpdated(refused);
        return nullptr;
    }
    // The order is durable before anything leaves the till.
    Result<Order> created = m_store.createOrder(request);
    if (!created) {
        refused.message = created.error().message;
        emit checkoutUpdated(refused);
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
    connect(run->poll, &QTimer::timeout, this, [this, outTradeNo] { pollNow(outTradeNo); });
    connect(run->deadline, &QTimer::timeout, this,
            [this, outTradeNo] { deadlineReached(outTradeNo); });
    m_runs.insert(outTradeNo, run);
    emit orderChanged(run->order);
    publish(*run, CheckoutPhase::Creating, {});
    return run;
}

void CheckoutEngine::startQr(const QString& requestId, const NewOrder& order) {
    NewOrder request = order;
    request.flow = PaymentFlow::QrCode;
    std::shared_ptr<Run> run = begin(requestId, request);
    if (!run)
        return;
    gateway::QrOrderRequest req;
    req.outTradeNo = run->order.outTradeNo;
    req.amountFen = run->order.amountFen;
    req.subject = run->order.subject;
    req.expiresAfterS = m_policy.qrTimeoutS;
    req.storeId = run->order.storeId;
    req.terminalId = run->order.terminalId;
    req.operatorId = run->order.cashierId;
    const QString outTradeNo = run->order.outTradeNo;
    qCInfo(lcCheckout).noquote() << "checkout" << outTradeNo << "QR via"
                                 << channelName(run->order.channel) << "for"
                                 << money::formatYuan(run->order.amountFen);
    run->gateway->createQrOrder(req, run->context.get(),
                                [this, outTradeNo](GatewayResult<gateway::QrOrder> result) {
                                    onQrCreated(outTradeNo, std::move(result));
                                });
}

void CheckoutEngine::startWithCode(const QString& requestId, const NewOrder& order,
                                   const QString& authCode) {
    NewOrder request = order;
    request.flow = PaymentFlow::PayByCode;
    std::shared_ptr<Run> run = begin(requestId, request);
    if (!run)
        return;
    gateway::PayByCodeRequest req;
    req.outTradeNo = run->order.outTradeNo;
    req.amountFen = run->order.amountFen;
    req.subject = run->order.subject;
    req.authCode = authCode;
    req.storeId = run->order.storeId;
    req.terminalId = run->order.terminalId;
    req.operatorId = run->order.cashierId;
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

void CheckoutEngine::startWaiting(Run& run) {
    run.waitStartMs = now();
    const qint64 limitS =
        run.order.flow == PaymentFlow::QrCode ? m_policy.qrTimeoutS : m_policy.codeTimeoutS;
    run.deadlineMs = run.waitStartMs + limitS * 1000;
    run.deadline->start(std::chrono::milliseconds(qMax<qint64>(0, run.deadlineMs - now())));
}

void CheckoutEngine::onQrCreated(const QString& outTradeNo,
                                 GatewayResult<gateway::QrOrder> result) {
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
            apply(TransitionBuilder::forRequestAnswer(outTradeNo, OrderState::Pending, fields));
            startSettle(*run, Settle::Cancel);
            return;
        }
        // The QR goes on screen first: the order is already durable, and a crash before
        // Pending is written leaves it Created, which recovery settles the same way.
        publish(*run, CheckoutPhase::Waiting, tr("Waiting for the customer to scan and pay."));
        apply(TransitionBuilder::forRequestAnswer(outTradeNo, OrderState::Pending, fields));
        schedulePoll(*run);
        return;
    case gateway::OutcomeKind::Refused:
        apply(TransitionBuilder::forRefusal(outTradeNo, result.refused(), fields));
        finish(outTradeNo, CheckoutPhase::Failed, result.refused().cashierMessage);
        return;
    case gateway::OutcomeKind::InProgress:
    case gateway::OutcomeKind::Unknown:
        break;
    }
    apply(TransitionBuilder::forRequestAnswer(outTradeNo, OrderState::Unknown, fields,
                                              result.isUnknown() ? result.unknown().reason.code
                                                                 : QStringLiteral("in_progress")));
    startWaiting(*run);
    // No QR to show: nobody can pay this order, so it is cancelled at the provider and the
    // query that follows decides its state.
    publish(*run, CheckoutPhase::Checking,
            tr("%1 did not answer (%2). Checking what happened…")
                .arg(channelLabel(run->order.channel), result.cashierMessage()));
    startSettle(*run, Settle::Cancel);
}

void CheckoutEngine::onCodeCharged(const QString& outTradeNo, GatewayResult<TradeSnapshot> result) {
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
        apply(TransitionBuilder::forRequestAnswer(outTradeNo, OrderState::Pending,
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
        apply(TransitionBuilder::forRefusal(outTradeNo, result.refused(), result.providerFields()));
        finish(outTradeNo, CheckoutPhase::Failed, result.refused().cashierMessage);
        return;
    case gateway::OutcomeKind::Unknown:
        break;
    }
    apply(TransitionBuilder::forRequestAnswer(
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

void CheckoutEngine::schedulePoll(Run& run) {
    if (run.queryInFlight || run.settleInFlight)
        return;
    if (run.settle != Settle::None && !run.settleSent && !run.settleFailed) {
        sendSettle(run);
        return;
    }
    const auto elapsed = std::chrono::milliseconds(qMax<qint64>(0, now() - run.waitStartMs));
    std::optional<std::chrono::milliseconds> delay = m_policy.poll.nextDelay(elapsed);
    if (run.settle != Settle::None)
        delay = m_policy.settleRetry;
    if (!delay) {
        // Polled as long as allowed: wind the checkout up at the provider.
        startSettle(run, run.order.flow == PaymentFlow::QrCode ? Settle::Close : Settle::Cancel);
        return;
    }
    run.poll->start(*delay);
}

void CheckoutEngine::pollNow(const QString& outTradeNo) {
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

void CheckoutEngine::onQueried(const QString& outTradeNo, GatewayResult<TradeSnapshot> result) {
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
void CheckoutEngine::handleSnapshot(Run& run, const TradeSnapshot& snapshot,
                                    TransitionSource source, const QJsonObject& fields) {
    const QString outTradeNo = run.order.outTradeNo;
    applySnapshot(run.order, snapshot, source, fields, run.cancelRefunded);
    const OrderState state = run.order.state;

    if (state == OrderState::Paid && run.cancelRequested && run.settle == Settle::Cancel &&
        !run.settleSent) {
        // Paid while the cashier's cancel is on its way: its refund decides.
        schedulePoll(run);
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
                 (run.deadlineMs > 0 && now() + kExpiryMarginMs >= run.deadlineMs))
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
            if (apply(TransitionBuilder::forNeverCreated(outTradeNo, source, fields))) {
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

// Applies what a query answer (or a pay answer) says. `cancelRefunded`: the provider's
// cancel answer said the payment was refunded.
void CheckoutEngine::applySnapshot(Order& order, const TradeSnapshot& s, TransitionSource source,
                                   const QJsonObject& fields, bool cancelRefunded) {
    for (const OrderTransition& t :
         TransitionBuilder::forSnapshot(order, s, source, fields, cancelRefunded))
        apply(t);
    if (Result<Order> fresh = m_store.order(order.outTradeNo))
        order = *fresh;
}

// --- closing and cancelling ----------------------------------------------------------------

void CheckoutEngine::cancel(const QString& outTradeNo, const QString& actor) {
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

void CheckoutEngine::deadlineReached(const QString& outTradeNo) {
    std::shared_ptr<Run> run = m_runs.value(outTradeNo);
    if (!run || run->settle != Settle::None)
        return;
    qCInfo(lcCheckout).noquote() << "checkout" << outTradeNo << "reached its time limit";
    startSettle(*run, run->order.flow == PaymentFlow::QrCode ? Settle::Close : Settle::Cancel);
}

void CheckoutEngine::startSettle(Run& run, Settle mode) {
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

void CheckoutEngine::sendSettle(Run& run) {
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

void CheckoutEngine::onClosed(const QString& outTradeNo,
                              GatewayResult<gateway::CloseResult> result) {
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

void CheckoutEngine::onCancelled(const QString& outTradeNo,
                                 GatewayResult<gateway::CancelResult> result) {
    std::shared_ptr<Run> run = m_runs.value(outTradeNo);
    if (!run)
        return;
    run->settleInFlight = false;
    if (result.isSuccess()) {
        run->settleSent = true;
        run->cancelRefunded = result.value().action == gateway::CancelAction::Refunded;
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
void CheckoutEngine::confirmSettled(Run& run) {
    run.poll->stop();
    pollNow(run.order.outTradeNo);
}

// --- push -----------------------------------------------------------------------------------

void CheckoutEngine::acceptNotification(const gateway::PaymentNotification& n) {
    Result<Order> stored = m_store.order(n.outTradeNo);
    if (!stored) {
        qCWarning(lcCheckout).noquote()
            << "notification for unknown order" << n.outTradeNo << "ignored";
        return;
    }
    Order order = *stored;
    if (n.totalFen != order.amountFen) {
        qCCritical(lcCheckout).noquote()
            << "notification for" << n.outTradeNo << "names" << money::formatYuan(n.totalFen)
            << "but the order is" << money::formatYuan(order.amountFen) << "- ignored";
        return;
    }
    const QList<OrderTransition> transitions = TransitionBuilder::forNotification(order, n);
    if (transitions.isEmpty())
        return; // waiting: nothing to record
    for (const OrderTransition& t : transitions)
        apply(t);

    std::shared_ptr<Run> run = m_runs.value(n.outTradeNo);
    if (!run)
        return;
    if (Result<Order> fresh = m_store.order(n.outTradeNo))
        run->order = *fresh;
    if (run->cancelRequested && run->settle == Settle::Cancel && !run->settleSent)
        return; // the cancel on its way decides (it refunds a payment)
    if (!needsRecovery(run->order.state)) {
        TradeSnapshot s;
        s.outTradeNo = n.outTradeNo;
        s.state = n.state;
        s.paidAtMs = n.paidAtMs;
        s.totalFen = n.totalFen;
        run->poll->stop();
        handleSnapshot(*run, s, TransitionSource::Push, n.providerFields);
    }
}

// --- bookkeeping ----------------------------------------------------------------------------

bool CheckoutEngine::apply(const OrderTransition& transition) {
    Result<TransitionOutcome> outcome = m_store.apply(transition);
    if (!outcome) {
        qCWarning(lcCheckout).noquote()
            << "order" << transition.outTradeNo << "not moved to" << orderStateName(transition.to)
            << ":" << outcome.error().message;
        return false;
    }
    if (*outcome != TransitionOutcome::Applied)
        return true;
    if (Result<Order> fresh = m_store.order(transition.outTradeNo)) {
        if (std::shared_ptr<Run> run = m_runs.value(transition.outTradeNo))
            run->order = *fresh;
        emit orderChanged(*fresh);
    }
    return true;
}

void CheckoutEngine::publish(Run& run, CheckoutPhase phase, const QString& message) {
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
    emit checkoutUpdated(u);
}

void CheckoutEngine::finish(const QString& outTradeNo, CheckoutPhase phase,
                            const QString& message) {
    std::shared_ptr<Run> run = m_runs.take(outTradeNo);
    if (!run)
        return;
    if (Result<Order> fresh = m_store.order(outTradeNo))
        run->order = *fresh;
    qCInfo(lcCheckout).noquote() << "checkout" << outTradeNo << "ended" << checkoutPhaseName(phase)
                                 << "order" << orderStateName(run->order.state);
    publish(*run, phase, message);
    // Answers still on their way are dropped with the context (after this call stack).
    run->poll->stop();
    run->deadline->stop();
    run->context.release()->deleteLater();
}

// --- refunds --------------------------------------------------------------------------------

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

void CheckoutEngine::refund(const RefundCommand& command) {
    RefundReport report;
    report.requestId = command.requestId;
    report.outTradeNo = command.outTradeNo;
    Result<Order> order = m_store.order(command.outTradeNo);
    if (!order) {
        report.message = order.error().message;
        emit refundFinished(report);
        return;
    }
    gateway::PaymentGateway* gw = m_gateways.find(order->channel);
    if (!gw) {
        report.message = tr("%1 is not set up on this till, so its payments cannot be refunded "
                            "here.")
                             .arg(channelLabel(order->channel));
        emit refundFinished(report);
        return;
    }
    if (command.managerId.isEmpty()) {
        report.message = tr("A refund needs a manager's approval.");
        emit refundFinished(report);
        return;
    }
    Result<RefundRecord> record = m_store.beginRefund(command.outTradeNo, command.amountFen,
                                                      command.reason, command.managerId);
    if (!record) {
        report.message = record.error().message;
        emit refundFinished(report);
        return;
    }
    sendRefund(*record, command.requestId, TransitionSource::Request);
}

void CheckoutEngine::sendRefund(const RefundRecord& record, const QString& requestId,
                                TransitionSource source) {
    Result<Order> order = m_store.order(record.outTradeNo);
    gateway::PaymentGateway* gw = order ? m_gateways.find(order->channel) : nullptr;
    if (!gw)
        return;
    const gateway::RefundRequest req = refundRequestFor(*order, record);
    qCInfo(lcCheckout).noquote() << "refund" << record.outRequestNo << "of"
                                 << money::formatYuan(record.amountFen) << "sent";
    gw->refund(
        req, this, [this, record, requestId, source](GatewayResult<gateway::RefundResult> r) {
            RefundReport report;
            report.requestId = requestId;
            report.outTradeNo = record.outTradeNo;
            report.outRequestNo = record.outRequestNo;
            Result<Order> current = m_store.order(record.outTradeNo);
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
                scheduleRefundCheck(record, requestId, 1);
            } else {
                report.pending = true;
                report.message = tr("The refund could not be confirmed yet (%1). It is kept and "
                                    "will be settled automatically; do not refund again.")
                                     .arg(r.cashierMessage());
                scheduleRefundCheck(record, requestId, 1);
            }
            if (Result<Order> fresh = m_store.order(record.outTradeNo))
                report.order = *fresh;
            emit refundFinished(report);
        });
}

void CheckoutEngine::settleRefund(const RefundRecord& record, RefundRecordState state,
                                  const std::optional<OrderTransition>& transition) {
    Result<TransitionOutcome> outcome =
        m_store.settleRefund(record.outRequestNo, state, transition);
    if (!outcome) {
        qCWarning(lcCheckout).noquote()
            << "refund" << record.outRequestNo << "not recorded:" << outcome.error().message;
        return;
    }
    if (*outcome == TransitionOutcome::Applied)
        if (Result<Order> fresh = m_store.order(record.outTradeNo))
            emit orderChanged(*fresh);
}

// A refund whose answer was lost: ask the provider after a while; repeat it (same number)
// when the provider has no such refund.
void CheckoutEngine::scheduleRefundCheck(const RefundRecord& record, const QString& requestId,
                                         int attempt) {
    if (attempt > 5) {
        scheduleRecovery(); // the recovery passes go on asking, less and less often
        return;
    }
    QTimer::singleShot(m_policy.settleRetry * attempt, this, [this, record, requestId, attempt] {
        checkRefund(record, requestId, attempt, TransitionSource::Poll,
                    [this, record, requestId, attempt](bool settled) {
                        if (!settled)
                            scheduleRefundCheck(record, requestId, attempt + 1);
                    });
    });
}

void CheckoutEngine::checkRefund(const RefundRecord& record, const QString& requestId, int attempt,
                                 TransitionSource source, std::function<void(bool)> done) {
    Q_UNUSED(attempt);
    Result<Order> order = m_store.order(record.outTradeNo);
    gateway::PaymentGateway* gw = order ? m_gateways.find(order->channel) : nullptr;
    if (!gw) {
        done(false);
        return;
    }
    gateway::RefundQuery query{record.outTradeNo, order->providerTradeNo, record.outRequestNo};
    gw->queryRefund(
        query, this,
        [this, record, requestId, source, done, gw,
         order = *order](GatewayResult<gateway::RefundQueryResult> r) {
            if (r.isSuccess() && r.value().state == gateway::RefundState::Refunded) {
                Result<Order> current = m_store.order(record.outTradeNo);
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
            gw->refund(
                req, this, [this, record, source, done](GatewayResult<gateway::RefundResult> rr) {
                    Result<Order> current = m_store.order(record.outTradeNo);
                    if (rr.isSuccess() && current) {
                        settleRefund(record, RefundRecordState::Succeeded,
                                     TransitionBuilder::forRefund(*current, record,
                                                                  rr.value().refundedTotalFen,
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

// --- recovery -------------------------------------------------------------------------------

// One pass over what an earlier run left open. Orders are settled one after the other.
struct CheckoutEngine::Recovery {
    RecoveryReport report;
    QList<Order> orders;
    QList<RefundRecord> refunds;
    QSet<QString> cancelRefunded; // orders whose cancel refunded a payment
    std::unique_ptr<QObject> context = std::make_unique<QObject>();
};

void CheckoutEngine::recover() {
    if (m_recovery)
        return; // one pass at a time
    m_recoveryRetry->stop();
    m_recovery = std::make_unique<Recovery>();
    Result<QList<Order>> orders = m_store.openOrders();
    Result<QList<RefundRecord>> refunds = m_store.openRefunds();
    if (!orders || !refunds) {
        m_recovery->report.lines << (!orders ? orders.error().message : refunds.error().message);
        finishRecovery();
        return;
    }
    for (const Order& o : *orders)
        if (!m_runs.contains(o.outTradeNo))
            m_recovery->orders << o;
    m_recovery->refunds = *refunds;
    m_recovery->report.examined = int(m_recovery->orders.size() + m_recovery->refunds.size());
    if (m_recovery->report.examined > 0)
        qCInfo(lcCheckout) << "recovery:" << m_recovery->orders.size() << "open orders and"
                           << m_recovery->refunds.size() << "open refunds";
    recoverNext();
}

void CheckoutEngine::recoverNext() {
    Recovery& rec = *m_recovery;
    if (!rec.orders.isEmpty()) {
        const Order order = rec.orders.takeFirst();
        gateway::PaymentGateway* gw = m_gateways.find(order.channel);
        if (!gw) {
            recoveredOrder(order, false,
                           tr("Order %1 (%2) is still open, but %3 is not set up on this till.")
                               .arg(order.outTradeNo, money::formatYuan(order.amountFen),
                                    channelLabel(order.channel)));
            return;
        }
        recoverOrder(order, gw, int(Settle::None));
        return;
    }
    if (!rec.refunds.isEmpty()) {
        const RefundRecord record = rec.refunds.takeFirst();
        checkRefund(record, QString(), 0, TransitionSource::Recovery, [this, record](bool settled) {
            if (!m_recovery)
                return;
            if (settled) {
                ++m_recovery->report.settled;
                m_recovery->report.lines
                    << tr("Refund %1 of %2 settled.")
                           .arg(record.outRequestNo, money::formatYuan(record.amountFen));
            } else {
                ++m_recovery->report.unresolved;
                m_recovery->report.lines
                    << tr("Refund %1 of %2 could not be confirmed yet; it will be retried.")
                           .arg(record.outRequestNo, money::formatYuan(record.amountFen));
            }
            recoverNext();
        });
        return;
    }
    finishRecovery();
}

// Queries the order; one that is still open is closed (QR) or cancelled (payment code, or a
// QR that never existed) at the provider, then queried again.
void CheckoutEngine::recoverOrder(const Order& order, gateway::PaymentGateway* gw, int stepValue) {
    const auto step = Settle(stepValue);
    QObject* ctx = m_recovery->context.get();
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
            applySnapshot(current, r.value(), TransitionSource::Recovery, r.providerFields(),
                          m_recovery->cancelRefunded.contains(order.outTradeNo));
            if (!needsRecovery(current.state)) {
                recoveredOrder(current, true,
                               tr("Order %1 (%2): %3.")
                                   .arg(current.outTradeNo, money::formatYuan(current.amountFen),
                                        orderStateLabel(current.state)));
                return;
            }
            if (step != Settle::None && r.value().state == TradeState::NotCreated) {
                // Cancelled before it existed: it can never be paid now.
                const bool ok = apply(TransitionBuilder::forNeverCreated(
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

void CheckoutEngine::settleForRecovery(const Order& order, gateway::PaymentGateway* gw,
                                       bool close) {
    QObject* ctx = m_recovery->context.get();
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
            recoverOrder(order, gw, int(Settle::Close));
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
        if (r.isSuccess() && r.value().action == gateway::CancelAction::Refunded)
            m_recovery->cancelRefunded.insert(order.outTradeNo);
        recoverOrder(order, gw, int(Settle::Cancel));
    });
}

void CheckoutEngine::recoveredOrder(const Order& order, bool settled, const QString& line) {
    if (!m_recovery)
        return;
    if (settled)
        ++m_recovery->report.settled;
    else
        ++m_recovery->report.unresolved;
    m_recovery->report.lines << line;
    qCInfo(lcCheckout).noquote() << "recovery:" << line << "(" << order.outTradeNo << ")";
    // Next order from the event loop: the gateway's call stack unwinds first.
    QTimer::singleShot(0, this, [this] {
        if (m_recovery)
            recoverNext();
    });
}

void CheckoutEngine::finishRecovery() {
    std::unique_ptr<Recovery> done = std::move(m_recovery);
    if (done->report.unresolved > 0) {
        scheduleRecovery();
        m_nextRecoveryRetry = std::min(m_nextRecoveryRetry * 2, m_policy.recoveryRetryMax);
    } else {
        m_nextRecoveryRetry = m_policy.recoveryRetry;
    }
    emit recoveryFinished(done->report);
    done->context.release()->deleteLater();
}

// Another recovery pass after the current wait, unless one runs or is already due.
void CheckoutEngine::scheduleRecovery() {
    if (m_recovery || m_recoveryRetry->isActive())
        return;
    m_recoveryRetry->start(m_nextRecoveryRetry);
}

} // namespace qpos::checkout
