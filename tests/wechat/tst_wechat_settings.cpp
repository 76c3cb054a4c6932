#include "core/crypto/RsaPrivateKey.h"
#include "core/gateways/wechat/WechatClientSettings.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestCertificates.h"
#include "tests/support/TestFiles.h"

#include <QTest>

using namespace qpos;
using namespace qpos::wechat;

namespace {

const QByteArray kApiV3Key = "a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb";

} // namespace

class TestWechatSettings : public QObject {
    Q_OBJECT

    test::TempDir m_dir;
    crypto::RsaPrivateKey m_merchant;
    crypto::RsaPrivateKey m_platform;

    WechatConfig config() {
        WechatConfig c;
        c.enabled = true;
        c.gatewayUrl = QStringLiteral("https://api.mch.weixin.qq.com");
        c.mchId = QStringLiteral("1230000109");
        c.appId = QStringLiteral("wxd678efh567hg6787");
        c.merchantPrivateKeyPath = test::writeFileWithMode(
            m_dir, QStringLiteral("apiclient_key.pem"), m_merchant.toPkcs8Pem(), 0600);
        c.merchantSerialNo = QStringLiteral("5157F09EFDC096DE15EBE81A47057A7232F1B8E1");
        c.apiV3KeyPath =
            test::writeFileWithMode(m_dir, QStringLiteral("apiv3.key"), kApiV3Key + '\n', 0600);
        c.wechatpayPublicKeyPath = test::writeFileWithMode(m_dir, QStringLiteral("pub_key.pem"),
                                                           m_platform.publicKey().toPem(), 0644);
        c.wechatpayPublicKeyId = QStringLiteral("PUB_KEY_ID_0114232134912410000000000000");
        c.notifyUrl = QStringLiteral("https://shop.example.com/notify/wechat");
        c.timeoutMs = 5000;
        return c;
    }

private slots:
    void initTestCase() {
        Result<crypto::RsaPrivateKey> merchant = crypto::RsaPrivateKey::generate();
        Result<crypto::RsaPrivateKey> platform = crypto::RsaPrivateKey::generate();
        QVERIFY(merchant.ok() && platform.ok());
        m_merchant = *merchant;
        m_platform = *platform;
    }

    void loadsAPublicKeyConfiguration() {
        Result<WechatClientSettings> s = WechatClientSettings::fromConfig(config());
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
        QCOMPARE(s->apiV3Key, kApiV3Key);
        QCOMPARE(s->platformKeys.size(), 1);
        QCOMPARE(s->platformKeys[0].id, QStringLiteral("PUB_KEY_ID_0114232134912410000000000000"));
        QVERIFY(s->platformKeys[0].key == m_platform.publicKey());
        QVERIFY(s->merchantPrivateKey.publicKey() == m_merchant.publicKey());
        QCOMPARE(s->requestTimeout, std::chrono::milliseconds(5000));
        QCOMPARE(s->mchId, QStringLiteral("1230000109"));
        QVERIFY(s->validate().ok());
    }

    void aPlatformCertificateIsNamedByItsSerial() {
        WechatConfig c = config();
        const QByteArray pem = test::selfSignedCertificate(
            "0a5157f09efdc096de15ebe81a47057a7232f1b8e1", "Tenpay.com Root CA");
        QVERIFY(!pem.isEmpty());
        c.wechatpayPublicKeyPath =
            test::writeFileWithMode(m_dir, QStringLiteral("platform.pem"), pem, 0644);
        c.wechatpayPublicKeyId.clear(); // the certificate names itself
        Result<WechatClientSettings> s = WechatClientSettings::fromConfig(c);
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message));
        QCOMPARE(s->platformKeys[0].id,
                 QStringLiteral("0A5157F09EFDC096DE15EBE81A47057A7232F1B8E1"));
    }

    void apiV3KeyMustBe32Characters_data() {
        QTest::addColumn<QByteArray>("contents");
        QTest::newRow("short") << QByteArray("a7cde1ZJB1kG2e7VfTs3jQzaWizur8G");
        QTest::newRow("long") << kApiV3Key + 'x';
        QTest::newRow("two lines") << kApiV3Key + "\n\n";
        QTest::newRow("space inside") << QByteArray("a7cde1ZJB1kG2e7VfTs3 QzaWizur8Gb");
        QTest::newRow("leading space") << ' ' + kApiV3Key;
    }
    void apiV3KeyMustBe32Characters() {
        QFETCH(QByteArray, contents);
        WechatConfig c = config();
        c.apiV3KeyPath = test::writeFileWithMode(m_dir, QStringLiteral("bad.key"), contents, 0600);
        Result<WechatClientSettings> s = WechatClientSettings::fromConfig(c);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, QStringLiteral("wechat.apiv3_key_invalid"));
        QVERIFY(s.error().message.contains(QStringLiteral("bad.key")));
        QVERIFY(s.error().message.contains(QStringLiteral("32")));
        QVERIFY(!s.error().message.contains(QString::fromLatin1(kApiV3Key.left(20))));
    }

    void apiV3KeyWithoutNewlineOrWithCrLf() {
        WechatConfig c = config();
        c.apiV3KeyPath =
            test::writeFileWithMode(m_dir, QStringLiteral("plain.key"), kApiV3Key, 0600);
        QVERIFY(WechatClientSettings::fromConfig(c).ok());
        c.apiV3KeyPath =
            test::writeFileWithMode(m_dir, QStringLiteral("crlf.key"), kApiV3Key + "\r\n", 0600);
        QVERIFY(WechatClientSettings::fromConfig(c).ok());
    }

    void secretFilesMustBePrivate() {
        WechatConfig c = config();
        c.apiV3KeyPath =
            test::writeFileWithMode(m_dir, QStringLiteral("open.key"), kApiV3Key, 0644);
        Result<WechatClientSettings> s = WechatClientSettings::fromConfig(c);
        QVERIFY(!s.ok());
        QVERIFY(s.error().message.contains(QStringLiteral("chmod 600")));

        c = config();
        c.merchantPrivateKeyPath = test::writeFileWithMode(m_dir, QStringLiteral("open.pem"),
                                                           m_merchant.toPkcs8Pem(), 0640);
        s = WechatClientSettings::fromConfig(c);
        QVERIFY(!s.ok());
        QVERIFY(s.error().message.contains(QStringLiteral("chmod 600")));
    }

    void missingPiecesAreNamed() {
        WechatConfig c = config();
        c.wechatpayPublicKeyId.clear();
        Result<WechatClientSettings> s = WechatClientSettings::fromConfig(c);
        QVERIFY(!s.ok());
        QVERIFY(s.error().message.contains(QStringLiteral("wechatpay_public_key_id")));

        c = config();
        c.wechatpayPublicKeyPath = m_dir.file(QStringLiteral("nowhere.pem"));
        s = WechatClientSettings::fromConfig(c);
        QVERIFY(!s.ok());
        QVERIFY(s.error().message.contains(QStringLiteral("nowhere.pem")));
    }

    void validateChecksEachPart() {
        Result<WechatClientSettings> loaded = WechatClientSettings::fromConfig(config());
        QVERIFY(loaded.ok());
        const WechatClientSettings good = *loaded;
        auto refused = [](const WechatClientSettings& s, const char* mention) {
            const Status v = s.validate();
            return !v.ok() && v.error().code == QStringLiteral("wechat.settings_invalid") &&
                   v.error().message.contains(QLatin1String(mention));
        };
        WechatClientSettings s = good;
        s.gatewayUrl = QUrl(QStringLiteral("http://api.mch.weixin.qq.com"));
        QVERIFY(refused(s, "gateway_url"));
        s.gatewayUrl = QUrl(QStringLiteral("http://127.0.0.1:8080"));
        QVERIFY(s.validate().ok());
        s.gatewayUrl = QUrl(QStringLiteral("not a url"));
        QVERIFY(refused(s, "gateway_url"));
        s = good;
        s.mchId.clear();
        QVERIFY(refused(s, "mch_id"));
        s = good;
        s.appId.clear();
        QVERIFY(refused(s, "app_id"));
        s = good;
        s.merchantPrivateKey = crypto::RsaPrivateKey();
        QVERIFY(refused(s, "merchant_private_key"));
        s = good;
        s.merchantSerialNo.clear();
        QVERIFY(refused(s, "merchant_serial_no"));
        s = good;
        s.apiV3Key.chop(1);
        QVERIFY(refused(s, "apiv3_key_file"));
        s = good;
        s.platformKeys.clear();
        QVERIFY(refused(s, "wechatpay_public_key"));
        s = good;
        s.platformKeys[0].id.clear();
        QVERIFY(refused(s, "wechatpay_public_key_id"));
        s = good;
        s.requestTimeout = std::chrono::milliseconds(0);
        QVERIFY(refused(s, "timeout_ms"));
    }
};

QTEST_GUILESS_MAIN(TestWechatSettings)
#include "tst_wechat_settings.moc"
