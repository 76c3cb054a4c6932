#pragma once

#include "core/common/Result.h"
#include "core/link/TerminalIdentity.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace qpos::link {

// The HMAC-SHA256 request authentication between a till and the store backend
// (docs/server-protocol.md, "Request authentication"). Both sides build the string to sign
// here, so they cannot disagree about it.

inline constexpr QByteArrayView kAuthorizationScheme = "QPOS-HMAC-SHA256";
inline constexpr int kSecretBytes = 32;

// One of a terminal's secrets: `keyId` names it in the Authorization header.
struct TerminalSecret {
    QString keyId;
    QByteArray secret; // kSecretBytes raw bytes; never logged or shown
};

// What an Authorization header says, parsed but not yet checked.
struct RequestAuthorization {
    TerminalIdentity terminal;
    QString keyId;
    qint64 timestampS = 0;
    QString nonce;        // 32 lower-case hex digits
    QByteArray signature; // the raw 32 bytes of the HMAC
};

// METHOD \n PATH_AND_QUERY \n TIMESTAMP \n NONCE \n hex(SHA-256(body)) \n
QByteArray stringToSign(QByteArrayView method, QByteArrayView pathAndQuery, qint64 timestampS,
                        const QString& nonce, QByteArrayView body);

// The HMAC-SHA256 of the string to sign under `secret`.
QByteArray requestSignature(const QByteArray& secret, QByteArrayView method,
                            QByteArrayView pathAndQuery, qint64 timestampS, const QString& nonce,
                            QByteArrayView body);

// The Authorization header value for a request sent now, with a fresh random nonce. Fails
// only when the system's random generator does.
Result<QByteArray> authorizationHeader(const TerminalIdentity& terminal,
                                       const TerminalSecret& secret, QByteArrayView method,
                                       QByteArrayView pathAndQuery, QByteArrayView body,
                                       qint64 nowMs);

// Reads an Authorization header value. Errors: auth.missing (absent or another scheme),
// auth.malformed.
Result<RequestAuthorization> parseAuthorization(QByteArrayView headerValue);

// Whether the header's signature is the HMAC of this request under `secret`, compared in
// constant time.
bool signatureMatches(const RequestAuthorization& authorization, const QByteArray& secret,
                      QByteArrayView method, QByteArrayView pathAndQuery, QByteArrayView body);

} // namespace qpos::link
