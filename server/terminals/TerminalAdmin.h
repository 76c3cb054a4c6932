#pragma once

#include "core/common/Result.h"
#include "core/link/EnrollmentCode.h"
#include "server/storage/ServerRecords.h"

#include <QString>
#include <QUrl>

namespace qpos::server {

class ServerStore;

// `qpos-server terminal ...`: adds a till with a fresh 32-byte secret and makes its one-time
// enrollment code, rotates its secret (the older ones stay valid for the grace period),
// revokes it, lists them. The code carries the server's address and, when its certificate is
// self-signed, the certificate's SHA-256 so that the till trusts exactly that one.
class TerminalAdmin {
public:
    // `certificatePath`: [server] tls_cert, or empty behind a proxy.
    TerminalAdmin(ServerStore& store, QUrl publicUrl, QString certificatePath,
                  qint64 rotateGraceMs);

    Result<link::EnrollmentCode> add(const link::TerminalIdentity& terminal, qint64 nowMs);
    Result<link::EnrollmentCode> rotate(const link::TerminalIdentity& terminal, qint64 nowMs);
    Status revoke(const link::TerminalIdentity& terminal, qint64 nowMs);
    Result<QList<TerminalRecord>> list();

    // Store and terminal ids: the protocol's codes that can also start an order number.
    static Status checkIdentity(const link::TerminalIdentity& terminal);

private:
    Result<link::EnrollmentCode> codeFor(const link::TerminalIdentity& terminal,
                                         const link::TerminalSecret& secret) const;

    ServerStore& m_store;
    QUrl m_publicUrl;
    QString m_certificatePath;
    qint64 m_rotateGraceMs;
};

} // namespace qpos::server
