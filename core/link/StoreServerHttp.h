#pragma once

#include "core/common/Result.h"
#include "core/link/CertificatePin.h"
#include "core/link/RequestSignature.h"
#include "core/link/TerminalIdentity.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace qpos::link {

// An HTTP answer of the store backend, whatever its status.
struct StoreServerAnswer {
    int status = 0;
    QByteArray body;
    // The server's {"code","message"} of a 4xx/5xx answer; empty when it sent none.
    QString errorCode() const;
};

// Who the till is to the store backend and how it reaches it.
struct StoreServerEndpoint {
    QUrl baseUrl; // https://host:port
    TerminalIdentity terminal;
    TerminalSecret secret;
    CertificatePin pin;
};

// The till's signed HTTP requests to the store backend (docs/server-protocol.md, "Request
// authentication"): each carries a fresh Authorization header and the pinned TLS check.
// Lives in one thread; the callbacks run there, never after the client is gone.
class StoreServerHttp : public QObject {
    Q_OBJECT

public:
    using Clock = std::function<qint64()>;
    using Done = std::function<void(const Result<StoreServerAnswer>&)>;

    StoreServerHttp(StoreServerEndpoint endpoint, Clock clock, QObject* parent = nullptr);
    ~StoreServerHttp() override;

    const StoreServerEndpoint& endpoint() const { return m_endpoint; }

    // POST `path` with a JSON body. Errors (the request may or may not have reached the
    // server): link.unreachable, link.certificate_mismatch, link.answer_too_large.
    void post(const QString& path, const QByteArray& body, Done done,
              qint64 maxAnswerBytes = kMaxAnswerBytes);
    // GET `path` with `query` (already percent-encoded, may be empty); the same errors.
    void get(const QString& path, const QString& query, Done done,
             qint64 maxAnswerBytes = kMaxAnswerBytes);

    static constexpr int kTimeoutMs = 15000;
    static constexpr qint64 kMaxAnswerBytes = 64 * 1024;

private:
    void send(const QByteArray& verb, const QUrl& url, const QByteArray& body,
              qint64 maxAnswerBytes, Done done);

    StoreServerEndpoint m_endpoint;
    Clock m_clock;
    QNetworkAccessManager* m_network = nullptr;
};

// An error for an answer the till cannot use: link.unreadable_answer, naming the server.
Error unreadableAnswer(const QUrl& server);
// An error for a refusal the caller has no better words for: link.refused (401, 403: the
// credentials or the clock) or link.server_error (any other status), with the server's code.
Error refusedAnswer(const StoreServerAnswer& answer, const QUrl& server);

} // namespace qpos::link
