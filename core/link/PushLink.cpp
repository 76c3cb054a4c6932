#include "core/link/PushLink.h"

#include "core/logging/LogCategories.h"

#include <QNetworkRequest>
#include <QPointer>
#include <QWebSocket>

namespace qpos::link {

PushLink::PushLink(StoreServerEndpoint endpoint, Policy policy, Clock clock, Handler handler,
                   QObject* parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_policy(policy)
    , m_clock(std::move(clock))
    , m_handler(std::move(handler))
    , m_backoff(policy.backoff) {
    m_ping.setInterval(m_policy.pingMs);
    connect(&m_ping, &QTimer::timeout, this, [this] {
        if (m_socket)
            m_socket->ping();
    });
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &PushLink::open);
}

PushLink::~PushLink() {
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

bool PushLink::connected() const {
    return m_up;
}

void PushLink::start() {
    open();
}

void PushLink::open() {
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    connect(m_socket, &QWebSocket::connected, this, &PushLink::onConnected);
    connect(m_socket, &QWebSocket::disconnected, this, &PushLink::onDisconnected);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &PushLink::onFrame);
    // A connection that never opened (refused, TLS, 401 on the upgrade) may end with only an
    // error.
    connect(m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this](QAbstractSocket::SocketError) {
                if (m_socket->state() == QAbstractSocket::UnconnectedState)
                    onDisconnected();
            });
    connect(m_socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError>& errors) {
        if (m_endpoint.pin.accepts(m_socket->sslConfiguration().peerCertificate()))
            m_socket->ignoreSslErrors(errors);
        else
            qCWarning(lcSync) << "push link: the store server's certificate is not the pinned "
                                 "one; not connecting";
    });

    QUrl url = m_endpoint.baseUrl;
    url.setScheme(url.scheme() == u"https" ? QStringLiteral("wss") : QStringLiteral("ws"));
    url.setPath(QStringLiteral("/v1/link"));
    const Result<QByteArray> authorization = authorizationHeader(
        m_endpoint.terminal, m_endpoint.secret, "GET", "/v1/link", QByteArrayView(), m_clock());
    if (!authorization) {
        onDisconnected();
        return;
    }
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", *authorization);
    if (url.scheme() == u"wss")
        m_socket->setSslConfiguration(m_endpoint.pin.tlsConfiguration());
    m_socket->open(request);
}

void PushLink::onConnected() {
    m_up = true;
    ++m_connections;
    m_offlineSinceMs = 0;
    m_upFor.start();
    m_ping.start();
    qCInfo(lcSync) << "push link connected";
    emit connectedChanged(true);
}

void PushLink::onDisconnected() {
    if (m_reconnect.isActive())
        return; // already counted: the error and the disconnection of one drop
    const bool wasUp = m_up;
    m_up = false;
    m_ping.stop();
    if (wasUp && m_upFor.isValid() && m_upFor.elapsed() >= m_policy.stableMs)
        m_backoff.reset();
    if (m_offlineSinceMs == 0)
        m_offlineSinceMs = m_clock();
    m_lastWaitMs = m_backoff.next();
    qCInfo(lcSync) << "push link down (close code" << (m_socket ? int(m_socket->closeCode()) : 0)
                   << "); next try in" << m_lastWaitMs << "ms";
    m_reconnect.start(std::chrono::milliseconds(m_lastWaitMs));
    emit connectedChanged(false); // also after a first attempt that failed: offline since now
}

void PushLink::onFrame(const QString& text) {
    const Result<LinkMessage> message = decodeLinkMessage(text.toUtf8());
    if (!message) {
        qCWarning(lcSync).noquote()
            << "push link: unreadable frame from the server ignored:" << message.error().code;
        emit unreadableFrame(message.error().code);
        // Refused by id when it has one: left unanswered, the server would send it forever.
        const bool up = m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
        if (const std::optional<qint64> id = refusedNotificationId(text.toUtf8()); id && up) {
            m_socket->sendTextMessage(QString::fromUtf8(
                encodeLinkMessage(LinkAck{*id, LinkAck::Result::Rejected, message.error().code})));
        } else if (const std::optional<qint64> settle = refusedSettleId(text.toUtf8());
                   settle && up) {
            SettleAnswer refused;
            refused.id = *settle;
            refused.code = message.error().code;
            m_socket->sendTextMessage(QString::fromUtf8(encodeLinkMessage(refused)));
        }
        return;
    }
    if (const auto* hello = std::get_if<LinkHello>(&*message)) {
        m_clockDifferenceMs = hello->serverTimeMs - m_clock();
        emit clockDifferenceChanged(*m_clockDifferenceMs);
        return;
    }
    QPointer<QWebSocket> socket = m_socket;
    if (const auto* settle = std::get_if<SettleRequest>(&*message)) {
        // Answered on the connection that brought it, like an acknowledgement.
        Answer answer = [socket](std::optional<SettleAnswer> settled) {
            if (settled && socket && socket->state() == QAbstractSocket::ConnectedState)
                socket->sendTextMessage(QString::fromUtf8(encodeLinkMessage(*settled)));
        };
        if (!m_settleHandler) {
            SettleAnswer unsupported;
            unsupported.id = settle->id;
            unsupported.code = QStringLiteral("settle.unsupported");
            answer(unsupported);
            return;
        }
        m_settleHandler(*settle, std::move(answer));
        return;
    }
    const auto* notification = std::get_if<RelayedNotification>(&*message);
    if (!notification)
        return; // acknowledgements and answers are the till's to send, not to receive
    m_handler(*notification, [socket](std::optional<LinkAck> ack) {
        // Sent on the connection that brought it; if that one is gone, the server sends the
        // notification again on the next one.
        if (ack && socket && socket->state() == QAbstractSocket::ConnectedState)
            socket->sendTextMessage(QString::fromUtf8(encodeLinkMessage(*ack)));
    });
}

} // namespace qpos::link
