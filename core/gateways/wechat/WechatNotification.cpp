#include "core/gateways/wechat/WechatNotification.h"

#include "core/crypto/Aes256Gcm.h"
#include "core/gateways/wechat/WechatAnswers.h"
#include "core/gateways/wechat/WechatSignature.h"
#include "core/gateways/wechat/WechatTime.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

#include <optional>
#include <utility>

namespace qpos::wechat {

using gateway::PaymentNotification;
using gateway::TradeState;

namespace {

constexpr char kAlgorithm[] = "AEAD_AES_256_GCM";
constexpr char kResourceType[] = "encrypt-resource";

Error refuse(const char* code, const QString& message) {
    return Error{QString::fromLatin1(code), message};
}

// A phrase marked for translation (QT_TRANSLATE_NOOP, context qpos::wechat), translated.
QString phrase(const char* text) {
    return QCoreApplication::translate("qpos::wechat", text);
}

Error malformed(const QString& what) {
    return refuse(notification_errc::malformed,
                  QCoreApplication::translate("qpos::wechat",
                                              "The WeChat Pay notification is malformed (%1). It "
                                              "was refused; WeChat Pay will send it again, and a "
                                              "query of the order settles it meanwhile.")
                      .arg(what));
}

// The header's value; names are lower case by contract, but a proxy may have changed that.
QByteArray headerValue(const QMap<QByteArray, QByteArray>& headers, const QByteArray& name) {
    if (auto it = headers.constFind(name); it != headers.cend())
        return it.value().trimmed();
    for (auto it = headers.cbegin(); it != headers.cend(); ++it) {
        if (it.key().toLower() == name)
            return it.value().trimmed();
    }
    return {};
}

std::optional<qint64> parseUnixSeconds(QByteArrayView text) {
    if (text.isEmpty() || text.size() > 12)
        return std::nullopt;
    qint64 value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

enum class Event { Transaction, Refund };

std::optional<Event> eventOf(const QString& type) {
    if (type == u"TRANSACTION.SUCCESS")
        return Event::Transaction;
    if (type == u"REFUND.SUCCESS" || type == u"REFUND.ABNORMAL" || type == u"REFUND.CLOSED")
        return Event::Refund;
    return std::nullopt;
}

// Reads typed fields of a JSON object; the first problem is kept, named by its path.
class FieldReader {
public:
    explicit FieldReader(QJsonObject object, QString prefix = {})
        : m_object(std::move(object))
        , m_prefix(std::move(prefix)) {}

    QString text(const char* key, bool required) {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(key, phrase(QT_TRANSLATE_NOOP("qpos::wechat", "missing")));
            return {};
        }
        if (!v.isString()) {
            fail(key, phrase(QT_TRANSLATE_NOOP("qpos::wechat", "not a string")));
            return {};
        }
        if (required && v.toString().isEmpty())
            fail(key, phrase(QT_TRANSLATE_NOOP("qpos::wechat", "empty")));
        return v.toString();
    }

    std::optional<money::Fen> fen(const char* key, bool required, bool positive) {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) {
            if (required)
                fail(key, phrase(QT_TRANSLATE_NOOP("qpos::wechat", "missing")));
            return std::nullopt;
        }
        // Integer fen: 88.5 or "8850" is not an amount.
        const std::optional<money::Fen> value =
            answers::fenAmount(v, positive ? money::Sign::Positive : money::Sign::NonNegative);
        if (!value)
            fail(key, phrase(QT_TRANSLATE_NOOP("qpos::wechat", "not an amount in fen")));
        return value;
    }

    std::optional<qint64> time(const char* key, bool required) {
        const QString value = text(key, required);
        if (value.isEmpty())
            return std::nullopt;
        const std::optional<qint64> ms = parseRfc3339(value);
        if (!ms)
            fail(key, phrase(QT_TRANSLATE_NOOP("qpos::wechat", "not an RFC 3339 time")));
        return ms;
    }

    FieldReader object(const char* key) {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (!v.isObject())
            fail(key, phrase(QT_TRANSLATE_NOOP("qpos::wechat", "missing or not an object")));
        return FieldReader(v.toObject(), path(key) + u'.');
    }

    void fail(const char* key, const QString& why) {
        if (!m_problem)
            m_problem = path(key) + QStringLiteral(": ") + why;
    }
    // Takes over a nested reader's problem.
    void absorb(const FieldReader& inner) {
        if (!m_problem && inner.m_problem)
            m_problem = inner.m_problem;
    }
    std::optional<Error> problem() const {
        if (!m_problem)
            return std::nullopt;
        return malformed(*m_problem);
    }

private:
    QString path(const char* key) const { return m_prefix + QLatin1String(key); }

    QJsonObject m_object;
    QString m_prefix;
    std::optional<QString> m_problem;
};

bool isPrintableAscii(QByteArrayView text) {
    for (char c : text) {
        if (c < 0x20 || c > 0x7e)
            return false;
    }
    return true;
}

// The notification's envelope, checked.
struct Envelope {
    QString id;
    QString createTime;
    std::optional<qint64> createdAtMs;
    QString eventType;
    Event event = Event::Transaction;
    QByteArray nonce;
    QByteArray associatedData;
    QByteArray sealed; // ciphertext followed by the tag
};

Result<Envelope> readEnvelope(const QByteArray& body) {
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return malformed(
            phrase(QT_TRANSLATE_NOOP("qpos::wechat", "the body is not a JSON object")));
    Envelope e;
    FieldReader fields(document.object());
    e.id = fields.text("id", true);
    e.createTime = fields.text("create_time", true);
    e.createdAtMs = fields.time("create_time", true);
    e.eventType = fields.text("event_type", true);
    const QString resourceType = fields.text("resource_type", true);
    FieldReader resource = fields.object("resource");
    const QString algorithm = resource.text("algorithm", true);
    const QString ciphertext = resource.text("ciphertext", true);
    e.nonce = resource.text("nonce", true).toUtf8();
    e.associatedData = resource.text("associated_data", false).toUtf8();
    fields.absorb(resource);
    if (std::optional<Error> bad = fields.problem())
        return *bad;
    if (resourceType != QLatin1String(kResourceType))
        return malformed(
            phrase(QT_TRANSLATE_NOOP("qpos::wechat", "resource_type is not encrypt-resource")));
    if (algorithm != QLatin1String(kAlgorithm))
        return malformed(phrase(
            QT_TRANSLATE_NOOP("qpos::wechat", "resource.algorithm is not AEAD_AES_256_GCM")));
    const std::optional<Event> event = eventOf(e.eventType);
    if (!event)
        return refuse(notification_errc::unsupportedEvent,
                      QCoreApplication::translate("qpos::wechat",
                                                  "The WeChat Pay notification is of type %1, "
                                                  "which this till does not handle. It was "
                                                  "refused; the order's state is settled by a "
                                                  "query instead.")
                          .arg(e.eventType));
    e.event = *event;
    if (e.nonce.size() != crypto::aes256gcm::kNonceSize)
        return malformed(
            phrase(QT_TRANSLATE_NOOP("qpos::wechat", "resource.nonce is not 12 characters")));
    QByteArray::FromBase64Result sealed = QByteArray::fromBase64Encoding(
        ciphertext.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!sealed || sealed.decoded.size() < crypto::aes256gcm::kTagSize)
        return malformed(phrase(QT_TRANSLATE_NOOP(
            "qpos::wechat", "resource.ciphertext is not base64 of ciphertext and tag")));
    e.sealed = std::move(sealed.decoded);
    return e;
}

// The decrypted resource's fields, typed; who it is for is checked by the caller.
struct Resource {
    PaymentNotification notification;
    QString mchId;
    QString appId; // transactions only
};

Result<Resource> readResource(const QJsonObject& object, const Envelope& envelope) {
    Resource r;
    PaymentNotification& n = r.notification;
    n.channel = Channel::WeChat;
    n.notificationId = envelope.id;
    n.notifiedAtMs = envelope.createdAtMs;
    FieldReader fields(object);
    r.mchId = fields.text("mchid", true);
    n.outTradeNo = fields.text("out_trade_no", true);
    n.providerTradeNo = fields.text("transaction_id", false);
    FieldReader amount = fields.object("amount");
    const std::optional<money::Fen> total = amount.fen("total", true, true);
    if (envelope.event == Event::Transaction) {
        r.appId = fields.text("appid", true);
        n.providerState = fields.text("trade_state", true);
        n.paidAtMs = fields.time("success_time", false);
        n.buyerPaidFen = amount.fen("payer_total", false, false);
        const std::optional<TradeState> state = answers::tradeStateOf(n.providerState);
        if (!state && !n.providerState.isEmpty())
            fields.fail("trade_state", phrase(QT_TRANSLATE_NOOP("qpos::wechat", "unknown state")));
        n.state = state.value_or(TradeState::WaitingForBuyer);
    } else {
        n.outRequestNo = fields.text("out_refund_no", true);
        n.providerState = fields.text("refund_status", true);
        n.refundedAtMs = fields.time("success_time", false);
        const std::optional<money::Fen> refund = amount.fen("refund", true, true);
        // The event names the refund's outcome; the status inside must say the same.
        if (!n.providerState.isEmpty() &&
            envelope.eventType != QStringLiteral("REFUND.") + n.providerState)
            fields.fail("refund_status",
                        phrase(QT_TRANSLATE_NOOP("qpos::wechat", "does not match event_type")));
        // A failed refund leaves the trade paid; a successful one makes it a refunded trade.
        const bool succeeded = n.providerState == u"SUCCESS";
        n.state = succeeded ? TradeState::Refunded : TradeState::Paid;
        // Only a refund of the whole amount tells the trade's refunded total for certain.
        if (succeeded && refund && total && *refund == *total)
            n.refundedTotalFen = *refund;
    }
    fields.absorb(amount);
    if (std::optional<Error> bad = fields.problem())
        return *bad;
    n.totalFen = *total;
    return r;
}

} // namespace

WechatNotificationVerifier::WechatNotificationVerifier(QString mchId, QString appId,
                                                       QByteArray apiV3Key,
                                                       QList<WechatPlatformKey> platformKeys,
                                                       std::function<qint64()> nowMs,
                                                       std::chrono::seconds maxClockSkew)
    : WechatNotificationVerifier(std::move(mchId), std::move(appId), std::move(apiV3Key),
                                 std::make_shared<const WechatKeyring>(std::move(platformKeys)),
                                 std::move(nowMs), maxClockSkew) {}

WechatNotificationVerifier::WechatNotificationVerifier(QString mchId, QString appId,
                                                       QByteArray apiV3Key,
                                                       std::shared_ptr<const WechatKeyring> keyring,
                                                       std::function<qint64()> nowMs,
                                                       std::chrono::seconds maxClockSkew)
    : m_mchId(std::move(mchId))
    , m_appId(std::move(appId))
    , m_apiV3Key(std::move(apiV3Key))
    , m_keyring(std::move(keyring))
    , m_nowMs(nowMs ? std::move(nowMs) : [] { return QDateTime::currentMSecsSinceEpoch(); })
    , m_maxClockSkew(maxClockSkew) {}

gateway::NotificationReply WechatNotificationVerifier::reply(bool accepted) {
    if (accepted)
        return gateway::NotificationReply{204, {}, {}};
    return gateway::NotificationReply{
        500, QByteArrayLiteral("application/json"),
        QByteArrayLiteral("{\"code\":\"FAIL\",\"message\":\"the notification was not accepted; "
                          "please send it again\"}")};
}

Result<PaymentNotification>
WechatNotificationVerifier::verify(const gateway::IncomingNotification& notification,
                                   const gateway::NotificationOrderLookup& lookup) const {
    Result<PaymentNotification> signedNotification = verifySigned(notification);
    if (!signedNotification)
        return signedNotification;
    const std::optional<Order> order =
        lookup ? lookup(signedNotification->outTradeNo) : std::nullopt;
    if (Status matched = matchOrder(*signedNotification, order); !matched)
        return matched.error();
    return signedNotification;
}

Result<PaymentNotification>
WechatNotificationVerifier::verifySigned(const gateway::IncomingNotification& notification) const {
    // 1. The Wechatpay-* headers.
    WechatpayHeaders headers;
    headers.timestamp = headerValue(notification.headers, QByteArrayLiteral("wechatpay-timestamp"));
    headers.nonce = headerValue(notification.headers, QByteArrayLiteral("wechatpay-nonce"));
    headers.signature = headerValue(notification.headers, QByteArrayLiteral("wechatpay-signature"));
    headers.serial = headerValue(notification.headers, QByteArrayLiteral("wechatpay-serial"));
    const std::optional<qint64> timestampS = parseUnixSeconds(headers.timestamp);
    if (!timestampS || headers.nonce.isEmpty() || headers.signature.isEmpty() ||
        headers.serial.isEmpty())
        return refuse(notification_errc::missingHeaders,
                      QCoreApplication::translate("qpos::wechat",
                                                  "The WeChat Pay notification lacks its "
                                                  "Wechatpay-Timestamp, -Nonce, -Signature or "
                                                  "-Serial header, or one is malformed. It was "
                                                  "refused: check that the proxy in front of "
                                                  "notify_url passes these headers on."));

    // 2. A key we know by that serial.
    const QString serial = QString::fromLatin1(headers.serial);
    const std::optional<WechatPlatformKey> platformKey = m_keyring->find(serial);
    if (!platformKey)
        return refuse(notification_errc::unknownSerial,
                      QCoreApplication::translate("qpos::wechat",
                                                  "The WeChat Pay notification is signed with key "
                                                  "%1, which is not among the WeChat Pay public "
                                                  "keys and platform certificates the till has. "
                                                  "It was refused, and WeChat Pay will send it "
                                                  "again; if WeChat Pay changed its key, ask IT "
                                                  "to put the new WeChat Pay public key in "
                                                  "[wechat] wechatpay_public_key (with "
                                                  "wechatpay_public_key_id) or the new platform "
                                                  "certificate in [wechat] "
                                                  "platform_certificate.")
                          .arg(isPrintableAscii(headers.serial) ? serial : QStringLiteral("?")));

    // 3. Fresh: an old notification replayed (or a wrong clock) is not trusted. A relayed one
    // is judged at the store server's receipt, which may not lie in this till's future.
    const qint64 maxSkewMs = qint64(m_maxClockSkew.count()) * 1000;
    const qint64 nowMs = m_nowMs();
    if (notification.relayedReceivedAtMs && *notification.relayedReceivedAtMs > nowMs + maxSkewMs)
        return refuse(notification_errc::stale,
                      QCoreApplication::translate("qpos::wechat",
                                                  "The store server says it received this WeChat "
                                                  "Pay notification %1 seconds ahead of this "
                                                  "computer's clock (at most %2 are allowed). It "
                                                  "was refused; check the date and time of this "
                                                  "computer and of the store server.")
                          .arg((*notification.relayedReceivedAtMs - nowMs) / 1000)
                          .arg(m_maxClockSkew.count()));
    const qint64 skewMs = *timestampS * 1000 - notification.relayedReceivedAtMs.value_or(nowMs);
    if (skewMs < -maxSkewMs)
        return refuse(notification_errc::stale,
                      QCoreApplication::translate("qpos::wechat",
                                                  "The WeChat Pay notification was signed %1 "
                                                  "seconds ago (at most %2 are allowed): a "
                                                  "replayed notification, or a wrong clock. It "
                                                  "was refused; check this computer's date and "
                                                  "time.")
                          .arg(-skewMs / 1000)
                          .arg(m_maxClockSkew.count()));
    if (skewMs > maxSkewMs)
        return refuse(notification_errc::stale,
                      QCoreApplication::translate("qpos::wechat",
                                                  "The WeChat Pay notification is dated %1 "
                                                  "seconds ahead of this computer's clock (at "
                                                  "most %2 are allowed). It was refused; check "
                                                  "this computer's date and time.")
                          .arg(skewMs / 1000)
                          .arg(m_maxClockSkew.count()));

    // 4. The signature over the raw body.
    if (!verifyAnswerSignature(platformKey->key, headers, notification.body))
        return refuse(notification_errc::badSignature,
                      QCoreApplication::translate("qpos::wechat",
                                                  "The WeChat Pay notification's signature does "
                                                  "not verify with key %1: it is forged or was "
                                                  "changed on the way. It was refused.")
                          .arg(platformKey->id));

    // 5. The envelope.
    Result<Envelope> envelope = readEnvelope(notification.body);
    if (!envelope)
        return envelope.error();

    // 6. Decrypt and authenticate.
    if (m_apiV3Key.size() != crypto::aes256gcm::kKeySize)
        return refuse(notification_errc::decryptFailed,
                      QCoreApplication::translate(
                          "qpos::wechat", "The WeChat Pay notification cannot be "
                                          "decrypted: the configured APIv3 key is not 32 "
                                          "characters long. Put the key from the WeChat Pay "
                                          "merchant platform in the file named by "
                                          "[wechat] apiv3_key_file."));
    Result<QByteArray> plaintext = crypto::aes256GcmDecrypt(
        m_apiV3Key, envelope->nonce, envelope->associatedData, envelope->sealed);
    if (!plaintext)
        return refuse(notification_errc::decryptFailed,
                      QCoreApplication::translate(
                          "qpos::wechat", "The WeChat Pay notification does not decrypt "
                                          "with the APIv3 key: it was changed on the way, "
                                          "or the key in [wechat] apiv3_key_file is not the one "
                                          "set in the WeChat Pay merchant platform. It "
                                          "was refused."));
    QJsonParseError parseError{};
    const QJsonDocument inner = QJsonDocument::fromJson(*plaintext, &parseError);
    if (parseError.error != QJsonParseError::NoError || !inner.isObject())
        return malformed(phrase(
            QT_TRANSLATE_NOOP("qpos::wechat", "the decrypted resource is not a JSON object")));

    // 7. The resource: ours, for one of our orders, with its amount.
    Result<Resource> resource = readResource(inner.object(), *envelope);
    if (!resource)
        return resource.error();
    PaymentNotification n = std::move(resource->notification);
    const QString& mchId = resource->mchId;
    const QString& appId = resource->appId;
    if (mchId != m_mchId || (envelope->event == Event::Transaction && appId != m_appId))
        return refuse(
            notification_errc::foreign,
            QCoreApplication::translate("qpos::wechat",
                                        "The WeChat Pay notification is for merchant "
                                        "%1 (app %2), not this shop's merchant %3 (app "
                                        "%4). It was refused; check [wechat] mch_id, "
                                        "app_id and notify_url.")
                .arg(mchId, appId.isEmpty() ? QStringLiteral("-") : appId, m_mchId, m_appId));

    // The decrypted fields and the envelope's identity; never the ciphertext.
    n.providerFields = inner.object();
    n.providerFields.insert(QStringLiteral("event_type"), envelope->eventType);
    n.providerFields.insert(QStringLiteral("id"), envelope->id);
    n.providerFields.insert(QStringLiteral("create_time"), envelope->createTime);
    return n;
}

Status WechatNotificationVerifier::matchOrder(const PaymentNotification& notification,
                                              const std::optional<Order>& order) {
    if (!order || order->channel != Channel::WeChat)
        return refuse(notification_errc::unknownOrder,
                      QCoreApplication::translate("qpos::wechat",
                                                  "The WeChat Pay notification names order %1, "
                                                  "which this shop does not have as a WeChat Pay "
                                                  "order. It was refused.")
                          .arg(notification.outTradeNo));
    if (order->amountFen != notification.totalFen)
        return refuse(notification_errc::amountMismatch,
                      QCoreApplication::translate("qpos::wechat",
                                                  "The WeChat Pay notification says order %1 is "
                                                  "for %2 yuan, but the order is for %3 yuan. It "
                                                  "was refused; check the order with a query.")
                          .arg(notification.outTradeNo, money::formatYuan(notification.totalFen),
                               money::formatYuan(order->amountFen)));
    return {};
}

Result<QJsonObject> encryptNotificationResource(QByteArrayView apiV3Key, QByteArrayView nonce12,
                                                QByteArrayView associatedData,
                                                QByteArrayView plaintext) {
    // The nonce and associated data travel as JSON text and are decrypted as their UTF-8
    // bytes: only text that survives that round trip gives the same bytes on both sides.
    const QString associatedText = QString::fromUtf8(associatedData);
    if (nonce12.size() != crypto::aes256gcm::kNonceSize || !isPrintableAscii(nonce12) ||
        associatedText.toUtf8() != associatedData)
        return Error{QStringLiteral("wechat.notify_resource_input"),
                     QCoreApplication::translate("qpos::wechat",
                                                 "A notification resource needs a nonce of 12 "
                                                 "printable ASCII characters and associated data "
                                                 "that is UTF-8 text.")};
    Result<QByteArray> sealed =
        crypto::aes256GcmEncrypt(apiV3Key, nonce12, associatedData, plaintext);
    if (!sealed)
        return sealed.error();
    QJsonObject resource;
    resource.insert(QStringLiteral("algorithm"), QLatin1String(kAlgorithm));
    resource.insert(QStringLiteral("ciphertext"), QString::fromLatin1(sealed->toBase64()));
    resource.insert(QStringLiteral("associated_data"), associatedText);
    resource.insert(QStringLiteral("nonce"), QString::fromLatin1(nonce12));
    resource.insert(QStringLiteral("original_type"), associatedText);
    return resource;
}

} // namespace qpos::wechat
