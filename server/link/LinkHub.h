#pragma once

#include "core/link/LinkMessages.h"
#include "core/link/TerminalIdentity.h"

#include <QHash>
#include <QObject>
#include <QWebSocket>

#include <functional>
#include <memory>

namespace qpos::server {

class ServerMetrics;
class ServerStore;

// The tills' push links (docs/server-protocol.md, "Push link"): one WebSocket per terminal,
// whose upgrade was authenticated before Qt made it (QposServer::checkUpgrade). Sends hello,
// then every notification queued for the terminal and not acknowledged, oldest first, with
// the provider's original bytes and headers; again on every new connection. A newer
// connection of the same terminal replaces the older one (closed with 4409). The server pings
// every 30 s and closes a link that has been silent (no frame, no pong) for the idle time.
// Reconciliation's settle requests go the same way, until the till answers; each ping also
// reads the terminal's queue again, so a request another process queued in a SQLite database
// (qpos-server reconcile) reaches the till. An answer resolves the differences it settles.
class LinkHub : public QObject {
    Q_OBJECT

public:
    static constexpr quint16 kCloseReplaced = 4409;
    static constexpr quint16 kCloseUnauthorized = 4401;

    LinkHub(ServerStore& store, ServerMetrics& metrics, int idleMs, std::function<qint64()> nowMs,
            QObject* parent = nullptr);
    ~LinkHub() override;

    void adopt(std::unique_ptr<QWebSocket> socket);
    // Sends the terminal's unacknowledged messages its link has not been sent yet.
    void deliverPending(qint64 terminalRowId);
    int connectedCount() const { return static_cast<int>(m_links.size()); }

private:
    struct Link;

    void onMessage(Link* link, const QString& text);
    void onSettled(Link* link, const link::SettleAnswer& answer);
    void drop(Link* link);
    void send(Link* link, const QByteArray& frame);

    ServerStore& m_store;
    ServerMetrics& m_metrics;
    int m_idleMs;
    std::function<qint64()> m_nowMs;
    QHash<qint64, Link*> m_links; // by terminal row id
    QList<Link*> m_retired;       // dropped, deleted once their own signals have returned
};

} // namespace qpos::server
