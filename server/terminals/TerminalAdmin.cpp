#include "server/terminals/TerminalAdmin.h"

#include "core/crypto/SecureRandom.h"
#include "core/link/RequestSignature.h"
#include "core/orders/OutTradeNo.h"
#include "server/storage/ServerStore.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QSslCertificate>

#include <utility>

namespace qpos::server {

namespace {

Result<link::TerminalSecret> newSecret(const QString& keyId) {
    Result<QByteArray> bytes = crypto::randomBytes(link::kSecretBytes);
    if (!bytes)
        return bytes.error();
    return link::TerminalSecret{keyId, *bytes};
}

} // namespace

TerminalAdmin::TerminalAdmin(ServerStore& store, QUrl publicUrl, QString certificatePath,
                             qint64 rotateGraceMs)
    : m_store(store)
    , m_publicUrl(std::move(publicUrl))
    , m_certificatePath(std::move(certificatePath))
    , m_rotateGraceMs(rotateGraceMs) {}

Status TerminalAdmin::checkIdentity(const link::TerminalIdentity& terminal) {
    for (const QString& id : {terminal.storeId, terminal.terminalId}) {
        // An id the codec accepts but an order number cannot start with ('-') would make a
        // terminal that owns no order.
        if (!link::isValidTerminalCode(id) || !out_trade_no::isValidPartId(id))
            return Error{QStringLiteral("terminal.bad_id"),
                         QCoreApplication::translate(
                             "qpos::server::TerminalAdmin",
                             "\"%1\" is not a store or terminal id: use 1 to 16 letters and "
                             "digits, as in the till's [store] id and [terminal] id.")
                             .arg(id)};
    }
    return Status::success();
}

Result<link::EnrollmentCode> TerminalAdmin::codeFor(const link::TerminalIdentity& terminal,
                                                    const link::TerminalSecret& secret) const {
    if (!m_publicUrl.isValid() || m_publicUrl.host().isEmpty())
        return Error{QStringLiteral("terminal.no_public_url"),
                     QCoreApplication::translate(
                         "qpos::server::TerminalAdmin",
                         "Set [server] public_url to the address the tills reach this server "
                         "at (for example https://pos.example.cn:8443); the enrollment code "
                         "carries it.")};
    link::EnrollmentCode code;
    code.serverUrl = m_publicUrl;
    code.terminal = terminal;
    code.secret = secret;
    if (!m_certificatePath.isEmpty()) {
        const QList<QSslCertificate> chain = QSslCertificate::fromPath(m_certificatePath);
        if (chain.isEmpty())
            return Error{QStringLiteral("server.tls_cert"),
                         QCoreApplication::translate(
                             "qpos::server::TerminalAdmin",
                             "%1 holds no PEM certificate. Set [server] tls_cert to the "
                             "server's certificate file.")
                             .arg(m_certificatePath)};
        if (chain.constFirst().isSelfSigned())
            code.certificateFingerprint = QString::fromLatin1(
                QCryptographicHash::hash(chain.constFirst().toDer(), QCryptographicHash::Sha256)
                    .toHex());
    }
    return code;
}

Result<link::EnrollmentCode> TerminalAdmin::add(const link::TerminalIdentity& terminal,
                                                qint64 nowMs) {
    if (Status ok = checkIdentity(terminal); !ok)
        return ok.error();
    Result<link::TerminalSecret> secret = newSecret(QStringLiteral("k1"));
    if (!secret)
        return secret.error();
    // The code is made first: a server that cannot tell tills where it is adds nobody.
    Result<link::EnrollmentCode> code = codeFor(terminal, *secret);
    if (!code)
        return code;
    Result<TerminalRecord> added =
        m_store.addTerminal(terminal, StoredSecret{secret->keyId, secret->secret, {}}, nowMs);
    if (!added)
        return added.error();
    return code;
}

Result<link::EnrollmentCode> TerminalAdmin::rotate(const link::TerminalIdentity& terminal,
                                                   qint64 nowMs) {
    if (Status ok = checkIdentity(terminal); !ok)
        return ok.error();
    Result<std::optional<TerminalRecord>> existing = m_store.terminal(terminal);
    if (!existing)
        return existing.error();
    const qsizetype count = *existing ? (*existing)->secrets.size() : 0;
    Result<link::TerminalSecret> secret = newSecret(QStringLiteral("k%1").arg(count + 1));
    if (!secret)
        return secret.error();
    Result<link::EnrollmentCode> code = codeFor(terminal, *secret);
    if (!code)
        return code;
    if (Status rotated = m_store.rotateTerminal(
            terminal, StoredSecret{secret->keyId, secret->secret, {}}, nowMs + m_rotateGraceMs);
        !rotated)
        return rotated.error();
    return code;
}

Status TerminalAdmin::revoke(const link::TerminalIdentity& terminal, qint64 nowMs) {
    if (Status ok = checkIdentity(terminal); !ok)
        return ok;
    return m_store.revokeTerminal(terminal, nowMs);
}

Result<QList<TerminalRecord>> TerminalAdmin::list() {
    return m_store.terminals();
}

} // namespace qpos::server
