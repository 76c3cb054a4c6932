#include "core/checkout/CheckoutEngine.h"

#include "core/checkout/CashDesk.h"
#include "core/checkout/CheckoutRuns.h"
#include "core/checkout/EngineContext.h"
#include "core/checkout/ProviderSettlement.h"
#include "core/checkout/RecoveryPass.h"
#include "core/checkout/RefundRuns.h"

namespace qpos::checkout {

CheckoutEngine::CheckoutEngine(OrderStore& store, GatewayDirectory& gateways, CheckoutPolicy policy,
                               QObject* parent)
    : QObject(parent) {
    qRegisterMetaType<CheckoutUpdate>();
    qRegisterMetaType<RefundReport>();
    qRegisterMetaType<RecoveryReport>();
    qRegisterMetaType<Order>();
    m_context = std::make_unique<EngineContext>(
        *this, store, gateways, std::move(policy),
        [this](const Order& order) { m_checkouts->orderApplied(order); });
    m_checkouts = std::make_unique<CheckoutRuns>(*m_context);
    m_refunds = std::make_unique<RefundRuns>(*m_context, [this] { m_recovery->schedule(); });
    m_recovery = std::make_unique<RecoveryPass>(*m_context, *m_checkouts, *m_refunds);
    m_cash = std::make_unique<CashDesk>(*m_context);
    m_settlement = std::make_unique<ProviderSettlement>(*m_context, *m_checkouts);
    m_context->setRefundFollower([this](const RefundRecord& r) { m_refunds->follow(r); });
}

// Out of line: the parts are complete types only here. They go before the context they share.
CheckoutEngine::~CheckoutEngine() = default;

void CheckoutEngine::startQr(const QString& requestId, const NewOrder& order) {
    m_checkouts->startQr(requestId, order);
}

void CheckoutEngine::startWithCode(const QString& requestId, const NewOrder& order,
                                   const QString& authCode) {
    m_checkouts->startWithCode(requestId, order, authCode);
}

void CheckoutEngine::cancel(const QString& outTradeNo, const QString& actor) {
    m_checkouts->cancel(outTradeNo, actor);
}

Status CheckoutEngine::acceptNotification(const gateway::PaymentNotification& notification) {
    return m_checkouts->acceptNotification(notification);
}

CashSaleReport CheckoutEngine::takeCash(const QString& requestId, const NewOrder& order,
                                        money::Fen tenderedFen) {
    return m_cash->takeCash(requestId, order, tenderedFen);
}

void CheckoutEngine::setCashDrawer(printing::CashDrawer* drawer) {
    m_cash->setDrawer(drawer);
}

void CheckoutEngine::refund(const RefundCommand& command) {
    if (m_cash->isCashOrder(command.outTradeNo)) {
        m_cash->refund(command);
        return;
    }
    m_refunds->refund(command);
}

void CheckoutEngine::recover() {
    m_recovery->run();
}

void CheckoutEngine::settleFromProvider(Channel provider, const QString& outTradeNo,
                                        QObject* context,
                                        std::function<void(SettleFromProviderResult)> done) {
    m_settlement->settle(provider, outTradeNo, context, std::move(done));
}

void CheckoutEngine::settleRefundFromProvider(Channel provider, const QString& outTradeNo,
                                              const QString& outRequestNo, QObject* context,
                                              std::function<void(SettleRefundResult)> done) {
    m_settlement->settleRefund(provider, outTradeNo, outRequestNo, context, std::move(done));
}

bool CheckoutEngine::isRunning(const QString& outTradeNo) const {
    return m_checkouts->isRunning(outTradeNo);
}

int CheckoutEngine::runningCount() const {
    return m_checkouts->count();
}

const CheckoutPolicy& CheckoutEngine::policy() const {
    return m_context->policy();
}

} // namespace qpos::checkout
