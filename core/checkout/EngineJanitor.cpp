#include "core/checkout/EngineJanitor.h"

#include "core/checkout/CheckoutEngine.h"
#include "core/money/Money.h"
#include "core/reconcile/ReconcileLedger.h"

namespace qpos::checkout {

using reconcile::DifferenceClass;
using reconcile::DifferenceItem;
using reconcile::JanitorVerdict;

namespace {

QString queryName(Channel provider) {
    return provider == Channel::Alipay ? QStringLiteral("alipay.trade.query")
                                       : QStringLiteral("wechatpay transactions query");
}

} // namespace

EngineJanitor::EngineJanitor(CheckoutEngine& engine)
    : m_engine(engine) {}

void EngineJanitor::settle(const DifferenceItem& item, QObject* context,
                           std::function<void(JanitorVerdict)> done) {
    m_engine.settleFromProvider(
        item.provider, item.outTradeNo, context,
        [item, done = std::move(done)](const SettleFromProviderResult& result) {
            done(JanitorVerdict{ledgerAgrees(item, result), evidenceOf(item, result)});
        });
}

bool EngineJanitor::ledgerAgrees(const DifferenceItem& item,
                                 const SettleFromProviderResult& result) {
    if (result.outcome != SettleFromProviderOutcome::Answered || !result.after)
        return false;
    const OrderState after = *result.after;
    switch (item.kind) {
    case DifferenceClass::ProviderOnly:
        // The bill's payment is now the ledger's, of the bill's amount.
        return reconcile::isPaidHere(after) && gateway::isPaidState(result.snapshot.state) &&
               (!item.providerAmountFen || *item.providerAmountFen == result.orderFen);
    case DifferenceClass::Status:
        // The bill lists the trade as not (or no longer) paid: the ledger now says so too.
        return after != OrderState::Paid && after != OrderState::PartiallyRefunded;
    case DifferenceClass::LocalOnly:
    case DifferenceClass::Amount:
    case DifferenceClass::Refund:
    case DifferenceClass::Duplicate:
        break;
    }
    return false;
}

QString EngineJanitor::evidenceOf(const DifferenceItem& item,
                                  const SettleFromProviderResult& result) {
    switch (result.outcome) {
    case SettleFromProviderOutcome::Answered:
        break;
    case SettleFromProviderOutcome::Running:
    case SettleFromProviderOutcome::NoGateway:
    case SettleFromProviderOutcome::NotAnswered:
        return notAnsweredEvidence(item.provider, result.message);
    }
    QString text = answerEvidence(item.provider, result.snapshot);
    if (!result.before)
        text += QStringLiteral("; ") + tr("the till has no such order");
    else if (result.before != result.after)
        text +=
            QStringLiteral("; ") +
            tr("order %1 -> %2").arg(orderStateName(*result.before), orderStateName(*result.after));
    else
        text += QStringLiteral("; ") + tr("order stays %1").arg(orderStateName(*result.after));
    return text;
}

QString EngineJanitor::answerEvidence(Channel provider, const gateway::TradeSnapshot& s) {
    QString text = queryName(provider) + QStringLiteral(": ");
    if (s.state == gateway::TradeState::NotCreated)
        return text + tr("no such trade");
    text += (s.providerState.isEmpty() ? gateway::tradeStateName(s.state) : s.providerState) +
            u' ' + money::formatYuan(s.totalFen);
    if (!s.providerTradeNo.isEmpty())
        text += QStringLiteral(", trade_no ") + s.providerTradeNo;
    return text;
}

QString EngineJanitor::notAnsweredEvidence(Channel provider, const QString& message) {
    return tr("%1: not answered (%2)").arg(queryName(provider), message);
}

} // namespace qpos::checkout
