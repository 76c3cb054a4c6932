// WeChat Pay's notifications: WechatNotificationVerifier over raw headers and bodies, and the
// AES-256-GCM resource. The input is Wechatpay-Timestamp, -Nonce, -Signature, -Serial, the
// associated data and the body, separated by NULs. Properties: nothing is accepted unless
// signed with the verifier's key; any plaintext sealed with the APIv3 key decrypts to itself,
// re-sealed and decrypted again it is still itself, and one changed byte of ciphertext or tag
// never decrypts; a notification sealed and signed as WeChat Pay does passes the signature and
// decryption, and one changed byte of its body makes the signature fail.
#include "core/crypto/Aes256Gcm.h"
#include "core/gateways/wechat/WechatNotification.h"
#include "core/gateways/wechat/WechatSignature.h"
#include "tests/fuzz/FuzzInput.h"
#include "tests/fuzz/FuzzSupport.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <optional>

using namespace qpos;
using namespace qpos::wechat;

namespace {

const QByteArray kApiV3Key = QByteArrayLiteral("0123456789abcdefghijklmnopqrstuv");
const QString kSerial = QStringLiteral("PUB_KEY_ID_0114232020262026010100000000000001");
const QString kMchId = QStringLiteral("1900000001");
const QString kAppId = QStringLiteral("wx0000000000000001");
constexpr qint64 kNowS = 1767225600; // 2026-01-01T00:00:00Z

const WechatNotificationVerifier& verifier() {
    static const WechatNotificationVerifier v(
        kMchId, kAppId, kApiV3Key, {WechatPlatformKey{kSerial, fuzz::signingKey().publicKey(), {}}},
        [] { return kNowS * 1000; });
    return v;
}

// A 12-character nonce from the input: alphanumeric, as WeChat Pay's are.
QByteArray nonceFor(quint32 digest) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QByteArray nonce;
    for (int i = 0; i < 12; ++i) {
        nonce += alphabet[digest % 62];
        digest = digest * 1103515245u + 12345u;
    }
    return nonce;
}

// Any amount.total in the plaintext names a WeChat order of that amount.
std::optional<Order> orderFor(const QJsonObject& plaintext, const QString& outTradeNo) {
    Order order;
    order.outTradeNo = outTradeNo;
    order.channel = Channel::WeChat;
    order.amountFen = plaintext.value(u"amount").toObject().value(u"total").toInteger(1);
    return order;
}

void checkSealing(QByteArrayView associatedData, QByteArrayView plaintext, quint32 digest) {
    const QByteArray nonce = nonceFor(digest);
    const Result<QByteArray> sealed =
        crypto::aes256GcmEncrypt(kApiV3Key, nonce, associatedData, plaintext);
    QPOS_FUZZ_CHECK(sealed.ok());
    QPOS_FUZZ_CHECK(sealed->size() == plaintext.size() + crypto::aes256gcm::kTagSize);
    const Result<QByteArray> opened =
        crypto::aes256GcmDecrypt(kApiV3Key, nonce, associatedData, *sealed);
    QPOS_FUZZ_CHECK(opened.ok() && opened.value() == plaintext);
    const Result<QByteArray> resealed =
        crypto::aes256GcmEncrypt(kApiV3Key, nonce, associatedData, *opened);
    QPOS_FUZZ_CHECK(resealed.ok() && resealed.value() == sealed.value());
    const Result<QByteArray> reopened =
        crypto::aes256GcmDecrypt(kApiV3Key, nonce, associatedData, *resealed);
    QPOS_FUZZ_CHECK(reopened.ok() && reopened.value() == plaintext);

    // One changed byte anywhere in ciphertext or tag, or in the associated data: refused.
    QByteArray tampered = *sealed;
    tampered[qsizetype((digest >> 4) % quint32(tampered.size()))] ^= char(1 + (digest >> 12) % 255);
    QPOS_FUZZ_CHECK(!crypto::aes256GcmDecrypt(kApiV3Key, nonce, associatedData, tampered).ok());
    if (!associatedData.isEmpty()) {
        QByteArray otherData = associatedData.toByteArray();
        otherData[qsizetype(digest % quint32(otherData.size()))] ^= char(1 + (digest >> 20) % 255);
        QPOS_FUZZ_CHECK(!crypto::aes256GcmDecrypt(kApiV3Key, nonce, otherData, *sealed).ok());
    }
}

bool isSignatureOrHeaderError(const QString& code) {
    return code == QLatin1String(notification_errc::missingHeaders) ||
           code == QLatin1String(notification_errc::unknownSerial) ||
           code == QLatin1String(notification_errc::badSignature) ||
           code == QLatin1String(notification_errc::stale);
}

void checkSignedNotification(QByteArrayView plaintext, quint32 digest) {
    QJsonParseError error{};
    const QJsonDocument inner = QJsonDocument::fromJson(plaintext.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !inner.isObject())
        return;
    static const char* const events[] = {"TRANSACTION.SUCCESS", "REFUND.SUCCESS", "REFUND.ABNORMAL",
                                         "REFUND.CLOSED"};
    const bool transaction = digest % 4 == 0;
    const QByteArray associatedData = transaction ? "transaction" : "refund";
    const Result<QJsonObject> resource = encryptNotificationResource(
        kApiV3Key, nonceFor(digest), associatedData, plaintext.toByteArray());
    QPOS_FUZZ_CHECK(resource.ok());
    QJsonObject envelope;
    envelope.insert(u"id", QStringLiteral("EV-2026010100000001"));
    envelope.insert(u"create_time", QStringLiteral("2026-01-01T08:00:00+08:00"));
    envelope.insert(u"resource_type", QStringLiteral("encrypt-resource"));
    envelope.insert(u"event_type", QLatin1String(events[digest % 4]));
    envelope.insert(u"summary", QStringLiteral("支付成功"));
    envelope.insert(u"resource", *resource);

    gateway::IncomingNotification notification;
    notification.body = QJsonDocument(envelope).toJson(QJsonDocument::Compact);
    const QByteArray timestamp = QByteArray::number(kNowS);
    const QByteArray nonce = nonceFor(digest ^ 0x5a5a5a5au);
    const Result<QByteArray> signature =
        fuzz::signingKey().signBase64(answerSignMessage(timestamp, nonce, notification.body));
    QPOS_FUZZ_CHECK(signature.ok());
    notification.headers.insert("wechatpay-timestamp", timestamp);
    notification.headers.insert("wechatpay-nonce", nonce);
    notification.headers.insert("wechatpay-signature", *signature);
    notification.headers.insert("wechatpay-serial", kSerial.toLatin1());

    const QJsonObject sealedFields = inner.object();
    const auto lookup = [&sealedFields](const QString& outTradeNo) {
        return orderFor(sealedFields, outTradeNo);
    };
    const Result<gateway::PaymentNotification> verified = verifier().verify(notification, lookup);
    if (verified) {
        // What was accepted is what was sealed, field for field.
        for (auto it = sealedFields.begin(); it != sealedFields.end(); ++it)
            QPOS_FUZZ_CHECK(verified->providerFields.value(it.key()) == it.value());
    } else {
        QPOS_FUZZ_CHECK(!isSignatureOrHeaderError(verified.error().code));
        QPOS_FUZZ_CHECK(verified.error().code != QLatin1String(notification_errc::decryptFailed));
    }

    gateway::IncomingNotification tampered = notification;
    tampered.body[qsizetype(digest % quint32(tampered.body.size()))] ^=
        char(1 + (digest >> 8) % 255);
    const Result<gateway::PaymentNotification> refused = verifier().verify(tampered, lookup);
    QPOS_FUZZ_CHECK(!refused.ok() &&
                    refused.error().code == QLatin1String(notification_errc::badSignature));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const QByteArrayView all = fuzz::bytesOf(data, size);
    fuzz::FuzzInput input(all);
    gateway::IncomingNotification raw;
    raw.headers.insert("wechatpay-timestamp", input.field().toByteArray());
    raw.headers.insert("wechatpay-nonce", input.field().toByteArray());
    raw.headers.insert("wechatpay-signature", input.field().toByteArray());
    raw.headers.insert("wechatpay-serial", input.field().toByteArray());
    const QByteArrayView associatedData = input.field();
    raw.body = input.rest().toByteArray();

    // Nothing arrives signed with the key made in this process: refused, and by the checks
    // that come before anything is decrypted or looked up.
    const Result<gateway::PaymentNotification> verified =
        verifier().verify(raw, [](const QString&) { return std::optional<Order>(); });
    QPOS_FUZZ_CHECK(!verified.ok() && isSignatureOrHeaderError(verified.error().code));

    const quint32 digest = fuzz::digestOf(all);
    checkSealing(associatedData, raw.body, digest);
    checkSignedNotification(raw.body, digest);
    return 0;
}
