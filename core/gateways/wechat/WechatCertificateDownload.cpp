#include "core/gateways/wechat/WechatCertificateDownload.h"

#include "core/crypto/Aes256Gcm.h"
#include "core/gateways/wechat/WechatTime.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace qpos::wechat {

namespace {

const QString kAlgorithm = QStringLiteral("AEAD_AES_256_GCM");
// WeChat Pay's word for the associated data of a certificate.
const QByteArray kAssociatedData = QByteArrayLiteral("certificate");

Error refused(const QString& why) {
    return Error{QStringLiteral("wechat.certificates_refused"),
                 QCoreApplication::translate("qpos::wechat",
                                             "The WeChat Pay platform certificates downloaded were "
                                             "refused (%1); the till keeps the certificates it "
                                             "has. If this lasts, ask IT to check [wechat] "
                                             "apiv3_key_file against the APIv3 key set in the "
                                             "merchant platform.")
                     .arg(why)};
}

QString phrase(const char* text) {
    return QCoreApplication::translate("qpos::wechat", text);
}

Result<crypto::X509Certificate> readEntry(const QJsonObject& entry, QByteArrayView apiV3Key,
                                          const QDateTime& now) {
    const QString serialNo = entry.value(QLatin1String("serial_no")).toString();
    const QJsonObject sealed = entry.value(QLatin1String("encrypt_certificate")).toObject();
    const QString nonce = sealed.value(QLatin1String("nonce")).toString();
    if (serialNo.isEmpty() || sealed.value(QLatin1String("algorithm")).toString() != kAlgorithm ||
        nonce.size() != crypto::aes256gcm::kNonceSize)
        return refused(phrase(QT_TRANSLATE_NOOP(
            "qpos::wechat", "an entry lacks serial_no, or its encrypt_certificate is not "
                            "AEAD_AES_256_GCM with a 12-character nonce")));
    QByteArray::FromBase64Result ciphertext = QByteArray::fromBase64Encoding(
        sealed.value(QLatin1String("ciphertext")).toString().toLatin1(),
        QByteArray::AbortOnBase64DecodingErrors);
    if (!ciphertext)
        return refused(
            phrase(QT_TRANSLATE_NOOP("qpos::wechat", "an entry's ciphertext is not base64")));
    Result<QByteArray> pem = crypto::aes256GcmDecrypt(
        apiV3Key, nonce.toLatin1(),
        sealed.value(QLatin1String("associated_data")).toString().toUtf8(), ciphertext.decoded);
    if (!pem)
        return refused(phrase(QT_TRANSLATE_NOOP(
            "qpos::wechat", "a certificate does not decrypt with the APIv3 key")));
    Result<crypto::X509Certificate> certificate = crypto::X509Certificate::fromPem(*pem);
    if (!certificate || !certificate->publicKey())
        return refused(phrase(QT_TRANSLATE_NOOP(
            "qpos::wechat", "a decrypted entry is not a certificate with an RSA key")));
    if (certificate->serialHex().compare(serialNo, Qt::CaseInsensitive) != 0)
        return refused(
            QCoreApplication::translate("qpos::wechat", "certificate %1 is listed as serial_no %2")
                .arg(certificate->serialHex(), serialNo.left(64)));
    if (certificate->notBefore() > now || certificate->notAfter() < now)
        return refused(QCoreApplication::translate("qpos::wechat",
                                                   "certificate %1 is valid only from %2 to %3")
                           .arg(certificate->serialHex(),
                                certificate->notBefore().toString(Qt::ISODate),
                                certificate->notAfter().toString(Qt::ISODate)));
    return *certificate;
}

} // namespace

Result<QList<crypto::X509Certificate>>
readCertificateDownload(const QByteArray& body, QByteArrayView apiV3Key, qint64 nowMs) {
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    const QJsonValue data = document.object().value(QLatin1String("data"));
    if (parseError.error != QJsonParseError::NoError || !data.isArray())
        return refused(
            phrase(QT_TRANSLATE_NOOP("qpos::wechat", "the answer is not JSON with a data list")));
    if (data.toArray().isEmpty())
        return refused(phrase(QT_TRANSLATE_NOOP("qpos::wechat", "the list is empty")));
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC);
    QList<crypto::X509Certificate> out;
    for (const QJsonValue& entry : data.toArray()) {
        Result<crypto::X509Certificate> certificate = readEntry(entry.toObject(), apiV3Key, now);
        if (!certificate)
            return certificate.error();
        out.append(*certificate);
    }
    return out;
}

Result<QJsonObject> certificateDownloadEntry(const crypto::X509Certificate& certificate,
                                             QByteArrayView apiV3Key, QByteArrayView nonce12) {
    Result<QByteArray> sealed =
        crypto::aes256GcmEncrypt(apiV3Key, nonce12, kAssociatedData, certificate.toPem());
    if (!sealed)
        return sealed.error();
    return QJsonObject{
        {QStringLiteral("serial_no"), certificate.serialHex()},
        {QStringLiteral("effective_time"),
         chinaRfc3339(certificate.notBefore().toMSecsSinceEpoch())},
        {QStringLiteral("expire_time"), chinaRfc3339(certificate.notAfter().toMSecsSinceEpoch())},
        {QStringLiteral("encrypt_certificate"),
         QJsonObject{{QStringLiteral("algorithm"), kAlgorithm},
                     {QStringLiteral("nonce"), QString::fromLatin1(nonce12)},
                     {QStringLiteral("associated_data"), QString::fromLatin1(kAssociatedData)},
                     {QStringLiteral("ciphertext"), QString::fromLatin1(sealed->toBase64())}}}};
}

} // namespace qpos::wechat
