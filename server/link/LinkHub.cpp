#include "server/link/LinkHub.h"

#include "core/link/LinkMessages.h"
#include "core/link/RequestSignature.h"
#include "core/logging/LogCategories.h"
#include "server/metrics/ServerMetrics.h"
#include "server/reconcile/ServerBatchStore.h"
#include "server/reconcile/SettleRequests.h"
#include "server/storage/ServerStore.h"

#include <QSet>
#include <QTimer>

#include <utility>

namespace qpos::server {

namespace {

constexpr int kPingIntervalMs = 30 * 1000;

} // namespace

struct LinkHub::Link {
    std::unique_ptr<QWebSocket> socket;
    qint64 terminalRowId = 0;
    link::TerminalIdentity identity;
    QHash<qint64, qint64> sent; // message id -> received_at_ms, on this connection
    QSet<qint64> settlesSent;   // settle request ids, on this connection
    QTimer idle;
    QTimer ping;
};

LinkHub::LinkHub(ServerStore& store, ServerMetrics& metrics, int idleMs,
                 std::function<qint64()> nowMs, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_metrics(metrics)
    , m_idleMs(idleMs)
    , m_nowMs(std::move(nowMs)) {}

LinkHub::~LinkHub() {
    for (Link* link : std::as_const(m_links)) {
        link->socket->disconnect(this);
        delete link;
    }
    qDeleteAll(m_retired);
}

void LinkHub::adopt(std::unique_ptr<QWebSocket> socket) {
    // The upgrade was authenticated before Qt made the WebSocket; the header names the
    // terminal. Anything odd here closes the link rather than guessing.
    Result<link::RequestAuthorization> authorization =
        link::parseAuthorization(socket->request().rawHeader("Authorization"));
    Result<std::optional<TerminalRecord>> terminal =
        authorization ? m_store.terminal(authorization->terminal)
                      : Result<std::optional<TerminalRecord>>(authorization.error());
    if (!terminal || !*terminal || (*terminal)->revokedAtMs) {
        m_metrics.countRefusal(QStringLiteral("auth.unknown_terminal"));
        // Parented, so that a socket still closing when the hub goes is deleted with it.
        QWebSocket* raw = socket.release();
        raw->setParent(this);
        connect(raw, &QWebSocket::disconnected, raw, &QObject::deleteLater);
        raw->close(static_cast<QWebSocketProtocol::CloseCode>(kCloseUnauthorized),
                   QStringLiteral("unauthorized"));
        return;
    }

    auto* link = new Link;
    link->socket = std::move(socket);
    link->terminalRowId = (*terminal)->rowId;
    link->identity = (*terminal)->identity;
    link->socket->setMaxAllowedIncomingMessageSize(link::kMaxLinkMessageBytes);
    link->socket->setMaxAllowedIncomingFrameSize(link::kMaxLinkMessageBytes);

    if (Link* older = m_links.take(link->terminalRowId)) {
        qCInfo(lcServer).noquote() << "push link of" << older->identity.storeId
                                   << older->identity.terminalId << "replaced by a newer one";
        older->socket->disconnect(this);
        older->socket->close(static_cast<QWebSocketProtocol::CloseCode>(kCloseReplaced),
                             QStringLiteral("replaced by a newer connection"));
        QWebSocket* oldSocket = older->socket.release();
        oldSocket->setParent(this);
        connect(oldSocket, &QWebSocket::disconnected, oldSocket, &QObject::deleteLater);
        QTimer::singleShot(5000, oldSocket, &QObject::deleteLater);
        delete older;
    }
    m_links.insert(link->terminalRowId, link);
    m_metrics.setTerminalsConnected(connectedCount());

    link->idle.setSingleShot(true);
    connect(&link->idle, &QTimer::timeout, this, [this, link] {
        qCInfo(lcServer).noquote() << "push link of" << link->identity.storeId
                                   << link->identity.terminalId << "silent; closed";
        link->socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("idle"));
        drop(link);
    });
    link->idle.start(m_idleMs);
    link->ping.setInterval(qMin(kPingIntervalMs, qMax(1, m_idleMs / 3)));
    connect(&link->ping, &QTimer::timeout, link->socket.get(), [this, link] {
        link->socket->ping();
        deliverPending(link->terminalRowId);
    });
    link->ping.start();

    QWebSocket* ws = link->socket.get();
    connect(ws, &QWebSocket::textMessageReceived, this, [this, link](const QString& text) {
        link->idle.start(m_idleMs);
        onMessage(link, text);
    });
    connect(ws, &QWebSocket::pong, this, [this, link] { link->idle.start(m_idleMs); });
    connect(ws, &QWebSocket::disconnected, this, [this, link] { drop(link); });

    qCInfo(lcServer).noquote() << "push link of" << link->identity.storeId
                               << link->identity.terminalId << "open";
    send(link, link::encodeLinkMessage(link::LinkHello{m_nowMs()}));
    deliverPending(link->terminalRowId);
}

void LinkHub::deliverPending(qint64 terminalRowId) {
    Link* link = m_links.value(terminalRowId);
    if (!link)
        return;
    Result<QList<PendingRelay>> pending = m_store.pendingRelays(terminalRowId);
    if (!pending) {
        qCWarning(lcServer).noquote()
            << "cannot read the messages for a till:" << pending.error().message;
        return;
    }
    for (const PendingRelay& p : std::as_const(*pending)) {
        if (link->sent.contains(p.id))
            continue;
        link->sent.insert(p.id, p.receivedAtMs);
        link::RelayedNotification n;
        n.id = p.id;
        n.provider = p.provider;
        n.outTradeNo = p.outTradeNo;
        n.receivedAtMs = p.receivedAtMs;
        n.headers = p.headers;
        n.body = p.body;
        send(link, link::encodeLinkMessage(n));
    }
    Result<QList<SettleRequestRecord>> settles = SettleRequests(m_store).pending(terminalRowId);
    if (!settles) {
        qCWarning(lcServer).noquote()
            << "cannot read the settle requests for a till:" << settles.error().message;
        return;
    }
    for (const SettleRequestRecord& r : std::as_const(*settles)) {
        if (link->settlesSent.contains(r.id))
            continue;
        link->settlesSent.insert(r.id);
        send(link, link::encodeLinkMessage(link::SettleRequest{r.id, channelName(r.provider),
                                                               r.outTradeNo, r.outRequestNo}));
    }
}

void LinkHub::send(Link* link, const QByteArray& frame) {
    link->socket->sendTextMessage(QString::fromUtf8(frame));
}

void LinkHub::onMessage(Link* link, const QString& text) {
    Result<link::LinkMessage> message = link::decodeLinkMessage(text.toUtf8());
    if (!message) {
        m_metrics.countRefusal(message.error().code);
        qCWarning(lcServer).noquote() << "push link message refused:" << message.error().code;
        return;
    }
    if (const auto* settled = std::get_if<link::SettleAnswer>(&*message)) {
        onSettled(link, *settled);
        return;
    }
    const link::LinkAck* ack = std::get_if<link::LinkAck>(&*message);
    if (!ack) {
        m_metrics.countRefusal(QStringLiteral("link.unexpected"));
        return;
    }
    const QString result = ack->result == link::LinkAck::Result::Applied
                               ? QStringLiteral("applied")
                               : QStringLiteral("rejected");
    const qint64 now = m_nowMs();
    Result<bool> known =
        m_store.acknowledgeRelay(link->terminalRowId, ack->id, result, ack->code, now);
    if (!known) {
        qCWarning(lcServer).noquote() << "acknowledgement not recorded; the message will be sent "
                                         "again:"
                                      << known.error().message;
        return;
    }
    if (!*known) {
        m_metrics.countRefusal(QStringLiteral("auth.wrong_terminal"));
        qCWarning(lcServer).noquote()
            << "terminal" << link->identity.storeId << link->identity.terminalId
            << "acknowledged a message that is not its own:" << ack->id;
        return;
    }
    if (link->sent.contains(ack->id))
        m_metrics.observePushLatency(double(now - link->sent.value(ack->id)) / 1000.0);
}

void LinkHub::onSettled(Link* link, const link::SettleAnswer& answer) {
    const qint64 now = m_nowMs();
    SettleRequests requests(m_store);
    Result<std::optional<SettleRequestRecord>> recorded =
        requests.answer(link->terminalRowId, answer, now);
    if (!recorded) {
        qCWarning(lcServer).noquote() << "settle answer not recorded; the request will be sent "
                                         "again:"
                                      << recorded.error().message;
        link->settlesSent.remove(answer.id);
        return;
    }
    if (!*recorded) {
        m_metrics.countRefusal(QStringLiteral("auth.wrong_terminal"));
        qCWarning(lcServer).noquote()
            << "terminal" << link->identity.storeId << link->identity.terminalId
            << "answered a settle request that is not its own:" << answer.id;
        return;
    }
    const SettleRequestRecord& r = **recorded;
    qCInfo(lcServer).noquote() << "settle request" << r.id << "for" << r.outTradeNo << "answered by"
                               << link->identity.storeId << link->identity.terminalId << r.result
                               << r.tillState << r.code;
    ServerBatchStore batches(m_store);
    Result<int> resolved =
        requests.resolveAnswered(batches, r.provider, r.outTradeNo, r.outRequestNo, now);
    if (!resolved)
        // The answer is kept: the next run of the day, or its end, resolves the items.
        qCWarning(lcServer).noquote()
            << "differences of" << r.outTradeNo << "not resolved:" << resolved.error().message;
}

void LinkHub::drop(Link* link) {
    if (m_links.value(link->terminalRowId) != link)
        return;
    m_links.remove(link->terminalRowId);
    m_metrics.setTerminalsConnected(connectedCount());
    link->idle.stop();
    link->ping.stop();
    link->socket->disconnect(this);
    QWebSocket* socket = link->socket.release();
    socket->setParent(this);
    socket->deleteLater();
    // Not at once: drop() may run inside one of the link's own signals. What is still
    // retired when the hub goes is deleted by its destructor.
    m_retired.append(link);
    QTimer::singleShot(0, this, [this, link] {
        if (m_retired.removeOne(link))
            delete link;
    });
}

} // namespace qpos::server
