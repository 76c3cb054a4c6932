#pragma once

#include "core/checkout/CheckoutTypes.h"
#include "core/orders/Channel.h"

#include <QCoreApplication>
#include <QString>

#include <functional>

class QObject;

namespace qpos::checkout {

class CheckoutRuns;
class EngineContext;

// Reconciliation's question to the provider about one trade the bill and the ledger disagree
// on: the trade is queried and the answer applied like any provider's answer, with the
// source Reconcile. A running checkout is left alone: it settles its order itself.
class ProviderSettlement {
    // The engine's strings, translated under its name.
    Q_DECLARE_TR_FUNCTIONS(qpos::checkout::CheckoutEngine)

public:
    ProviderSettlement(EngineContext& context, const CheckoutRuns& checkouts);

    void settle(Channel provider, const QString& outTradeNo, QObject* context,
                std::function<void(SettleFromProviderResult)> done);

    // Asks the provider about refund `outRequestNo` of the trade and records it when the
    // provider made it. Never sends a refund: an answer that the provider has none changes
    // nothing.
    void settleRefund(Channel provider, const QString& outTradeNo, const QString& outRequestNo,
                      QObject* context, std::function<void(SettleRefundResult)> done);

private:
    EngineContext& m_context;
    const CheckoutRuns& m_checkouts;
};

} // namespace qpos::checkout
