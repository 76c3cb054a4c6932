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

QString refundQueryName(Channel provider) {
    return provider == Channel::Alipay ? QStringLiteral("alipay.trade.fastpay.refund.query")
                                       : QStringLiteral("wechatpay refund query");
}

} // namespace

EngineJanitor::EngineJanitor(CheckoutEngine& engine)
    : m_engine(engine) {}

void EngineJanitor::settle(const DifferenceItem& item, QObject* context,
                           std::function<void(JanitorVerdict)> done) {
    if (item.kind == DifferenceClass::Refund) {
        m_engine.settleRefundFromProvider(
            item.provider, item.outTradeNo, item.outRequestNo, context,
            [item, done = std::move(done)](const SettleRefundResult& result) {
                done(JanitorVerdict{ledgerAgrees(item, result), evidenceOf(result)});
            });
        return;
    }
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

bool EngineJanitor::ledgerAgrees(const DifferenceItem& item, const SettleRefundResult& result) {
    // The bill's refund is now the ledger's, made, of the bill's amount.
    return item.kind == DifferenceClass::Refund &&
           result.outcome == SettleFromProviderOutcome::Answered &&
           result.after == RefundRecordState::Succeeded && item.providerAmountFen &&
           *item.providerAmountFen == result.refundFen;
}

QString EngineJanitor::evidenceOf(const SettleRefundResult& result) {
    if (result.outcome != SettleFromProviderOutcome::Answered)
        return refundNotAnsweredEvidence(result.provider, result.message);
    QString text = refundAnswerEvidence(result.provider, result.answer) + QStringLiteral("; ");
    if (!result.orderKnown)
        return text + tr("the till has no such order");
    if (!result.message.isEmpty())
        return text + tr("not recorded: %1").arg(result.message);
    if (!result.after)
        return text + tr("refund %1 not recorded here").arg(result.outRequestNo);
    const QString after = reconcile::refundStateName(*result.after);
    if (result.before == result.after)
        return text + tr("refund %1 stays %2").arg(result.outRequestNo, after);
    return text +
           tr("refund %1 %2 -> %3")
               .arg(result.outRequestNo,
                    result.before ? reconcile::refundStateName(*result.before) : tr("not recorded"),
                    after);
}

QString EngineJanitor::refundAnswerEvidence(Channel provider,
                                            const gateway::RefundQueryResult& answer) {
    QString text =
        refundQueryName(provider) + QStringLiteral(": ") + refundWord(provider, answer.state);
    if (answer.state != gateway::RefundState::NotFound && answer.refundFen > 0)
        text += u' ' + money::formatYuan(answer.refundFen);
    return text;
}

QString EngineJanitor::refundWord(Channel provider, gateway::RefundState state) {
    switch (state) {
    case gateway::RefundState::Refunded:
        return provider == Channel::Alipay ? QStringLiteral("REFUND_SUCCESS")
                                           : QStringLiteral("SUCCESS");
    case gateway::RefundState::Processing:
        return QStringLiteral("PROCESSING");
    case gateway::RefundState::HeldByProvider:
        return QStringLiteral("ABNORMAL");
    case gateway::RefundState::Closed:
        return QStringLiteral("CLOSED");
    case gateway::RefundState::NotFound:
        break;
    }
    return QStringLiteral("NOT_FOUND");
}

QString EngineJanitor::refundNotAnsweredEvidence(Channel provider, const QString& message) {
    return tr("%1: not answered (%2)").arg(refundQueryName(provider), message);
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
