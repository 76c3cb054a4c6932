#pragma once

#include "core/link/EnrollmentCode.h"
#include "core/link/LinkMessages.h"
#include "core/link/ReplayGuard.h"
#include "core/link/SyncBatch.h"
#include "core/link/TerminalIdentity.h"

#include <QByteArray>
#include <QHttpServerResponder>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QSslKey>
#include <QUrl>

#include <memory>
#include <optional>
#include <vector>

class QHttpServer;
class QHttpServerRequest;
class QWebSocket;

namespace qpos::test {

// A small store backend for the till's link tests, on loopback: POST /v1/enroll, POST
// /v1/sync and the /v1/link WebSocket, as docs/server-protocol.md describes them. Every
// request's Authorization is checked with the core/link codec (HMAC, clock, nonce), so the
// till's signing is exercised for real. Scripted answers let a test play a server that
// refuses, answers nonsense, goes away mid-request or relays a forged notification. Lives in
// the test's thread.
class FakeStoreServer : public QObject {
    Q_OBJECT

public:
    explicit FakeStoreServer(QObject* parent = nullptr);
    ~FakeStoreServer() override;

    // Listens on 127.0.0.1 (`port` 0: a free one), plain HTTP or HTTPS with `certificate`.
    bool start(quint16 port = 0);
    bool startTls(const QSslCertificate& certificate, const QSslKey& key, quint16 port = 0);
    // Closes the listener and every connection (requests held are never answered).
    void stop();
    bool running() const { return m_server != nullptr; }
    QUrl url() const;
    quint16 port() const { return m_port; }

    // A terminal the server knows, with a fresh secret; its enrollment code.
    link::EnrollmentCode addTerminal(const link::TerminalIdentity& terminal,
                                     const QString& fingerprint = QString());

    // --- scripted behaviour
    std::optional<std::pair<int, QByteArray>> enrollAnswer; // instead of the real one
    std::optional<std::pair<int, QByteArray>> syncAnswer;   // instead of the real one
    bool holdSync = false;      // keep /v1/sync requests unanswered (stop() drops them)
    bool storeThenHold = false; // store the batch, then never answer (an answer lost)
    qint64 clockOffsetMs = 0;   // the server's clock minus the real one
    qsizetype storeAtMost = -1; // store at most this many entries of a batch (-1: all)

    // --- what happened
    int enrollCalls = 0;
    int syncCalls = 0;
    QList<QString> authFailures;             // the codes of refused requests
    QMap<qint64, QJsonObject> storedEntries; // seq -> payload, once each
    QList<link::SyncBatch> batches;          // every batch received, in order
    qsizetype heldSyncRequests() const { return qsizetype(m_held.size()); }

    // --- the push link
    int linkConnections() const;
    int linkUpgrades = 0;
    // Sends a frame to every connected till; false when none is connected.
    bool sendFrame(const QByteArray& frame);
    bool send(const link::LinkMessage& message) {
        return sendFrame(link::encodeLinkMessage(message));
    }
    QList<link::LinkAck> acks;
    QList<link::SettleAnswer> settleAnswers;
    QList<QByteArray> unreadableFrames; // till frames that did not decode
    // Closes the open links with this WebSocket close code (the server's side of a drop).
    void dropLinks(int closeCode = 1001);

signals:
    void ackReceived(const qpos::link::LinkAck& ack);

private:
    struct Known {
        link::TerminalIdentity terminal;
        link::TerminalSecret secret;
    };
    struct Verdict {
        std::optional<link::TerminalIdentity> terminal;
        QString failure; // auth.* when refused
    };
    bool listen(quint16 port, const QSslCertificate* certificate, const QSslKey* key);
    Verdict authenticate(const QByteArray& authorization, QByteArrayView method,
                         QByteArrayView path, QByteArrayView body);
    void handleEnroll(const QHttpServerRequest& request, QHttpServerResponder&& responder);
    void handleSync(const QHttpServerRequest& request, QHttpServerResponder&& responder);
    void acceptWebSockets();
    qint64 now() const;

    std::unique_ptr<QHttpServer> m_server;
    quint16 m_port = 0;
    bool m_tls = false;
    QList<Known> m_terminals;
    link::ReplayGuard m_replay;
    std::vector<std::unique_ptr<QHttpServerResponder>> m_held;
    QList<QPointer<QWebSocket>> m_links;
};

} // namespace qpos::test
