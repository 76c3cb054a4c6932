#pragma once

#include "core/link/Backoff.h"
#include "core/link/LinkMessages.h"
#include "core/link/StoreServerHttp.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>
#include <optional>

class QWebSocket;

namespace qpos::link {

// The till's end of the push link (docs/server-protocol.md, "Push link"): one WebSocket to
// /v1/link, opened with a signed Authorization header and the pinned certificate, pinged every
// 30 s, and opened again after a drop, waiting 1 s doubling to 60 s (±20 %), the wait reset
// after a connection that lasted a minute. Relayed notifications go to the handler, which
// answers each with the acknowledgement to send (or none, so the server sends it again on
// the next connection). Settle requests go to the settle handler, which answers each after
// its own commit (or not at all, so the server asks again). Lives on the till's worker thread.
class PushLink : public QObject {
    Q_OBJECT

public:
    struct Policy {
        Backoff::Policy backoff{1000, 60000, 20};
        int pingMs = 30000;
        int stableMs = 60000; // a connection this long resets the wait
    };
    using Clock = std::function<qint64()>;
    using Ack = std::function<void(std::optional<LinkAck> ack)>;
    using Handler = std::function<void(const RelayedNotification& notification, Ack ack)>;
    using Answer = std::function<void(std::optional<SettleAnswer> answer)>;
    using SettleHandler = std::function<void(const SettleRequest& request, Answer answer)>;

    PushLink(StoreServerEndpoint endpoint, Policy policy, Clock clock, Handler handler,
             QObject* parent = nullptr);
    ~PushLink() override;

    // Without one, a settle request is answered Failed with settle.unsupported.
    void setSettleHandler(SettleHandler handler) { m_settleHandler = std::move(handler); }

    void start();
    bool connected() const;
    // When the link went down (0 while connected or before the first connection).
    qint64 offlineSinceMs() const { return m_offlineSinceMs; }
    int connections() const { return m_connections; }
    std::optional<qint64> clockDifferenceMs() const { return m_clockDifferenceMs; }
    // The wait before the next reconnection (for the log and tests).
    qint64 lastWaitMs() const { return m_lastWaitMs; }

signals:
    // Up, or down after a drop or a failed attempt.
    void connectedChanged(bool connected);
    void clockDifferenceChanged(qint64 differenceMs);
    // A frame from the server that could not be read (logged, otherwise ignored).
    void unreadableFrame(const QString& code);

private:
    void open();
    void onConnected();
    void onDisconnected();
    void onFrame(const QString& text);

    StoreServerEndpoint m_endpoint;
    Policy m_policy;
    Clock m_clock;
    Handler m_handler;
    SettleHandler m_settleHandler;
    Backoff m_backoff;
    QWebSocket* m_socket = nullptr;
    QTimer m_ping;
    QTimer m_reconnect;
    QElapsedTimer m_upFor;
    qint64 m_offlineSinceMs = 0;
    qint64 m_lastWaitMs = 0;
    int m_connections = 0;
    bool m_up = false;
    std::optional<qint64> m_clockDifferenceMs;
};

} // namespace qpos::link
