#include "core/link/EnrollmentCode.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

namespace qpos::link {

namespace {

constexpr QStringView kPrefix = u"QPOS1-";
constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

Error malformedCode(const QString& what) {
    return {QStringLiteral("enroll.malformed_code"),
            QCoreApplication::translate("qpos::link",
                                        "This is not a valid enrollment code (%1). Copy the "
                                        "whole code that `qpos-server terminal add` printed, "
                                        "starting with QPOS1-.")
                .arg(what)};
}

bool isLowerHex64(const QString& text) {
    if (text.size() != 64)
        return false;
    for (QChar c : text) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    }
    return true;
}

bool isLoopback(const QString& host) {
    return host == u"127.0.0.1" || host == u"::1" || host == u"localhost";
}

} // namespace

QString EnrollmentCode::encode() const {
    const QJsonObject o{
        {QStringLiteral("v"), 1},
        {QStringLiteral("url"), serverUrl.toString(QUrl::FullyEncoded)},
        {QStringLiteral("store"), terminal.storeId},
        {QStringLiteral("terminal"), terminal.terminalId},
        {QStringLiteral("key"), secret.keyId},
        {QStringLiteral("secret"), QString::fromLatin1(secret.secret.toBase64(kBase64Url))},
        {QStringLiteral("fingerprint"), certificateFingerprint},
    };
    return kPrefix.toString() +
           QString::fromLatin1(
               QJsonDocument(o).toJson(QJsonDocument::Compact).toBase64(kBase64Url));
}

Result<EnrollmentCode> EnrollmentCode::decode(const QString& text) {
    const QString trimmed = text.trimmed();
    if (!trimmed.startsWith(kPrefix))
        return malformedCode(QStringLiteral("it does not start with QPOS1-"));
    if (trimmed.size() > 4096)
        return malformedCode(QStringLiteral("it is too long"));
    auto json =
        QByteArray::fromBase64Encoding(trimmed.mid(kPrefix.size()).toLatin1(),
                                       kBase64Url | QByteArray::AbortOnBase64DecodingErrors);
    if (!json)
        return malformedCode(QStringLiteral("it is cut or mistyped"));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.decoded, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return malformedCode(QStringLiteral("it is cut or mistyped"));
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("v")).toInt(-1) != 1)
        return malformedCode(QStringLiteral("a newer version; update the till"));

    EnrollmentCode code;
    code.serverUrl = QUrl(o.value(QStringLiteral("url")).toString(), QUrl::StrictMode);
    const QString scheme = code.serverUrl.scheme();
    if (!code.serverUrl.isValid() || code.serverUrl.host().isEmpty() ||
        !(scheme == u"https" || (scheme == u"http" && isLoopback(code.serverUrl.host()))))
        return malformedCode(QStringLiteral("the server address is not https"));
    code.terminal = {o.value(QStringLiteral("store")).toString(),
                     o.value(QStringLiteral("terminal")).toString()};
    if (!isValidTerminalCode(code.terminal.storeId) ||
        !isValidTerminalCode(code.terminal.terminalId))
        return malformedCode(QStringLiteral("the store or terminal id"));
    code.secret.keyId = o.value(QStringLiteral("key")).toString();
    if (!isValidTerminalCode(code.secret.keyId))
        return malformedCode(QStringLiteral("the key id"));
    auto secret =
        QByteArray::fromBase64Encoding(o.value(QStringLiteral("secret")).toString().toLatin1(),
                                       kBase64Url | QByteArray::AbortOnBase64DecodingErrors);
    if (!secret || secret.decoded.size() != kSecretBytes)
        return malformedCode(QStringLiteral("the secret"));
    code.secret.secret = secret.decoded;
    code.certificateFingerprint = o.value(QStringLiteral("fingerprint")).toString();
    if (!code.certificateFingerprint.isEmpty() && !isLowerHex64(code.certificateFingerprint))
        return malformedCode(QStringLiteral("the certificate fingerprint"));
    return code;
}

} // namespace qpos::link
