#pragma once

#include "core/common/Result.h"
#include "core/config/AppConfig.h"
#include "core/gateways/PaymentNotification.h"
#include "core/link/LinkMessages.h"
#include "core/link/LinkStatus.h"
#include "core/link/OutboxUploader.h"
#include "core/link/PushLink.h"

#include <QObject>

#include <functional>
#include <memory>

namespace qpos {
class OrderStore;
}
namespace qpos::checkout {
class CheckoutEngine;
class GatewayDirectory;
} // namespace qpos::checkout

namespace qpos::service {

// How the till's link behaves; the defaults are the protocol's, tests shorten them.
struct StoreLinkPolicy {
    link::OutboxUploader::Policy upload;
    link::PushLink::Policy push;
};

// The till's side of the store backend (docs/server-protocol.md), on the till's worker: the
// outbox upload and the push link, and what a relayed notification does. A notification is
// verified with the till's own keys (the provider's signature over the provider's original
// bytes, through the channel's gateway) before the engine sees it, and acknowledged
// `applied` only after the engine committed what it changed, or `rejected` with the
// verification's error code: a server can delay a payment result but never invent one. A
// database failure is not acknowledged, so the server sends the notification again. A settle
// request (reconciliation's Janitor) makes the engine ask the provider about one of this
// till's orders with the till's own keys and apply the answer; the answer to the server says
// what the till's order is after that commit.
class StoreLink : public QObject {
    Q_OBJECT

public:
    using Clock = std::function<qint64()>;

    // Not configured (status() says why) without [store_server] url or usable credentials.
    StoreLink(const AppConfig& config, OrderStore& store, checkout::GatewayDirectory& gateways,
              checkout::CheckoutEngine& engine, StoreLinkPolicy policy, Clock clock,
              QObject* parent = nullptr);
    ~StoreLink() override;

    void start();
    // The outbox grew: upload soon.
    void nudge();
    const link::LinkStatus& status() const { return m_status; }
    // The signed requests to the store server; null when the link is not configured.
    link::StoreServerHttp* http() { return m_http.get(); }

    // Handles one relayed notification; `ack` gets the acknowledgement to send, or none.
    void handle(const link::RelayedNotification& notification, const link::PushLink::Ack& ack);
    void apply(qint64 id, const Result<gateway::PaymentNotification>& verified,
               const link::PushLink::Ack& ack);
    // Handles one settle request; `answer` gets the till's answer once its commit is done.
    void settle(const link::SettleRequest& request, const link::PushLink::Answer& answer);
    void settleRefund(Channel channel, const link::SettleRequest& request,
                      const link::PushLink::Answer& answer);

signals:
    void statusChanged(const qpos::link::LinkStatus& status);

private:
    void publish();

    OrderStore& m_store;
    checkout::GatewayDirectory& m_gateways;
    checkout::CheckoutEngine& m_engine;
    Clock m_clock;
    link::TerminalIdentity m_terminal;
    link::LinkStatus m_status;
    std::unique_ptr<link::StoreServerHttp> m_http;
    std::unique_ptr<link::OutboxUploader> m_uploader;
    std::unique_ptr<link::PushLink> m_push;
};

} // namespace qpos::service
