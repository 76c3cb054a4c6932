
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/gateways/wechat/WechatSignature.h"
#include "tests/support/TestVectors.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace qpos;
using namespace qpos::wechat;

namespace {

QByteArray utf8(const QJsonValue& v) {
    return v.toString().toUtf8();
}

} // namespace

class TestWechatSignature : public QObject {
    Q_OBJECT

    QJsonObject m_v;
    crypto::RsaPrivateKey m_merchantKey;
    crypto::RsaPublicKey m_platformKey;

private slots:
    void initTestCase() {
        m_v = test::testVectors();
        Result<crypto::RsaPrivateKey> merchant = crypto::RsaPrivateKey::fromText(utf8(
            m_v.value(u"wechat_request_sign").toObject().value(u"merchant_private_pkcs8_pem")));
        QVERIFY(merchant.ok());
        m_merchantKey = *merchant;
        Result<crypto::RsaPublicKey> platform = crypto::RsaPublicKey::fromText(
            utf8(m_v.value(u"wechat_response_verify").toObject().value(u"platform_public_pem")));
        QVERIFY(platform.ok());
        m_platformKey = *platform;
    }

    void requestMessageAndSignatureMatchTheVector() {
        const QJsonObject v = m_v.value(u"wechat_request_sign").toObject();
        const qint64 timestamp = v.value(u"timestamp").toString().toLongLong();
        const QByteArray message =
            requestSignMessage(utf8(v.value(u"method")), utf8(v.value(u"url")), timestamp,
                               utf8(v.value(u"nonce")), utf8(v.value(u"body")));
        QCOMPARE(message, utf8(v.value(u"message")));
        QVERIFY(message.endsWith("}\n"));

        Result<QByteArray> header = signRequest(
            m_merchantKey, QStringLiteral("1230000109"), QStringLiteral("5157F09EFDC096DE15EB"),
            utf8(v.value(u"method")), utf8(v.value(u"url")), timestamp, utf8(v.value(u"nonce")),
            utf8(v.value(u"body")));
        QVERIFY(header.ok());
        Result<AuthorizationToken> token = parseAuthorization(*header);
        QVERIFY2(token.ok(), qPrintable(token.ok() ? QString() : token.error().message));
        QCOMPARE(token->signature, v.value(u"signature").toString());
        QCOMPARE(token->mchId, QStringLiteral("1230000109"));
        QCOMPARE(token->serialNo, QStringLiteral("5157F09EFDC096DE15EB"));
        QCOMPARE(token->timestampS, timestamp);
        QCOMPARE(token->nonce, v.value(u"nonce").toString());
        // The merchant's public key verifies it (what the provider does).
        QVERIFY(m_merchantKey.publicKey().verifyBase64(message, token->signature.toLatin1()).ok());
    }

    void getHasAnEmptyBodyLine() {
        const QByteArray message =
            requestSignMessage("GET", "/v3/pay/transactions/out-trade-no/A1?mchid=1230000109",
                               1763778030, "N1", QByteArrayView());
        QCOMPARE(message, QByteArray("GET\n/v3/pay/transactions/out-trade-no/A1?mchid=1230000109\n"
                                     "1763778030\nN1\n\n"));
        QCOMPARE(answerSignMessage("1", "n", ""), QByteArray("1\nn\n\n"));
    }

    void answerSignatureVerifies() {
        const QJsonObject v = m_v.value(u"wechat_response_verify").toObject();
        WechatpayHeaders h{utf8(v.value(u"timestamp")), utf8(v.value(u"nonce")),
                           utf8(v.value(u"signature")), utf8(v.value(u"wechatpay_serial"))};
        const QByteArray body = utf8(v.value(u"body"));
        QVERIFY(verifyAnswerSignature(m_platformKey, h, body));

        QByteArray tamperedBody = body;
        tamperedBody.replace("p4lpSuKzz", "p4lpSuKzZ");
        QVERIFY(!verifyAnswerSignature(m_platformKey, h, tamperedBody));
        QVERIFY(!verifyAnswerSignature(m_platformKey, h, body + ' '));

        WechatpayHeaders otherTime = h;
        otherTime.timestamp = QByteArray::number(h.timestamp.toLongLong() + 1);
        QVERIFY(!verifyAnswerSignature(m_platformKey, otherTime, body));

        WechatpayHeaders otherNonce = h;
        otherNonce.nonce[0] = otherNonce.nonce[0] == 'A' ? 'B' : 'A';
        QVERIFY(!verifyAnswerSignature(m_platformKey, otherNonce, body));

        // Another key, or malformed headers: not valid, and no crash.
        QVERIFY(!verifyAnswerSignature(m_merchantKey.publicKey(), h, body));
        QVERIFY(!verifyAnswerSignature(crypto::RsaPublicKey(), h, body));
        WechatpayHeaders broken = h;
        broken.signature = "not base64 !!";
        QVERIFY(!verifyAnswerSignature(m_platformKey, broken, body));
        broken = h;
        broken.signature.clear();
        QVERIFY(!verifyAnswerSignature(m_platformKey, broken, body));
        broken = h;
        broken.timestamp = "17637780x0";
        QVERIFY(!verifyAnswerSignature(m_platformKey, broken, body));
        broken = h;
        broken.nonce.clear();
        QVERIFY(!verifyAnswerSignature(m_platformKey, broken, body));
    }

    void authorizationRoundTrip() {
        AuthorizationToken t;
        t.mchId = QStringLiteral("1900009191");
        t.nonce = QStringLiteral("593BEC0C930BF1AFEB40B4A08C8FB242");
        t.signature =
            QStringLiteral("uOVRnA4qG/MNnYzdQxJanN+zU+lTgIcnU9BxGw5dKjK+VdEUz2FeIoC+D5s=");
        t.timestampS = 1554208460;
        t.serialNo = QStringLiteral("1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C");
        const QByteArray header = formatAuthorization(t);
        QCOMPARE(header,
                 QByteArray("WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\","
                            "nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\","
                            "signature=\"uOVRnA4qG/MNnYzdQxJanN+zU+lTgIcnU9BxGw5dKjK+VdEUz2FeIoC+"
                            "D5s=\",timestamp=\"1554208460\","
                            "serial_no=\"1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C\""));
        Result<AuthorizationToken> back = parseAuthorization(header);
        QVERIFY(back.ok());
        QCOMPARE(back->mchId, t.mchId);
        QCOMPARE(back->nonce, t.nonce);
        QCOMPARE(back->signature, t.signature);
        QCOMPARE(back->timestampS, t.timestampS);
        QCOMPARE(back->serialNo, t.serialNo);

        // Any order of the fields is the same header.
        Result<AuthorizationToken> reordered = parseAuthorization(
            "WECHATPAY2-SHA256-RSA2048 serial_no=\"S1\",timestamp=\"12\",signature=\"c2ln\","
            "nonce_str=\"n\",mchid=\"m\"");
        QVERIFY(reordered.ok());
        QCOMPARE(reordered->serialNo, QStringLiteral("S1"));
        QCOMPARE(reordered->timestampS, 12);
    }

    void strictParseRefuses_data() {
        QTest::addColumn<QByteArray>("header");
        const QByteArray ok = "mchid=\"m\",nonce_str=\"n\",signature=\"c2ln\",timestamp=\"12\","
                              "serial_no=\"S\"";
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("no scheme") << ok;
        QTest::newRow("other scheme") << "WECHATPAY2-SHA256-RSA4096 " + ok;
        QTest::newRow("lower-case scheme") << "wechatpay2-sha256-rsa2048 " + ok;
        QTest::newRow("no space") << "WECHATPAY2-SHA256-RSA2048" + ok;
        QTest::newRow("two spaces") << "WECHATPAY2-SHA256-RSA2048  " + ok;
        QTest::newRow("scheme only") << QByteArray("WECHATPAY2-SHA256-RSA2048 ");
        QTest::newRow("missing serial")
            << QByteArray("WECHATPAY2-SHA256-RSA2048 mchid=\"m\",nonce_str=\"n\","
                          "signature=\"c2ln\",timestamp=\"12\"");
        QTest::newRow("twice") << "WECHATPAY2-SHA256-RSA2048 " + ok + ",mchid=\"m\"";
        QTest::newRow("unknown field") << "WECHATPAY2-SHA256-RSA2048 " + ok + ",extra=\"x\"";
        QTest::newRow("unquoted") << QByteArray(
            "WECHATPAY2-SHA256-RSA2048 mchid=m,nonce_str=\"n\",signature=\"c2ln\","
            "timestamp=\"12\",serial_no=\"S\"");
        QTest::newRow("unclosed") << QByteArray(
            "WECHATPAY2-SHA256-RSA2048 mchid=\"m\",nonce_str=\"n\","
            "signature=\"c2ln\",timestamp=\"12\",serial_no=\"S");
        QTest::newRow("empty value")
            << QByteArray("WECHATPAY2-SHA256-RSA2048 mchid=\"\",nonce_str=\"n\","
                          "signature=\"c2ln\",timestamp=\"12\",serial_no=\"S\"");
        QTest::newRow("timestamp not a number")
            << QByteArray("WECHATPAY2-SHA256-RSA2048 mchid=\"m\",nonce_str=\"n\","
                          "signature=\"c2ln\",timestamp=\"-12\",serial_no=\"S\"");
        QTest::newRow("space in value")
            << QByteArray("WECHATPAY2-SHA256-RSA2048 mchid=\"m m\",nonce_str=\"n\","
                          "signature=\"c2ln\",timestamp=\"12\",serial_no=\"S\"");
        QTest::newRow("trailing comma") << "WECHATPAY2-SHA256-RSA2048 " + ok + ",";
        QTest::newRow("space after comma")
            << QByteArray("WECHATPAY2-SHA256-RSA2048 mchid=\"m\", nonce_str=\"n\","
                          "signature=\"c2ln\",timestamp=\"12\",serial_no=\"S\"");
        QTest::newRow("junk after value") << "WECHATPAY2-SHA256-RSA2048 " + ok + "x";
    }
    void strictParseRefuses() {
        QFETCH(QByteArray, header);
        Result<AuthorizationToken> r = parseAuthorization(header);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("wechat.bad_authorization"));
        QVERIFY(!r.error().message.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestWechatSignature)
#include "tst_wechat_signature.moc"
