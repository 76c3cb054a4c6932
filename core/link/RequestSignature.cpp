#include "core/link/RequestSignature.h"

#include "core/crypto/SecureRandom.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QMessageAuthenticationCode>

#include <openssl/crypto.h>

namespace qpos::link {

namespace {

Error malformed(const QString& what) {
    return {QStringLiteral("auth.malformed"),
            QCoreApplication::translate("qpos::link",
                                        "The request's Authorization header is malformed (%1). "
                                        "Update the till, or enroll it again.")
                .arg(what)};
}

bool isLowerHex(QStringView text, qsizetype length) {
    if (text.size() != length)
        return false;
    for (QChar c : text) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    }
    return true;
}

bool isDecimal(QStringView text) {
    if (text.isEmpty() || text.size() > 12)
        return false;
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return false;
    }
    return true;
}

} // namespace

QByteArray stringToSign(QByteArrayView method, QByteArrayView pathAndQuery, qint64 timestampS,
                        const QString& nonce, QByteArrayView body) {
    QByteArray s;
    s.reserve(method.size() + pathAndQuery.size() + 128);
    s.append(method).append('\n');
    s.append(pathAndQuery).append('\n');
    s.append(QByteArray::number(timestampS)).append('\n');
    s.append(nonce.toLatin1()).append('\n');
    s.append(QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex()).append('\n');
    return s;
}

QByteArray requestSignature(const QByteArray& secret, QByteArrayView method,
                            QByteArrayView pathAndQuery, qint64 timestampS, const QString& nonce,
                            QByteArrayView body) {
    return QMessageAuthenticationCode::hash(
        stringToSign(method, pathAndQuery, timestampS, nonce, body), secret,
        QCryptographicHash::Sha256);
}

Result<QByteArray> authorizationHeader(const TerminalIdentity& terminal,
                                       const TerminalSecret& secret, QByteArrayView method,
                                       QByteArrayView pathAndQuery, QByteArrayView body,
                                       qint64 nowMs) {
    Result<QByteArray> random = crypto::randomBytes(16);
    if (!random)
        return random.error();
    const QString nonce = QString::fromLatin1(random->toHex());
    const qint64 timestampS = nowMs / 1000;
    const QByteArray mac =
        requestSignature(secret.secret, method, pathAndQuery, timestampS, nonce, body);
    QByteArray header = kAuthorizationScheme.toByteArray();
    header += " store=\"" + terminal.storeId.toUtf8() + "\",terminal=\"" +
              terminal.terminalId.toUtf8() + "\",key=\"" + secret.keyId.toUtf8() +
              "\",timestamp=\"" + QByteArray::number(timestampS) + "\",nonce=\"" +
              nonce.toLatin1() + "\",signature=\"" + mac.toBase64() + '"';
    return header;
}

Result<RequestAuthorization> parseAuthorization(QByteArrayView headerValue) {
    const QByteArrayView scheme = kAuthorizationScheme;
    if (headerValue.size() <= scheme.size() || !headerValue.startsWith(scheme) ||
        headerValue[scheme.size()] != ' ') {
        return Error{QStringLiteral("auth.missing"),
                     QCoreApplication::translate(
                         "qpos::link", "The request carries no QPOS-HMAC-SHA256 Authorization "
                                       "header. Enroll the till with the store server first.")};
    }
    if (headerValue.size() > 1024)
        return malformed(QStringLiteral("too long"));
    const QString fields =
        QString::fromLatin1(headerValue.sliced(scheme.size() + 1).toByteArray()).trimmed();

    QHash<QString, QString> values;
    qsizetype at = 0;
    while (at < fields.size()) {
        const qsizetype eq = fields.indexOf(u'=', at);
        if (eq < 0 || eq + 1 >= fields.size() || fields[eq + 1] != u'"')
            return malformed(QStringLiteral("expected name=\"value\""));
        const QString name = fields.mid(at, eq - at).trimmed();
        const qsizetype close = fields.indexOf(u'"', eq + 2);
        if (close < 0)
            return malformed(QStringLiteral("unterminated value"));
        if (values.contains(name))
            return malformed(QStringLiteral("%1 given twice").arg(name));
        values.insert(name, fields.mid(eq + 2, close - eq - 2));
        at = close + 1;
        while (at < fields.size() && fields[at] == u' ')
            ++at;
        if (at < fields.size()) {
            if (fields[at] != u',')
                return malformed(QStringLiteral("expected a comma after %1").arg(name));
            ++at;
            while (at < fields.size() && fields[at] == u' ')
                ++at;
        }
    }
    static const QStringList required{QStringLiteral("store"), QStringLiteral("terminal"),
                                      QStringLiteral("key"),   QStringLiteral("timestamp"),
                                      QStringLiteral("nonce"), QStringLiteral("signature")};
    for (const QString& name : required) {
        if (!values.contains(name))
            return malformed(QStringLiteral("%1 is missing").arg(name));
    }
    if (values.size() != required.size())
        return malformed(QStringLiteral("unknown field"));

    RequestAuthorization a;
    a.terminal = {values.value(QStringLiteral("store")), values.value(QStringLiteral("terminal"))};
    if (!isValidTerminalCode(a.terminal.storeId) || !isValidTerminalCode(a.terminal.terminalId))
        return malformed(QStringLiteral("store or terminal"));
    a.keyId = values.value(QStringLiteral("key"));
    if (!isValidTerminalCode(a.keyId))
        return malformed(QStringLiteral("key"));
    const QString timestamp = values.value(QStringLiteral("timestamp"));
    if (!isDecimal(timestamp))
        return malformed(QStringLiteral("timestamp"));
    a.timestampS = timestamp.toLongLong();
    a.nonce = values.value(QStringLiteral("nonce"));
    if (!isLowerHex(a.nonce, 32))
        return malformed(QStringLiteral("nonce"));
    const QByteArray signature = values.value(QStringLiteral("signature")).toLatin1();
    auto decoded =
        QByteArray::fromBase64Encoding(signature, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != 32 || decoded.decoded.toBase64() != signature)
        return malformed(QStringLiteral("signature"));
    a.signature = decoded.decoded;
    return a;
}

bool signatureMatches(const RequestAuthorization& authorization, const QByteArray& secret,
                      QByteArrayView method, QByteArrayView pathAndQuery, QByteArrayView body) {
    const QByteArray expected = requestSignature(
        secret, method, pathAndQuery, authorization.timestampS, authorization.nonce, body);
    return authorization.signature.size() == expected.size() &&
           CRYPTO_memcmp(authorization.signature.constData(), expected.constData(),
                         static_cast<size_t>(expected.size())) == 0;
}

} // namespace qpos::link
