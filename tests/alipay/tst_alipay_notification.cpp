// Alipay's asynchronous notification: verified fields, and every way a notification is
// refused, each with its own error code.

#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/gateways/alipay/AlipayNotification.h"
#include "core/gateways/alipay/AlipaySignature.h"
#include "tests/support/NotificationOrders.h"
#include "tests/support/TestVectors.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUrl>

using namespace qpos;
using namespace qpos::alipay;
using namespace qpos::gateway;
using qpos::test::lookupOf;

namespace {

const QString kAppId = QStringLiteral("2021000117600000");
const QString kOutTradeNo = QStringLiteral("S01T0120261122000001");

Order order(money::Fen amount, Channel channel = Channel::Alipay) {
    return test::orderAwaitingPayment(kOutTradeNo, amount, channel);
}

// Replaces one field's value in a form body, keeping everything else byte for byte.
QByteArray withField(const QByteArray& body, const QByteArray& name, const QByteArray& value) {
    QList<QByteArray> pairs = body.split('&');
    for (QByteArray& pair : pairs) {
        if (pair.startsWith(name + '='))
            pair = name + '=' + value;
    }
    return pairs.join('&');
}

} // namespace

class TestAlipayNotification : public QObject {
    Q_OBJECT

    QByteArray m_body;
    crypto::RsaPublicKey m_alipayKey;
    crypto::RsaPrivateKey m_ourAlipay; // signs synthetic notifications
    crypto::RsaPrivateKey m_forger;

    QByteArray signedBody(Params params, const crypto::RsaPrivateKey& key) const {
        params.remove(QStringLiteral("sign"));
        Result<QByteArray> sign = key.signBase64(signContent(params, SignScope::Notification));
        if (!sign)
            qFatal("cannot sign");
        params.insert(QStringLiteral("sign"), QString::fromLatin1(*sign));
        return formBody(params);
    }

    Params synthetic() const {
        Params p;
        p.insert(QStringLiteral("notify_time"), QStringLiteral("2026-11-22 10:21:06"));
        p.insert(QStringLiteral("notify_type"), QStringLiteral("trade_status_sync"));
        p.insert(QStringLiteral("notify_id"), QStringLiteral("n-1"));
        p.insert(QStringLiteral("app_id"), kAppId);
        p.insert(QStringLiteral("charset"), QStringLiteral("utf-8"));
        p.insert(QStringLiteral("version"), QStringLiteral("1.0"));
        p.insert(QStringLiteral("sign_type"), QStringLiteral("RSA2"));
        p.insert(QStringLiteral("trade_no"), QStringLiteral("2026112222001446880500012345"));
        p.insert(QStringLiteral("out_trade_no"), kOutTradeNo);
        p.insert(QStringLiteral("trade_status"), QStringLiteral("TRADE_SUCCESS"));
        p.insert(QStringLiteral("total_amount"), QStringLiteral("88.88"));
        p.insert(QStringLiteral("gmt_payment"), QStringLiteral("2026-11-22 10:21:05"));
        return p;
    }

    void expectRefused(const AlipayNotificationVerifier& verifier, const QByteArray& body,
                       const NotificationOrderLookup& lookup, const QString& code) {
        Result<PaymentNotification> r = verifier.verify(body, lookup);
        QVERIFY2(!r.ok(), qPrintable(code));
        QCOMPARE(r.error().code, code);
        QVERIFY(!r.error().message.isEmpty());
    }

private slots:
    void initTestCase() {
        const QJsonObject v = test::testVectors();
        m_body = v.value(u"notification").toObject().value(u"form_body").toString().toUtf8();
        Result<crypto::RsaPublicKey> key = crypto::RsaPublicKey::fromText(
            v.value(u"keys").toObject().value(u"alipay_public_b64").toString().toUtf8());
        QVERIFY(key.ok());
        m_alipayKey = *key;
        Result<crypto::RsaPrivateKey> ours = crypto::RsaPrivateKey::generate();
        QVERIFY(ours.ok());
        m_ourAlipay = *ours;
        Result<crypto::RsaPrivateKey> forger = crypto::RsaPrivateKey::generate();
        QVERIFY(forger.ok());
        m_forger = *forger;
    }

    void validNotificationGivesTypedFields() {
        AlipayNotificationVerifier verifier(kAppId, QString(), m_alipayKey);
        Result<PaymentNotification> r = verifier.verify(m_body, lookupOf(order(8888)));
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        const PaymentNotification& n = *r;
        QCOMPARE(n.channel, Channel::Alipay);
        QCOMPARE(n.notificationId, QStringLiteral("2026112200222102105012345678"));
        QCOMPARE(n.outTradeNo, kOutTradeNo);
        QCOMPARE(n.providerTradeNo, QStringLiteral("2026112222001446880500012345"));
        QCOMPARE(n.state, TradeState::Paid);
        QCOMPARE(n.providerState, QStringLiteral("TRADE_SUCCESS"));
        QCOMPARE(n.totalFen, money::Fen(8888));
        QCOMPARE(n.receivedFen, std::optional<money::Fen>(8888));
        QCOMPARE(n.buyerPaidFen, std::optional<money::Fen>(8888));
        QCOMPARE(n.paidAtMs,
                 std::optional<qint64>(
                     QDateTime(QDate(2026, 11, 22), QTime(2, 21, 5), Qt::UTC).toMSecsSinceEpoch()));
        QVERIFY(n.createdAtMs.has_value());
        QVERIFY(n.notifiedAtMs.has_value());
        QCOMPARE(n.providerFields.value(u"app_id").toString(), kAppId);
        QVERIFY(!n.providerFields.contains(u"sign")); // never stored
        QCOMPARE(AlipayNotificationVerifier::successReply(), QByteArray("success"));
        QVERIFY(AlipayNotificationVerifier::failureReply() != QByteArray("success"));
        // The same notification again verifies the same way (handling must be idempotent).
        QVERIFY(verifier.verify(m_body, lookupOf(order(8888))).ok());
    }

    void forgedAndTampered() {
        AlipayNotificationVerifier verifier(kAppId, QString(), m_alipayKey);
        const auto lookup = lookupOf(order(8888));
        // Forged: a lower amount, signature unchanged.
        expectRefused(verifier, withField(m_body, "total_amount", "0.01"), lookupOf(order(1)),
                      QStringLiteral("alipay.bad_signature"));
        // Tampered: another status.
        expectRefused(verifier, withField(m_body, "trade_status", "TRADE_FINISHED"), lookup,
                      QStringLiteral("alipay.bad_signature"));
        // Tampered signature bytes.
        Params params = *parseForm(m_body);
        QString sign = params.value(QStringLiteral("sign"));
        sign[10] = sign[10] == u'A' ? u'B' : u'A';
        params.insert(QStringLiteral("sign"), sign);
        expectRefused(verifier, formBody(params), lookup, QStringLiteral("alipay.bad_signature"));
        // No signature at all.
        params.remove(QStringLiteral("sign"));
        expectRefused(verifier, formBody(params), lookup,
                      QStringLiteral("alipay.unsigned_notification"));
        // Re-signed with another key over the right content.
        expectRefused(verifier, signedBody(*parseForm(m_body), m_forger), lookup,
                      QStringLiteral("alipay.bad_signature"));
        // A field given twice (the second could win in a naive parser).
        expectRefused(verifier, m_body + "&trade_status=TRADE_SUCCESS", lookup,
                      QStringLiteral("alipay.malformed_form"));
        expectRefused(verifier, "a=%zz", lookup, QStringLiteral("alipay.malformed_form"));
    }

    void wrongAppUnknownOrderAndAmountMismatch() {
        AlipayNotificationVerifier other(QStringLiteral("2021000000000099"), QString(),
                                         m_alipayKey);
        expectRefused(other, m_body, lookupOf(order(8888)),
                      QString::fromLatin1(notification_errc::wrongAppId));

        AlipayNotificationVerifier verifier(kAppId, QString(), m_alipayKey);
        expectRefused(verifier, m_body, lookupOf(std::nullopt),
                      QString::fromLatin1(notification_errc::unknownOrder));
        expectRefused(verifier, m_body, lookupOf(order(8888, Channel::WeChat)),
                      QString::fromLatin1(notification_errc::unknownOrder));
        expectRefused(verifier, m_body, NotificationOrderLookup(),
                      QString::fromLatin1(notification_errc::unknownOrder));
        expectRefused(verifier, m_body, lookupOf(order(8887)),
                      QString::fromLatin1(notification_errc::amountMismatch));
    }

    void sellerIdMustBeTheShops() {
        const QString pid = QStringLiteral("2088102177649450");
        AlipayNotificationVerifier verifier(kAppId, pid, m_ourAlipay.publicKey());
        const auto lookup = lookupOf(order(8888));
        Params p = synthetic();
        p.insert(QStringLiteral("seller_id"), pid);
        QVERIFY(verifier.verify(signedBody(p, m_ourAlipay), lookup).ok());
        // Signed by Alipay for this app, but the money went to another seller.
        p.insert(QStringLiteral("seller_id"), QStringLiteral("2088000000000001"));
        expectRefused(verifier, signedBody(p, m_ourAlipay), lookup,
                      QString::fromLatin1(notification_errc::wrongSeller));
        Result<PaymentNotification> r = verifier.verify(signedBody(p, m_ourAlipay), lookup);
        QVERIFY(r.error().message.contains(u"[alipay] seller_id"));
        // Alipay always names the seller: a notification without one is not this shop's.
        expectRefused(verifier, signedBody(synthetic(), m_ourAlipay), lookup,
                      QString::fromLatin1(notification_errc::wrongSeller));
        // Not configured: not checked.
        AlipayNotificationVerifier unchecked(kAppId, QString(), m_ourAlipay.publicKey());
        QVERIFY(unchecked.verify(signedBody(p, m_ourAlipay), lookup).ok());
    }

    void signedButMalformedFields() {
        AlipayNotificationVerifier verifier(kAppId, QString(), m_ourAlipay.publicKey());
        const auto lookup = lookupOf(order(8888));
        QVERIFY(verifier.verify(signedBody(synthetic(), m_ourAlipay), lookup).ok());

        Params p = synthetic();
        p.insert(QStringLiteral("total_amount"), QStringLiteral("88.880"));
        expectRefused(verifier, signedBody(p, m_ourAlipay), lookup,
                      QString::fromLatin1(notification_errc::malformedAmount));
        p = synthetic();
        p.insert(QStringLiteral("receipt_amount"), QStringLiteral("-1.00"));
        expectRefused(verifier, signedBody(p, m_ourAlipay), lookup,
                      QString::fromLatin1(notification_errc::malformedAmount));
        p = synthetic();
        p.insert(QStringLiteral("gmt_payment"), QStringLiteral("2026-13-22 10:21:05"));
        expectRefused(verifier, signedBody(p, m_ourAlipay), lookup,
                      QString::fromLatin1(notification_errc::malformedTime));
        p = synthetic();
        p.insert(QStringLiteral("trade_status"), QStringLiteral("TRADE_PAID_MAYBE"));
        expectRefused(verifier, signedBody(p, m_ourAlipay), lookup,
                      QString::fromLatin1(notification_errc::unknownTradeStatus));
        p = synthetic();
        p.remove(QStringLiteral("notify_id"));
        expectRefused(verifier, signedBody(p, m_ourAlipay), lookup,
                      QString::fromLatin1(notification_errc::missingField));
        p = synthetic();
        p.insert(QStringLiteral("sign_type"), QStringLiteral("RSA"));
        expectRefused(verifier, signedBody(p, m_ourAlipay), lookup,
                      QString::fromLatin1(notification_errc::unsupportedSignType));
        p = synthetic();
        p.insert(QStringLiteral("charset"), QStringLiteral("gbk"));
        expectRefused(verifier, signedBody(p, m_ourAlipay), lookup,
                      QString::fromLatin1(notification_errc::unsupportedCharset));
    }

    void refundNotification() {
        AlipayNotificationVerifier verifier(kAppId, QString(), m_ourAlipay.publicKey());
        Params p = synthetic();
        p.insert(QStringLiteral("trade_status"), QStringLiteral("TRADE_CLOSED"));
        p.insert(QStringLiteral("refund_fee"), QStringLiteral("88.88"));
        p.insert(QStringLiteral("gmt_refund"), QStringLiteral("2026-11-22 11:00:00.123"));
        p.insert(QStringLiteral("out_biz_no"), QStringLiteral("S01T0120261122000001R1"));
        Result<PaymentNotification> r =
            verifier.verify(signedBody(p, m_ourAlipay), lookupOf(order(8888)));
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        QCOMPARE(r->state, TradeState::Closed);
        QCOMPARE(r->refundedTotalFen, std::optional<money::Fen>(8888));
        QCOMPARE(r->outRequestNo, QStringLiteral("S01T0120261122000001R1"));
        QCOMPARE(r->refundedAtMs,
                 std::optional<qint64>(
                     QDateTime(QDate(2026, 11, 22), QTime(3, 0, 0), Qt::UTC).toMSecsSinceEpoch()));
    }
};

QTEST_GUILESS_MAIN(TestAlipayNotification)
#include "tst_alipay_notification.moc"
