#include "server/reconcile/ServerJanitor.h"

#include "core/checkout/EngineJanitor.h"
#include "core/gateways/PaymentGateway.h"
#include "core/gateways/TradeState.h"
#include "core/logging/LogCategories.h"
#include "server/reconcile/ServerBatchStore.h"
#include "server/reconcile/SettleRequests.h"
#include "server/storage/ServerStore.h"

#include <QSet>

#include <utility>

namespace qpos::server {

using reconcile::DifferenceClass;
using reconcile::DifferenceItem;
using reconcile::JanitorVerdict;

ServerJanitor::ServerJanitor(QMap<Channel, gateway::PaymentGateway*> gateways, ServerStore& store,
                             ServerBatchStore& batches, std::function<qint64()> nowMs,
                             std::function<void(qint64 terminalRowId)> queued)
    : m_gateways(std::move(gateways))
    , m_store(store)
    , m_batches(batches)
    , m_nowMs(std::move(nowMs))
    , m_queued(std::move(queued)) {}

bool ServerJanitor::confirmsBill(const DifferenceItem& item,
                                 const gateway::TradeSnapshot& snapshot) {
    switch (item.kind) {
    case DifferenceClass::ProviderOnly:
        // The bill's payment, of the bill's amount.
        return gateway::isPaidState(snapshot.state) &&
               (!item.providerAmountFen || *item.providerAmountFen == snapshot.totalFen);
    case DifferenceClass::Status:
        // The bill lists the trade as not (or no longer) paid, and so does the query.
        return snapshot.state == gateway::TradeState::Closed ||
               snapshot.state == gateway::TradeState::Failed ||
               snapshot.state == gateway::TradeState::Refunded;
    case DifferenceClass::LocalOnly:
    case DifferenceClass::Amount:
    case DifferenceClass::Refund:
    case DifferenceClass::Duplicate:
        break;
    }
    return false;
}

bool ServerJanitor::confirmsRefund(const DifferenceItem& item,
                                   const gateway::RefundQueryResult& answer) {
    // The bill's refund, made, of the bill's amount.
    return item.kind == DifferenceClass::Refund && answer.state == gateway::RefundState::Refunded &&
           item.providerAmountFen && *item.providerAmountFen == answer.refundFen;
}

void ServerJanitor::settle(const DifferenceItem& item, QObject* context,
                           std::function<void(JanitorVerdict)> done) {
    gateway::PaymentGateway* gateway = m_gateways.value(item.provider);
    if (!gateway) {
        QMetaObject::invokeMethod(
            context,
            [item, done = std::move(done)] {
                done(JanitorVerdict{false, checkout::EngineJanitor::notAnsweredEvidence(
                                               item.provider, tr("no client of the provider"))});
            },
            Qt::QueuedConnection);
        return;
    }
    if (item.kind == DifferenceClass::Refund) {
        gateway->queryRefund(
            gateway::RefundQuery{item.outTradeNo, item.providerTradeNo, item.outRequestNo}, context,
            [this, item,
             done = std::move(done)](gateway::GatewayResult<gateway::RefundQueryResult> a) {
                if (!a.isSuccess()) {
                    done(JanitorVerdict{false, checkout::EngineJanitor::refundNotAnsweredEvidence(
                                                   item.provider, a.cashierMessage())});
                    return;
                }
                answered(item,
                         checkout::EngineJanitor::refundAnswerEvidence(item.provider, a.value()),
                         confirmsRefund(item, a.value()), done);
            });
        return;
    }
    // The gateway answers in the thread of `context`, and not after it is gone.
    gateway->queryTrade(
        gateway::TradeRef{item.outTradeNo, item.providerTradeNo}, context,
        [this, item, done = std::move(done)](gateway::GatewayResult<gateway::TradeSnapshot> a) {
            if (!a.isSuccess()) {
                done(JanitorVerdict{false, checkout::EngineJanitor::notAnsweredEvidence(
                                               item.provider, a.cashierMessage())});
                return;
            }
            answered(item, checkout::EngineJanitor::answerEvidence(item.provider, a.value()),
                     confirmsBill(item, a.value()), done);
        });
}

void ServerJanitor::answered(const DifferenceItem& item, const QString& evidence, bool confirmed,
                             const std::function<void(JanitorVerdict)>& done) {
    if (!confirmed) {
        done(JanitorVerdict{false, evidence + QStringLiteral("; ") +
                                       tr("the provider does not confirm the bill")});
        return;
    }
    Result<QList<TerminalRecord>> terminals = m_store.terminals();
    if (!terminals) {
        done(JanitorVerdict{false, evidence + QStringLiteral("; ") + terminals.error().message});
        return;
    }
    const TerminalRecord* owner = nullptr;
    for (const TerminalRecord& t : std::as_const(*terminals)) {
        if (!t.revokedAtMs && t.identity.owns(item.outTradeNo))
            owner = &t;
    }
    if (!owner) {
        done(JanitorVerdict{false, evidence + QStringLiteral("; ") +
                                       tr("no till of this store owns the order")});
        return;
    }
    // A request about a refund names it; one about the trade does not.
    const QString refundNo = item.kind == DifferenceClass::Refund ? item.outRequestNo : QString();
    Result<qint64> queued = SettleRequests(m_store).queue(
        owner->rowId, item.provider, item.outTradeNo, refundNo, evidence, m_nowMs());
    if (!queued) {
        qCWarning(lcServer).noquote()
            << "settle request for" << item.outTradeNo << "not queued:" << queued.error().message;
        done(JanitorVerdict{false, evidence + QStringLiteral("; ") + queued.error().message});
        return;
    }
    qCInfo(lcServer).noquote() << "settle request" << *queued << "for" << item.outTradeNo
                               << "queued for" << owner->identity.storeId
                               << owner->identity.terminalId;
    if (m_queued)
        m_queued(owner->rowId);
    done(JanitorVerdict{false, evidence + QStringLiteral("; ") +
                                   SettleRequests::waitingEvidence(owner->identity)});
}

Status ServerJanitor::resolveAnswered(qint64 batchId) {
    Result<QList<reconcile::StoredItem>> items = m_batches.items(batchId);
    if (!items)
        return items.error();
    QSet<QPair<QString, QString>> asked;
    SettleRequests requests(m_store);
    for (const reconcile::StoredItem& stored : std::as_const(*items)) {
        const DifferenceItem& item = stored.item;
        if (stored.resolution != reconcile::ItemResolution::Open || !reconcile::janitorAsks(item))
            continue;
        const QString refundNo =
            item.kind == DifferenceClass::Refund ? item.outRequestNo : QString();
        if (asked.contains({item.outTradeNo, refundNo}))
            continue;
        asked.insert({item.outTradeNo, refundNo});
        Result<int> resolved = requests.resolveAnswered(m_batches, item.provider, item.outTradeNo,
                                                        refundNo, m_nowMs());
        if (!resolved)
            return resolved.error();
    }
    return Status::success();
}

} // namespace qpos::server
