#include "core/service/StoreLink.h"

#include "core/checkout/CheckoutEngine.h"
#include "core/checkout/EngineJanitor.h"
#include "core/checkout/GatewayDirectory.h"
#include "core/gateways/TradeState.h"
#include "core/link/TillEndpoint.h"
#include "core/logging/LogCategories.h"
#include "core/orders/OrderState.h"
#include "core/reconcile/ReconcileLedger.h"
#include "core/storage/OrderStore.h"

#include <algorithm>

namespace qpos::service {

namespace {

link::LinkAck rejected(qint64 id, const QString& code) {
    return {id, link::LinkAck::Result::Rejected, code};
}

link::SettleAnswer settleFailed(qint64 id, const QString& code) {
    link::SettleAnswer a;
    a.id = id;
    a.code = code;
    return a;
}

// The provider's word as the link carries it; its machine name when the word is not one.
QString providerWord(const gateway::TradeSnapshot& snapshot) {
    const QString& word = snapshot.providerState;
    const bool plain = !word.isEmpty() && word.size() <= 64 &&
                       std::all_of(word.cbegin(), word.cend(), [](QChar c) {
                           return (c.isLetterOrNumber() && c.unicode() < 128) || c == u'_' ||
                                  c == u'.' || c == u'-';
                       });
    return plain ? word : gateway::tradeStateName(snapshot.state);
}

} // namespace

StoreLink::StoreLink(const AppConfig& config, OrderStore& store,
                     checkout::GatewayDirectory& gateways, checkout::CheckoutEngine& engine,
                     StoreLinkPolicy policy, Clock clock, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_gateways(gateways)
    , m_engine(engine)
    , m_clock(std::move(clock)) {
    if (config.storeServer.url.isEmpty())
        return;
    const Result<link::StoreServerEndpoint> found = link::tillEndpoint(config);
    if (!found) {
        m_status.problem = found.error().message;
        qCWarning(lcSync).noquote() << "store server link not started:" << m_status.problem;
        return;
    }
    const link::StoreServerEndpoint& endpoint = *found;
    m_terminal = endpoint.terminal;
    m_http = std::make_unique<link::StoreServerHttp>(endpoint, m_clock);
    m_uploader = std::make_unique<link::OutboxUploader>(m_store, *m_http, policy.upload, m_clock);
    m_push = std::make_unique<link::PushLink>(
        endpoint, policy.push, m_clock,
        [this](const link::RelayedNotification& n, link::PushLink::Ack ack) { handle(n, ack); });
    m_push->setSettleHandler([this](const link::SettleRequest& request,
                                    link::PushLink::Answer answer) { settle(request, answer); });
    m_status.state = link::LinkStatus::State::Connecting;

    connect(m_uploader.get(), &link::OutboxUploader::statusChanged, this,
            [this](const link::UploadStatus& upload) {
                m_status.waitingRows = upload.waitingRows;
                m_status.waitingOrders = upload.waitingOrders;
                if (upload.clockDifferenceMs)
                    m_status.clockDifferenceMs = upload.clockDifferenceMs;
                publish();
            });
    connect(m_push.get(), &link::PushLink::connectedChanged, this, [this](bool up) {
        m_status.state = up ? link::LinkStatus::State::Connected : link::LinkStatus::State::Offline;
        m_status.offlineSinceMs = up ? 0 : m_push->offlineSinceMs();
        publish();
    });
    connect(m_push.get(), &link::PushLink::clockDifferenceChanged, this, [this](qint64 difference) {
        m_status.clockDifferenceMs = difference;
        publish();
    });
}

StoreLink::~StoreLink() {
    m_push.reset();
    m_uploader.reset();
    m_http.reset();
}

void StoreLink::publish() {
    // Offline from the first failed attempt, not only after a connection that was up.
    if (m_push && !m_push->connected() && m_push->offlineSinceMs() != 0) {
        m_status.state = link::LinkStatus::State::Offline;
        m_status.offlineSinceMs = m_push->offlineSinceMs();
    }
    emit statusChanged(m_status);
}

void StoreLink::start() {
    if (m_uploader)
        m_uploader->start();
    if (m_push)
        m_push->start();
    publish();
}

void StoreLink::nudge() {
    if (m_uploader)
        m_uploader->nudge();
}

void StoreLink::handle(const link::RelayedNotification& n, const link::PushLink::Ack& ack) {
    std::optional<Channel> channel = channelFromName(n.provider);
    // Cash has no provider: nobody can notify about it.
    gateway::PaymentGateway* gateway =
        channel && isProviderChannel(*channel) ? m_gateways.find(*channel) : nullptr;
    if (!gateway) {
        qCWarning(lcSync).noquote() << "relayed notification" << n.id << "for provider"
                                    << n.provider << "refused: no such channel at this till";
        ack(rejected(n.id, QStringLiteral("notification.unknown_provider")));
        return;
    }
    gateway::IncomingNotification incoming{n.body, n.headers, n.receivedAtMs};
    const qint64 id = n.id;
    // Later, not at once: a WeChat Pay key the till does not have yet is fetched first.
    gateway->verifyNotificationLater(
        incoming,
        [this](const QString& outTradeNo) -> std::optional<Order> {
            Result<Order> order = m_store.order(outTradeNo);
            return order ? std::optional<Order>(*order) : std::nullopt;
        },
        this,
        [this, id, ack](Result<gateway::PaymentNotification> verified) {
            apply(id, verified, ack);
        });
}

void StoreLink::apply(qint64 id, const Result<gateway::PaymentNotification>& verified,
                      const link::PushLink::Ack& ack) {
    if (!verified) {
        qCWarning(lcSync).noquote()
            << "relayed notification" << id << "refused:" << verified.error().code;
        ack(rejected(id, verified.error().code));
        return;
    }
    // Returns after the commit: the acknowledgement never runs ahead of the order.
    const Status applied = m_engine.acceptNotification(*verified);
    if (!applied && applied.error().code.startsWith(u"db.")) {
        qCWarning(lcSync).noquote()
            << "relayed notification" << id
            << "not recorded; the server will send it again:" << applied.error().code;
        ack(std::nullopt);
        return;
    }
    qCInfo(lcSync).noquote() << "relayed notification" << id << "for" << verified->outTradeNo
                             << (applied ? "applied" : "refused:")
                             << (applied ? QString() : applied.error().code);
    ack(applied ? link::LinkAck{id, link::LinkAck::Result::Applied, {}}
                : rejected(id, applied.error().code));
}

void StoreLink::settle(const link::SettleRequest& request, const link::PushLink::Answer& answer) {
    const std::optional<Channel> channel = channelFromName(request.provider);
    // Another till's order is not this till's to settle, whatever the server says.
    if (!m_terminal.owns(request.outTradeNo) || !channel || !isProviderChannel(*channel)) {
        qCWarning(lcSync).noquote() << "settle request" << request.id << "for" << request.outTradeNo
                                    << "refused: not this till's order";
        answer(settleFailed(request.id, QStringLiteral("settle.not_this_till")));
        return;
    }
    const qint64 id = request.id;
    if (!request.outRequestNo.isEmpty()) {
        settleRefund(*channel, request, answer);
        return;
    }
    // The engine asks the provider with this till's keys; what it applied is committed when
    // `done` runs.
    m_engine.settleFromProvider(
        *channel, request.outTradeNo, this,
        [id, answer](const checkout::SettleFromProviderResult& result) {
            using checkout::SettleFromProviderOutcome;
            switch (result.outcome) {
            case SettleFromProviderOutcome::Answered:
                break;
            case SettleFromProviderOutcome::Running:
                answer(settleFailed(id, QStringLiteral("settle.running")));
                return;
            case SettleFromProviderOutcome::NoGateway:
                answer(settleFailed(id, QStringLiteral("settle.no_gateway")));
                return;
            case SettleFromProviderOutcome::NotAnswered:
                answer(settleFailed(id, QStringLiteral("settle.not_answered")));
                return;
            }
            link::SettleAnswer settled;
            settled.id = id;
            settled.result = result.before != result.after ? link::SettleAnswer::Result::Applied
                                                           : link::SettleAnswer::Result::Unchanged;
            settled.state = result.after ? orderStateName(*result.after) : QString();
            settled.providerState = providerWord(result.snapshot);
            qCInfo(lcSync).noquote()
                << "settle request" << id << "for" << result.outTradeNo
                << "answered:" << link::settleResultName(settled.result)
                << (settled.state.isEmpty() ? QStringLiteral("no such order") : settled.state);
            answer(settled);
        });
}

void StoreLink::settleRefund(Channel channel, const link::SettleRequest& request,
                             const link::PushLink::Answer& answer) {
    const qint64 id = request.id;
    // A refund is recorded only from the provider's answer to this till's own query; nothing
    // is ever sent. What was recorded is committed when `done` runs.
    m_engine.settleRefundFromProvider(
        channel, request.outTradeNo, request.outRequestNo, this,
        [id, answer](const checkout::SettleRefundResult& result) {
            using checkout::SettleFromProviderOutcome;
            if (result.outcome != SettleFromProviderOutcome::Answered) {
                answer(settleFailed(id, result.outcome == SettleFromProviderOutcome::NoGateway
                                            ? QStringLiteral("settle.no_gateway")
                                            : QStringLiteral("settle.not_answered")));
                return;
            }
            // The database could not take it: no answer, so the server sends it again.
            if (result.code.startsWith(u"db.")) {
                qCWarning(lcSync).noquote()
                    << "settle request" << id << "for refund" << result.outRequestNo
                    << "not recorded; the server will send it again:" << result.code;
                answer(std::nullopt);
                return;
            }
            // The provider made it, but this till cannot record it: the server says why.
            if (!result.code.isEmpty()) {
                answer(settleFailed(id, result.code));
                return;
            }
            link::SettleAnswer settled;
            settled.id = id;
            settled.result = result.before != result.after ? link::SettleAnswer::Result::Applied
                                                           : link::SettleAnswer::Result::Unchanged;
            settled.state = result.after ? reconcile::refundStateName(*result.after) : QString();
            settled.providerState =
                checkout::EngineJanitor::refundWord(result.provider, result.answer.state);
            qCInfo(lcSync).noquote()
                << "settle request" << id << "for refund" << result.outRequestNo << "of"
                << result.outTradeNo << "answered:" << link::settleResultName(settled.result)
                << (settled.state.isEmpty() ? QStringLiteral("not recorded") : settled.state);
            answer(settled);
        });
}

} // namespace qpos::service
