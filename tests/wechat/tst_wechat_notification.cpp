// WeChat Pay APIv3 notifications: the public decryption vector, a notification built here
// (signed with a generated platform key, encrypted with encryptNotificationResource) that verifies,
// and every way one is refused, each with its own error code.

#include "core/crypto/Aes256Gcm.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/gateways/wechat/WechatNotification.h"
#include "core/gateways/wechat/WechatSignature.h"
#include "tests/support/NotificationOrders.h"
#include "tests/support/TestVectors.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <optional>

using namespace qpos;
using namespace qpos::wechat;
using namespace qpos::gateway;
using qpos::test::lookupOf;

namespace {

const QString kMchId = QStringLiteral("1230000109");
const QString kAppId = QStringLiteral("wxd678efh567hg6787");
const QString kSerial = QStringLiteral("PUB_KEY_ID_0114232025110100000000000001");
const QString kOutTradeNo = QStringLiteral("S01T0120261122000002");
const QByteArray kApiV3Key("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb");
const QByteArray kNonce("fdasflkja484");
// The local clock of every case: one second after the vector's payment (UTC).
const qint64 kNowMs = QDateTime(QDate(2026, 11, 22), QTime(2, 21, 6), Qt::UTC).toMSecsSinceEpoch();

QJsonObject vector() {
    return test::testVectors().value(u"wechat_notification_decrypt").toObject();
}

QByteArray compact(const QJsonObject& object) {
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Order wechatOrder(money::Fen amount, Channel channel = Channel::WeChat) {
    return test::orderAwaitingPayment(kOutTradeNo, amount, channel);
}

// The transaction a TRANSACTION.SUCCESS notification carries (the vector's plaintext).
QJsonObject transaction() {
    return QJsonDocument::fromJson(vector().value(u"plaintext").toString().toUtf8()).object();
}

QJsonObject refund(const QString& status, money::Fen refundFen) {
    QJsonObject amount;
    amount.insert(QStringLiteral("total"), 8888);
    amount.insert(QStringLiteral("refund"), refundFen);
    amount.insert(QStringLiteral("payer_total"), 8888);
    amount.insert(QStringLiteral("payer_refund"), refundFen);
    QJsonObject r;
    r.insert(QStringLiteral("mchid"), kMchId);
    r.insert(QStringLiteral("out_trade_no"), kOutTradeNo);
    r.insert(QStringLiteral("transaction_id"), QStringLiteral("4200000000202611220000000001"));
    r.insert(QStringLiteral("out_refund_no"), QStringLiteral("S01T0120261122000002R1"));
    r.insert(QStringLiteral("refund_id"), QStringLiteral("50300000002026112200000000001"));
    r.insert(QStringLiteral("refund_status"), status);
    r.insert(QStringLiteral("success_time"), QStringLiteral("2026-11-22T11:00:00+08:00"));
    r.insert(QStringLiteral("amount"), amount);
    return r;
}

// The envelope around an encrypted resource.
QJsonObject envelope(const QString& eventType, const QJsonObject& resource) {
    QJsonObject e;
    e.insert(QStringLiteral("id"), QStringLiteral("EV-2026112210210600001"));
    e.insert(QStringLiteral("create_time"), QStringLiteral("2026-11-22T10:21:06+08:00"));
    e.insert(QStringLiteral("event_type"), eventType);
    e.insert(QStringLiteral("resource_type"), QStringLiteral("encrypt-resource"));
    e.insert(QStringLiteral("summary"), QStringLiteral("支付成功"));
    e.insert(QStringLiteral("resource"), resource);
    return e;
}

QJsonObject encrypted(const QJsonObject& plaintext, const QByteArray& associatedData,
                      const QByteArray& key = kApiV3Key) {
    Result<QJsonObject> resource =
        encryptNotificationResource(key, kNonce, associatedData, compact(plaintext));
    if (!resource)
        qFatal("%s", qPrintable(resource.error().message));
    return *resource;
}

} // namespace

class TestWechatNotification : public QObject {
    Q_OBJECT

    crypto::RsaPrivateKey m_platform; // WeChat Pay's key, as the sandbox holds it
    crypto::RsaPrivateKey m_forger;

    WechatNotificationVerifier verifier(const QByteArray& apiV3Key = kApiV3Key,
                                        const QString& mchId = kMchId,
                                        const QString& appId = kAppId) const {
        return WechatNotificationVerifier(mchId, appId, apiV3Key,
                                          {WechatPlatformKey{kSerial, m_platform.publicKey(), {}}},
                                          [] { return kNowMs; });
    }

    // A notification as WeChat Pay posts it: the body and its signed Wechatpay-* headers.
    IncomingNotification signedNotification(const QByteArray& body, qint64 timestampS,
                                            const crypto::RsaPrivateKey& signer,
                                            const QString& serial = kSerial) const {
        const QByteArray timestamp = QByteArray::number(timestampS);
        const QByteArray nonce("5K8264ILTKCH16CQ2502SI8ZNMTM67VS");
        Result<QByteArray> signature = signer.signBase64(answerSignMessage(timestamp, nonce, body));
        if (!signature)
            qFatal("cannot sign");
        IncomingNotification n;
        n.body = body;
        n.headers.insert("wechatpay-timestamp", timestamp);
        n.headers.insert("wechatpay-nonce", nonce);
        n.headers.insert("wechatpay-signature", *signature);
        n.headers.insert("wechatpay-serial", serial.toLatin1());
        return n;
    }

    IncomingNotification signedNotification(const QByteArray& body) const {
        return signedNotification(body, kNowMs / 1000, m_platform);
    }

    QByteArray paidBody() const {
        return compact(envelope(QStringLiteral("TRANSACTION.SUCCESS"),
                                encrypted(transaction(), "transaction")));
    }

    // The paid notification with one field of its resource replaced, signed again (so only
    // decryption can tell).
    IncomingNotification withResourceField(const QString& key, const QString& value) const {
        QJsonObject e = QJsonDocument::fromJson(paidBody()).object();
        QJsonObject resource = e.value(u"resource").toObject();
        resource.insert(key, value);
        e.insert(QStringLiteral("resource"), resource);
        return signedNotification(compact(e));
    }

    // The sealed bytes of the paid notification with one byte changed.
    IncomingNotification withSealedByteFlipped(qsizetype index) const {
        QJsonObject resource =
            QJsonDocument::fromJson(paidBody()).object().value(u"resource").toObject();
        QByteArray sealed =
            QByteArray::fromBase64(resource.value(u"ciphertext").toString().toLatin1());
        if (index < 0)
            index += sealed.size();
        sealed[index] = static_cast<char>(sealed[index] ^ 0x01);
        return withResourceField(QStringLiteral("ciphertext"),
                                 QString::fromLatin1(sealed.toBase64()));
    }

    void expectRefused(const WechatNotificationVerifier& v, const IncomingNotification& n,
                       const NotificationOrderLookup& lookup, const char* code) {
        Result<PaymentNotification> r = v.verify(n, lookup);
        QVERIFY2(!r.ok(), code);
        QCOMPARE(r.error().code, QString::fromLatin1(code));
        QVERIFY(!r.error().message.isEmpty());
        // A refusal never quotes the key or the decrypted content.
        QVERIFY(!r.error().message.contains(QString::fromLatin1(kApiV3Key)));
        QVERIFY(!r.error().message.contains(u"4200000000202611220000000001"));
    }

private slots:
    void initTestCase() {
        Result<crypto::RsaPrivateKey> platform = crypto::RsaPrivateKey::generate();
        QVERIFY(platform.ok());
        m_platform = *platform;
        Result<crypto::RsaPrivateKey> forger = crypto::RsaPrivateKey::generate();
        QVERIFY(forger.ok());
        m_forger = *forger;
    }

    void publicVectorDecrypts() {
        const QJsonObject v = vector();
        const QByteArray key = v.value(u"apiv3_key").toString().toLatin1();
        QCOMPARE(key, kApiV3Key);
        const QByteArray sealed =
            QByteArray::fromBase64(v.value(u"ciphertext").toString().toLatin1());
        Result<QByteArray> plain =
            crypto::aes256GcmDecrypt(key, v.value(u"nonce").toString().toLatin1(),
                                     v.value(u"associated_data").toString().toLatin1(), sealed);
        QVERIFY2(plain.ok(), plain.ok() ? "" : qPrintable(plain.error().message));
        QCOMPARE(*plain, v.value(u"plaintext").toString().toUtf8());

        // encryptNotificationResource (the sandbox uses it) makes exactly the vector's bytes.
        Result<QJsonObject> resource =
            encryptNotificationResource(key, v.value(u"nonce").toString().toLatin1(),
                                        v.value(u"associated_data").toString().toLatin1(),
                                        v.value(u"plaintext").toString().toUtf8());
        QVERIFY(resource.ok());
        QCOMPARE(resource->value(u"ciphertext").toString(), v.value(u"ciphertext").toString());
        QCOMPARE(resource->value(u"algorithm").toString(), QStringLiteral("AEAD_AES_256_GCM"));
        QCOMPARE(resource->value(u"nonce").toString(), v.value(u"nonce").toString());
        QCOMPARE(resource->value(u"associated_data").toString(), QStringLiteral("transaction"));
        QCOMPARE(resource->value(u"original_type").toString(), QStringLiteral("transaction"));

        // The vector's resource, in a notification signed here, verifies end to end.
        QJsonObject vectorResource;
        vectorResource.insert(QStringLiteral("algorithm"), QStringLiteral("AEAD_AES_256_GCM"));
        vectorResource.insert(QStringLiteral("ciphertext"), v.value(u"ciphertext"));
        vectorResource.insert(QStringLiteral("associated_data"), v.value(u"associated_data"));
        vectorResource.insert(QStringLiteral("nonce"), v.value(u"nonce"));
        vectorResource.insert(QStringLiteral("original_type"), QStringLiteral("transaction"));
        Result<PaymentNotification> r =
            verifier().verify(signedNotification(compact(
                                  envelope(QStringLiteral("TRANSACTION.SUCCESS"), vectorResource))),
                              lookupOf(wechatOrder(8888)));
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        QCOMPARE(r->outTradeNo, kOutTradeNo);
    }

    void builtNotificationVerifies() {
        const IncomingNotification incoming = signedNotification(paidBody());
        Result<PaymentNotification> r = verifier().verify(incoming, lookupOf(wechatOrder(8888)));
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        const PaymentNotification& n = *r;
        QCOMPARE(n.channel, Channel::WeChat);
        QCOMPARE(n.notificationId, QStringLiteral("EV-2026112210210600001"));
        QCOMPARE(n.outTradeNo, kOutTradeNo);
        QCOMPARE(n.providerTradeNo, QStringLiteral("4200000000202611220000000001"));
        QCOMPARE(n.state, TradeState::Paid);
        QCOMPARE(n.providerState, QStringLiteral("SUCCESS"));
        QCOMPARE(n.totalFen, money::Fen(8888));
        QCOMPARE(n.buyerPaidFen, std::optional<money::Fen>(8888));
        QVERIFY(!n.refundedTotalFen.has_value());
        QCOMPARE(n.paidAtMs,
                 std::optional<qint64>(
                     QDateTime(QDate(2026, 11, 22), QTime(2, 21, 5), Qt::UTC).toMSecsSinceEpoch()));
        QCOMPARE(n.notifiedAtMs, std::optional<qint64>(kNowMs));
        // The decrypted fields and the envelope's identity; never the ciphertext.
        QCOMPARE(n.providerFields.value(u"appid").toString(), kAppId);
        QCOMPARE(n.providerFields.value(u"amount").toObject().value(u"total").toInt(), 8888);
        QCOMPARE(n.providerFields.value(u"event_type").toString(),
                 QStringLiteral("TRANSACTION.SUCCESS"));
        QCOMPARE(n.providerFields.value(u"id").toString(), n.notificationId);
        QCOMPARE(n.providerFields.value(u"create_time").toString(),
                 QStringLiteral("2026-11-22T10:21:06+08:00"));
        QVERIFY(!n.providerFields.contains(u"resource"));
        QVERIFY(!n.providerFields.contains(u"ciphertext"));
        QVERIFY(!compact(n.providerFields).contains(kApiV3Key));

        // A duplicate verifies again, identically (de-duplication is the caller's job).
        Result<PaymentNotification> again =
            verifier().verify(incoming, lookupOf(wechatOrder(8888)));
        QVERIFY(again.ok());
        QCOMPARE(again->notificationId, n.notificationId);
        QCOMPARE(again->providerFields, n.providerFields);
        QCOMPARE(again->state, n.state);
        QCOMPARE(again->paidAtMs, n.paidAtMs);

        // Header names in another case (a proxy may rewrite them) still work; the skew allows
        // a clock up to five minutes off either way.
        IncomingNotification upper = incoming;
        upper.headers.clear();
        for (auto it = incoming.headers.cbegin(); it != incoming.headers.cend(); ++it)
            upper.headers.insert(it.key().toUpper(), it.value());
        QVERIFY(verifier().verify(upper, lookupOf(wechatOrder(8888))).ok());
        QVERIFY(verifier()
                    .verify(signedNotification(paidBody(), kNowMs / 1000 - 299, m_platform),
                            lookupOf(wechatOrder(8888)))
                    .ok());
        QVERIFY(verifier()
                    .verify(signedNotification(paidBody(), kNowMs / 1000 + 299, m_platform),
                            lookupOf(wechatOrder(8888)))
                    .ok());
    }

    void missingHeaders() {
        const IncomingNotification good = signedNotification(paidBody());
        for (const char* name : {"wechatpay-timestamp", "wechatpay-nonce", "wechatpay-signature",
                                 "wechatpay-serial"}) {
            IncomingNotification n = good;
            n.headers.remove(name);
            expectRefused(verifier(), n, lookupOf(wechatOrder(8888)),
                          notification_errc::missingHeaders);
        }
        IncomingNotification n = good;
        n.headers.insert("wechatpay-timestamp", "17x");
        expectRefused(verifier(), n, lookupOf(wechatOrder(8888)),
                      notification_errc::missingHeaders);
    }

    void forgedAndWrongKey() {
        const auto lookup = lookupOf(wechatOrder(8888));
        // Signed by someone else under our serial.
        expectRefused(verifier(), signedNotification(paidBody(), kNowMs / 1000, m_forger), lookup,
                      notification_errc::badSignature);
        // Changed after signing.
        IncomingNotification changed = signedNotification(paidBody());
        changed.body.replace("TRANSACTION.SUCCESS", "TRANSACTION.SUCCESS ");
        expectRefused(verifier(), changed, lookup, notification_errc::badSignature);
        // A signature that is not even base64.
        IncomingNotification garbled = signedNotification(paidBody());
        garbled.headers.insert("wechatpay-signature", "%%%");
        expectRefused(verifier(), garbled, lookup, notification_errc::badSignature);
        // A key serial we do not know.
        expectRefused(verifier(),
                      signedNotification(paidBody(), kNowMs / 1000, m_platform,
                                         QStringLiteral("PUB_KEY_ID_0114232025110100000000000099")),
                      lookup, notification_errc::unknownSerial);
    }

    void replayedAndFuture() {
        const auto lookup = lookupOf(wechatOrder(8888));
        // A genuine notification replayed six minutes later.
        expectRefused(verifier(), signedNotification(paidBody(), kNowMs / 1000 - 360, m_platform),
                      lookup, notification_errc::stale);
        expectRefused(verifier(), signedNotification(paidBody(), kNowMs / 1000 + 360, m_platform),
                      lookup, notification_errc::stale);
    }

    // Relayed by the store server to a till that was offline for an hour: fresh when the
    // server received it, so applied; a receipt the server dates long after the signature, or
    // in the till's future, is refused all the same.
    void relayedIsJudgedAtTheServersReceipt() {
        const auto lookup = lookupOf(wechatOrder(8888));
        IncomingNotification late =
            signedNotification(paidBody(), kNowMs / 1000 - 3600, m_platform);
        expectRefused(verifier(), late, lookup, notification_errc::stale);
        late.relayedReceivedAtMs = kNowMs - 3600 * 1000 + 2000;
        const Result<PaymentNotification> applied = verifier().verify(late, lookup);
        QVERIFY2(applied.ok(), qPrintable(applied ? QString() : applied.error().message));
        late.relayedReceivedAtMs = kNowMs;
        expectRefused(verifier(), late, lookup, notification_errc::stale);

        IncomingNotification fresh = signedNotification(paidBody(), kNowMs / 1000, m_platform);
        fresh.relayedReceivedAtMs = kNowMs + 3600 * 1000;
        expectRefused(verifier(), fresh, lookup, notification_errc::stale);
        fresh.relayedReceivedAtMs = kNowMs - 1000;
        QVERIFY(verifier().verify(fresh, lookup).ok());
    }

    void malformedEnvelope() {
        const auto lookup = lookupOf(wechatOrder(8888));
        const QByteArray body = paidBody();
        expectRefused(verifier(), signedNotification(body.left(body.size() / 2)), lookup,
                      notification_errc::malformed);
        expectRefused(verifier(), signedNotification("[]"), lookup, notification_errc::malformed);

        QJsonObject e = QJsonDocument::fromJson(body).object();
        e.insert(QStringLiteral("resource_type"), QStringLiteral("plain-resource"));
        expectRefused(verifier(), signedNotification(compact(e)), lookup,
                      notification_errc::malformed);
        expectRefused(
            verifier(),
            withResourceField(QStringLiteral("algorithm"), QStringLiteral("AEAD_AES_128_GCM")),
            lookup, notification_errc::malformed);
        expectRefused(verifier(),
                      withResourceField(QStringLiteral("nonce"), QStringLiteral("short")), lookup,
                      notification_errc::malformed);
        expectRefused(verifier(),
                      withResourceField(QStringLiteral("ciphertext"), QStringLiteral("*not64*")),
                      lookup, notification_errc::malformed);
        e = QJsonDocument::fromJson(body).object();
        e.remove(QStringLiteral("id"));
        expectRefused(verifier(), signedNotification(compact(e)), lookup,
                      notification_errc::malformed);

        // Signed and decrypting, but the transaction inside is not well-formed.
        QJsonObject t = transaction();
        QJsonObject amount = t.value(u"amount").toObject();
        amount.insert(QStringLiteral("total"), 88.88);
        t.insert(QStringLiteral("amount"), amount);
        expectRefused(verifier(),
                      signedNotification(compact(envelope(QStringLiteral("TRANSACTION.SUCCESS"),
                                                          encrypted(t, "transaction")))),
                      lookup, notification_errc::malformed);
        t = transaction();
        t.insert(QStringLiteral("success_time"), QStringLiteral("2026-11-22 10:21:05"));
        expectRefused(verifier(),
                      signedNotification(compact(envelope(QStringLiteral("TRANSACTION.SUCCESS"),
                                                          encrypted(t, "transaction")))),
                      lookup, notification_errc::malformed);
    }

    void tamperedResourceDoesNotDecrypt() {
        const auto lookup = lookupOf(wechatOrder(8888));
        // Each change is signed again, so only the AEAD tag can catch it.
        expectRefused(verifier(), withSealedByteFlipped(3), lookup,
                      notification_errc::decryptFailed); // ciphertext
        expectRefused(verifier(), withSealedByteFlipped(-1), lookup,
                      notification_errc::decryptFailed); // tag
        expectRefused(
            verifier(),
            withResourceField(QStringLiteral("associated_data"), QStringLiteral("refund")), lookup,
            notification_errc::decryptFailed);
        expectRefused(verifier(), withResourceField(QStringLiteral("associated_data"), QString()),
                      lookup, notification_errc::decryptFailed);
        expectRefused(verifier(),
                      withResourceField(QStringLiteral("nonce"), QStringLiteral("fdasflkja485")),
                      lookup, notification_errc::decryptFailed);
        // Our APIv3 key is not the one it was encrypted with.
        expectRefused(verifier("b7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"), signedNotification(paidBody()),
                      lookup, notification_errc::decryptFailed);
        expectRefused(verifier("too short"), signedNotification(paidBody()), lookup,
                      notification_errc::decryptFailed);
    }

    void emptyAssociatedDataIsAllowed() {
        const QByteArray body =
            compact(envelope(QStringLiteral("TRANSACTION.SUCCESS"), encrypted(transaction(), "")));
        Result<PaymentNotification> r =
            verifier().verify(signedNotification(body), lookupOf(wechatOrder(8888)));
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
    }

    void foreignUnknownAndMismatched() {
        const IncomingNotification paid = signedNotification(paidBody());
        expectRefused(verifier(kApiV3Key, QStringLiteral("1230000999")), paid,
                      lookupOf(wechatOrder(8888)), notification_errc::foreign);
        expectRefused(verifier(kApiV3Key, kMchId, QStringLiteral("wx0000000000000000")), paid,
                      lookupOf(wechatOrder(8888)), notification_errc::foreign);
        expectRefused(verifier(), paid, lookupOf(std::nullopt), notification_errc::unknownOrder);
        expectRefused(verifier(), paid, NotificationOrderLookup(), notification_errc::unknownOrder);
        expectRefused(verifier(), paid, lookupOf(wechatOrder(8888, Channel::Alipay)),
                      notification_errc::unknownOrder);
        expectRefused(verifier(), paid, lookupOf(wechatOrder(8887)),
                      notification_errc::amountMismatch);
    }

    void unsupportedEvent() {
        for (const char* type : {"TRANSACTION.FAIL", "REFUND.PROCESSING", "MCHTRANSFER.BILL"}) {
            const QByteArray body = compact(
                envelope(QString::fromLatin1(type), encrypted(transaction(), "transaction")));
            expectRefused(verifier(), signedNotification(body), lookupOf(wechatOrder(8888)),
                          notification_errc::unsupportedEvent);
        }
    }

    void refundNotifications() {
        const auto lookup = lookupOf(wechatOrder(8888));
        auto verifyRefund = [&](const char* event, const QJsonObject& plain) {
            return verifier().verify(signedNotification(compact(envelope(
                                         QString::fromLatin1(event), encrypted(plain, "refund")))),
                                     lookup);
        };
        // The whole amount: the trade's refunded total is certain.
        Result<PaymentNotification> full =
            verifyRefund("REFUND.SUCCESS", refund(QStringLiteral("SUCCESS"), 8888));
        QVERIFY2(full.ok(), full.ok() ? "" : qPrintable(full.error().message));
        QCOMPARE(full->state, TradeState::Refunded);
        QCOMPARE(full->providerState, QStringLiteral("SUCCESS"));
        QCOMPARE(full->outRequestNo, QStringLiteral("S01T0120261122000002R1"));
        QCOMPARE(full->totalFen, money::Fen(8888));
        QCOMPARE(full->refundedTotalFen, std::optional<money::Fen>(8888));
        QCOMPARE(full->refundedAtMs,
                 std::optional<qint64>(
                     QDateTime(QDate(2026, 11, 22), QTime(3, 0, 0), Qt::UTC).toMSecsSinceEpoch()));
        QCOMPARE(full->providerFields.value(u"refund_id").toString(),
                 QStringLiteral("50300000002026112200000000001"));

        // Part of it: WeChat does not say what was refunded before, so no total is claimed.
        Result<PaymentNotification> part =
            verifyRefund("REFUND.SUCCESS", refund(QStringLiteral("SUCCESS"), 1000));
        QVERIFY(part.ok());
        QVERIFY(!part->refundedTotalFen.has_value());
        QCOMPARE(part->providerFields.value(u"amount").toObject().value(u"refund").toInt(), 1000);

        // A failed refund leaves the trade paid.
        for (const char* status : {"ABNORMAL", "CLOSED"}) {
            const QString event = QStringLiteral("REFUND.") + QLatin1String(status);
            Result<PaymentNotification> failed = verifyRefund(
                event.toLatin1().constData(), refund(QString::fromLatin1(status), 8888));
            QVERIFY2(failed.ok(), failed.ok() ? "" : qPrintable(failed.error().message));
            QCOMPARE(failed->state, TradeState::Paid);
            QVERIFY(!failed->refundedTotalFen.has_value());
        }

        // The status inside must agree with the event; refunds are checked like payments.
        expectRefused(verifier(),
                      signedNotification(compact(
                          envelope(QStringLiteral("REFUND.SUCCESS"),
                                   encrypted(refund(QStringLiteral("CLOSED"), 8888), "refund")))),
                      lookup, notification_errc::malformed);
        QJsonObject foreign = refund(QStringLiteral("SUCCESS"), 8888);
        foreign.insert(QStringLiteral("mchid"), QStringLiteral("1230000999"));
        expectRefused(verifier(),
                      signedNotification(compact(envelope(QStringLiteral("REFUND.SUCCESS"),
                                                          encrypted(foreign, "refund")))),
                      lookup, notification_errc::foreign);
        expectRefused(verifier(),
                      signedNotification(compact(
                          envelope(QStringLiteral("REFUND.SUCCESS"),
                                   encrypted(refund(QStringLiteral("SUCCESS"), 8888), "refund")))),
                      lookupOf(wechatOrder(9999)), notification_errc::amountMismatch);
    }

    void replies() {
        const NotificationReply ok = WechatNotificationVerifier::reply(true);
        QCOMPARE(ok.httpStatus, 204);
        QVERIFY(ok.body.isEmpty());
        const NotificationReply fail = WechatNotificationVerifier::reply(false);
        QCOMPARE(fail.httpStatus, 500);
        QCOMPARE(fail.contentType, QByteArray("application/json"));
        const QJsonObject body = QJsonDocument::fromJson(fail.body).object();
        QCOMPARE(body.value(u"code").toString(), QStringLiteral("FAIL"));
        QVERIFY(!body.value(u"message").toString().isEmpty());
    }

    void encryptHelperRefusesBadInput() {
        QVERIFY(!encryptNotificationResource(kApiV3Key, "short", "transaction", "{}").ok());
        QVERIFY(!encryptNotificationResource(kApiV3Key, "fdasflkja48\n", "transaction", "{}").ok());
        QVERIFY(!encryptNotificationResource(kApiV3Key, kNonce, "\xff", "{}").ok());
        QVERIFY(!encryptNotificationResource("short key", kNonce, "transaction", "{}").ok());
    }
};

QTEST_GUILESS_MAIN(TestWechatNotification)
#include "tst_wechat_notification.moc"
