#pragma once

#include "core/common/Result.h"
#include "core/orders/Channel.h"
#include "core/reconcile/ReconcileJanitor.h"

#include <QCoreApplication>
#include <QMap>

#include <functional>

namespace qpos::gateway {
class PaymentGateway;
struct RefundQueryResult;
struct TradeSnapshot;
} // namespace qpos::gateway

namespace qpos::server {

class ServerBatchStore;
class ServerStore;

// The store server's Janitor (docs/reconciliation.md, "The store server's Janitor"): the
// provider is asked about the trade (or the bill's refund) with the server's merchant keys. When
// its answer confirms the bill's side and a terminal of this store owns the order, a settle request
// is queued for that till: the till asks its provider itself and applies the answer through its
// engine, so only a provider's answer moves its ledger. The verdict is never `resolved` at once:
// the item is saved open with the evidence "settle sent to S001/T07, waiting", and resolved when
// the till's answer says its ledger agrees (SettleRequests::resolveAnswered), by whichever instance
// hears it, or by resolveAnswered() after the batch is saved.
class ServerJanitor final : public reconcile::ReconcileJanitor {
    Q_DECLARE_TR_FUNCTIONS(qpos::server::ServerJanitor)

public:
    // `queued` (may be empty) hears of each request queued, after its commit: the serving
    // instance delivers it at once to a linked till.
    ServerJanitor(QMap<Channel, gateway::PaymentGateway*> gateways, ServerStore& store,
                  ServerBatchStore& batches, std::function<qint64()> nowMs,
                  std::function<void(qint64 terminalRowId)> queued = {});

    void settle(const reconcile::DifferenceItem& item, QObject* context,
                std::function<void(reconcile::JanitorVerdict)> done) override;

    // After a batch is saved: resolves its items whose till answered meanwhile.
    Status resolveAnswered(qint64 batchId);

    // Whether the provider's answer to the server's query confirms the bill's side of `item`.
    static bool confirmsBill(const reconcile::DifferenceItem& item,
                             const gateway::TradeSnapshot& snapshot);
    // Whether the provider's answer to the server's query of a refund confirms the bill's
    // refund: made, of the bill's amount.
    static bool confirmsRefund(const reconcile::DifferenceItem& item,
                               const gateway::RefundQueryResult& answer);

private:
    void answered(const reconcile::DifferenceItem& item, const QString& evidence, bool confirmed,
                  const std::function<void(reconcile::JanitorVerdict)>& done);

    QMap<Channel, gateway::PaymentGateway*> m_gateways;
    ServerStore& m_store;
    ServerBatchStore& m_batches;
    std::function<qint64()> m_nowMs;
    std::function<void(qint64)> m_queued;
};

} // namespace qpos::server
