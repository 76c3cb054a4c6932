
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/gateways/alipay/AlipaySignature.h"
#include "tests/support/TestVectors.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace qpos;
using namespace qpos::alipay;

namespace {

QByteArray utf8(const QJsonValue& v) {
    return v.toString().toUtf8();
}

} // namespace

class TestAlipaySignature : public QObject {
    Q_OBJECT

    QJsonObject m_v;
    crypto::RsaPrivateKey m_appKey;
    crypto::RsaPublicKey m_alipayKey;

private slots:
    void initTestCase() {
        m_v = test::testVectors();
        const QJsonObject keys = m_v.value(u"keys").toObject();
        Result<crypto::RsaPrivateKey> app =
            crypto::RsaPrivateKey::fromText(utf8(keys.value(u"app_private_b64")));
        QVERIFY(app.ok());
        m_appKey = *app;
        Result<crypto::RsaPublicKey> alipay =
            crypto::RsaPublicKey::fromText(utf8(keys.value(u"alipay_public_b64")));
        QVERIFY(alipay.ok());
        m_alipayKey = *alipay;
    }

    void requestSignMatchesTheVector() {
        const QJsonObject v = m_v.value(u"request_sign").toObject();
        Params params;
        const QJsonObject p = v.value(u"params").toObject();
        for (auto it = p.begin(); it != p.end(); ++it)
            params.insert(it.key(), it.value().toString());
        QCOMPARE(signContent(params, SignScope::Request), utf8(v.value(u"sign_content")));
        Result<Params> signed_ = signRequest(params, m_appKey);
        QVERIFY(signed_.ok());
        QCOMPARE(signed_->value(QStringLiteral("sign")), v.value(u"sign").toString());
        // The signature itself is never part of what is signed.
        QCOMPARE(signContent(*signed_, SignScope::Request), utf8(v.value(u"sign_content")));
        // The form body round-trips every value, including JSON and spaces.
        Result<Params> back = parseForm(formBody(*signed_));
        QVERIFY(back.ok());
        QCOMPARE(*back, *signed_);
    }

    void responseVerifiesOverTheRawText() {
        const QJsonObject v = m_v.value(u"response_verify").toObject();
        Result<SignedResponse> r =
            extractSignedResponse(utf8(v.value(u"raw")), QStringLiteral("alipay.trade.precreate"));
        QVERIFY(r.ok());
        QCOMPARE(r->signedText, utf8(v.value(u"signed_text")));
        QVERIFY(r->signedText.contains("https:\\/\\/qr.alipay.com")); // not re-serialised
        QVERIFY(!r->isErrorResponse);
        QVERIFY(verifyResponse(*r, m_alipayKey).ok());
        const QJsonObject parsed = QJsonDocument::fromJson(r->signedText).object();
        QCOMPARE(parsed.value(u"qr_code").toString(), v.value(u"qr_code").toString());
    }

    void tamperedResponseFails() {
        const QJsonObject v = m_v.value(u"response_tampered").toObject();
        Result<SignedResponse> r =
            extractSignedResponse(utf8(v.value(u"raw")), QStringLiteral("alipay.trade.precreate"));
        QVERIFY(r.ok());
        const Status s = verifyResponse(*r, m_alipayKey);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, QStringLiteral("alipay.bad_signature"));
    }

    void reserialisingWouldBreakIt() {
        const QJsonObject v = m_v.value(u"response_verify").toObject();
        SignedResponse r =
            *extractSignedResponse(utf8(v.value(u"raw")), QStringLiteral("alipay.trade.precreate"));
        r.signedText = QJsonDocument(QJsonDocument::fromJson(r.signedText).object())
                           .toJson(QJsonDocument::Compact);
        QVERIFY(!verifyResponse(r, m_alipayKey).ok());
    }

    void notificationVerifies() {
        const QJsonObject v = m_v.value(u"notification").toObject();
        Result<Params> params = parseForm(utf8(v.value(u"form_body")));
        QVERIFY(params.ok());
        QCOMPARE(signContent(*params, SignScope::Notification), utf8(v.value(u"sign_content")));
        QVERIFY(verifyNotification(*params, m_alipayKey).ok());
        // Changing any field breaks it.
        Params forged = *params;
        forged[QStringLiteral("total_amount")] = QStringLiteral("0.01");
        QVERIFY(!verifyNotification(forged, m_alipayKey).ok());
        // Request rules (sign_type included) do not verify a notification.
        QVERIFY(!m_alipayKey
                     .verifyBase64(signContent(*params, SignScope::Request),
                                   params->value(QStringLiteral("sign")).toLatin1())
                     .ok());
        Params unsigned_ = *params;
        unsigned_.remove(QStringLiteral("sign"));
        QCOMPARE(verifyNotification(unsigned_, m_alipayKey).error().code,
                 QStringLiteral("alipay.unsigned_notification"));
        // Re-signed with another key: refused.
        Result<crypto::RsaPrivateKey> other = crypto::RsaPrivateKey::generate();
        QVERIFY(other.ok());
        Params resigned = *params;
        resigned[QStringLiteral("sign")] =
            QString::fromLatin1(*other->signBase64(signContent(*params, SignScope::Notification)));
        QVERIFY(!verifyNotification(resigned, m_alipayKey).ok());
    }

    void malformedFormsAreRefused_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("broken escape") << QByteArray("a=%zz");
        QTest::newRow("truncated escape") << QByteArray("a=%4");
        QTest::newRow("no name") << QByteArray("=x");
        QTest::newRow("no equals") << QByteArray("abc");
        QTest::newRow("twice") << QByteArray("a=1&a=2");
        QTest::newRow("not utf-8") << QByteArray("a=%ff%fe");
    }
    void malformedFormsAreRefused() {
        QFETCH(QByteArray, body);
        Result<Params> r = parseForm(body);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("alipay.malformed_form"));
    }

    void errorResponseAndOddBodies() {
        const QByteArray err =
            "{\"error_response\":{\"code\":\"40002\",\"msg\":\"Invalid Arguments\","
            "\"sub_code\":\"isv.invalid-signature\"}}";
        Result<SignedResponse> r = extractSignedResponse(err, QStringLiteral("alipay.trade.pay"));
        QVERIFY(r.ok());
        QVERIFY(r->isErrorResponse);
        QVERIFY(r->sign.isEmpty());
        QCOMPARE(verifyResponse(*r, m_alipayKey).error().code,
                 QStringLiteral("alipay.unsigned_response"));

        const QByteArray good =
            *buildSignedResponse(responseKey(QStringLiteral("alipay.trade.query")),
                                 "{\"code\":\"10000\",\"msg\":\"Success\",\"trade_status\":\"TRADE_"
                                 "SUCCESS\",\"note\":\"a,}\\\"{\"}",
                                 m_appKey, "abc123");
        Result<SignedResponse> built =
            extractSignedResponse(good, QStringLiteral("alipay.trade.query"));
        QVERIFY(built.ok());
        QCOMPARE(built->certSn, QByteArray("abc123"));
        QVERIFY(verifyResponse(*built, m_appKey.publicKey()).ok());

        // Truncated anywhere: refused, never half-trusted.
        for (qsizetype cut = 1; cut < good.size(); cut += 7) {
            Result<SignedResponse> t =
                extractSignedResponse(good.left(cut), QStringLiteral("alipay.trade.query"));
            QVERIFY2(!t.ok(), qPrintable(QString::number(cut)));
            QCOMPARE(t.error().code, QStringLiteral("alipay.malformed_response"));
        }
        QVERIFY(!extractSignedResponse("", QStringLiteral("alipay.trade.query")).ok());
        QVERIFY(
            !extractSignedResponse("<html>502</html>", QStringLiteral("alipay.trade.query")).ok());
        // The answer to another method is not this method's answer.
        QVERIFY(!extractSignedResponse(good, QStringLiteral("alipay.trade.pay")).ok());
        QCOMPARE(responseKey(QStringLiteral("alipay.trade.fastpay.refund.query")),
                 QStringLiteral("alipay_trade_fastpay_refund_query_response"));
    }
};

QTEST_GUILESS_MAIN(TestAlipaySignature)
#include "tst_alipay_signature.moc"
