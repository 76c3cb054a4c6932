#pragma once

// A till enrolled on a qpos-server under test: its identity and secret, signed requests and
// outbox uploads over loopback HTTP, as the real till sends them.

#include "core/link/EnrollmentCode.h"
#include "core/link/StoreServerHttp.h"
#include "core/link/TerminalIdentity.h"
#include "tests/server/ServerTestSupport.h"

#include <QJsonObject>
#include <QString>

namespace qpos::server {
class QposServer;
}

namespace qpos::test {

// One order event as the till's outbox writes it (core/storage/OrderStore).
struct TillEvent {
    QString outTradeNo;
    QString channel = QStringLiteral("alipay");
    qint64 amountFen = 1234;
    qint64 refundedFen = 0;
    QString newState = QStringLiteral("paid");
    qint64 eventId = 0;
    qint64 atMs = 0;
    QJsonObject extra = QJsonObject(); // further keys, e.g. paid_at_ms
};

class EnrolledTill {
public:
    // Adds the terminal to the server's store and takes its secret from the enrollment code.
    static Result<EnrolledTill> add(server::QposServer& server, const link::TerminalIdentity& t);

    const link::TerminalIdentity& identity() const { return m_identity; }
    QString orderNo(int n) const;
    // How the till's own clients (core/link) reach the server: plain HTTP on loopback.
    link::StoreServerEndpoint endpoint() const;

    ServerAnswer request(const QByteArray& verb, const QString& pathAndQuery,
                         const QByteArray& body = {}) const;
    // Uploads these events as outbox rows seq, seq + 1, …; the answer of POST /v1/sync.
    ServerAnswer upload(qint64 firstSeq, const QList<TillEvent>& events) const;
    // The body of that upload, as a till of `terminal` encodes it.
    static QByteArray syncBody(const link::TerminalIdentity& terminal, qint64 firstSeq,
                               const QList<TillEvent>& events);

private:
    server::QposServer* m_server = nullptr;
    link::TerminalIdentity m_identity;
    link::TerminalSecret m_secret;
};

} // namespace qpos::test
