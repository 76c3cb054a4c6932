#pragma once

#include "core/checkout/CheckoutTypes.h"
#include "core/reconcile/ReconcileJanitor.h"

#include <QCoreApplication>

namespace qpos::checkout {

class CheckoutEngine;

// The till's Janitor: the engine asks the provider about the trade and applies the answer, or
// about the refund the bill lists and records it when the provider made it; the difference is
// settled only when the ledger then agrees with the bill (an order the till had cancelled that
// the provider reports paid is now paid; a refund made on the provider's merchant platform is
// now recorded, of the bill's amount). A trade the till does not have, or one whose checkout is
// running, is left for the manager with what the provider said.
class EngineJanitor final : public reconcile::ReconcileJanitor {
    Q_DECLARE_TR_FUNCTIONS(qpos::checkout::EngineJanitor)

public:
    explicit EngineJanitor(CheckoutEngine& engine);

    void settle(const reconcile::DifferenceItem& item, QObject* context,
                std::function<void(reconcile::JanitorVerdict)> done) override;

    // Whether, after `result`, the ledger agrees with the bill's side of `item`.
    static bool ledgerAgrees(const reconcile::DifferenceItem& item,
                             const SettleFromProviderResult& result);
    // What the provider answered, for the item (no secret, no buyer's account).
    static QString evidenceOf(const reconcile::DifferenceItem& item,
                              const SettleFromProviderResult& result);
    static bool ledgerAgrees(const reconcile::DifferenceItem& item,
                             const SettleRefundResult& result);
    static QString evidenceOf(const SettleRefundResult& result);
    // The provider's answer to a query of the refund, as evidence ("alipay.trade.fastpay.refund.
    // query: REFUND_SUCCESS 3.00"); the store server's Janitor words its own query the same.
    static QString refundAnswerEvidence(Channel provider, const gateway::RefundQueryResult& answer);
    static QString refundNotAnsweredEvidence(Channel provider, const QString& message);
    // The provider's word for a refund's state ("REFUND_SUCCESS", "SUCCESS", "NOT_FOUND").
    static QString refundWord(Channel provider, gateway::RefundState state);
    // The provider's answer to a query of the trade, as evidence ("alipay.trade.query:
    // TRADE_SUCCESS 12.34, trade_no …"); the store server's Janitor words its own query the same.
    static QString answerEvidence(Channel provider, const gateway::TradeSnapshot& snapshot);
    static QString notAnsweredEvidence(Channel provider, const QString& message);

private:
    CheckoutEngine& m_engine;
};

} // namespace qpos::checkout
