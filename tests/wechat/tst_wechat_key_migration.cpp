// A merchant moving from WeChat Pay platform certificates to the WeChat Pay public key: both
// keys configured at once, Wechatpay-Serial on every request, and each answer and
// notification verified with the key its own Wechatpay-Serial names. The real WechatClient,
// loaded from files as the till loads it, against the sandbox's migration mode over loopback.

#include "core/gateways/wechat/WechatClient.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatSimulator.h"
#include "tests/sandbox/WechatTestClient.h"
#include "tests/support/AwaitedGatewayCalls.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestGatewayClient.h"

#include <QDateTime>
#include <QFile>
#include <QSet>
#include <QTest>

#include <memory>

using namespace qpos;
using namespace qpos::gateway;
using namespace qpos::sandbox;
using qpos::wechat::WechatClient;
using qpos::wechat::WechatClientSettings;

namespace {

const QString kMchId = QStringLiteral("1900000777");
const QString kAppId = QStringLiteral("wx7777777777777777");

bool writeFile(const QString& path, const QByteArray& bytes, bool secret = false) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return false;
    file.close();
    return !secret || file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
}

} // namespace

class TestWechatKeyMigration : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxServer> m_server;
    WechatMerchantCredentials m_merchant;
    std::unique_ptr<test::TempDir> m_keys;
    std::unique_ptr<test::WechatNotifyReceiver> m_receiver;
    int m_sequence = 0;

    WechatSimulator& sim() { return m_server->wechat(); }
    QString nextNo() {
        return QStringLiteral("KM%1_%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(++m_sequence);
    }

    // [wechat] with the WeChat Pay public key, the platform certificate, or both.
    WechatConfig config(bool publicKey, bool certificate) {
        WechatConfig c;
        c.enabled = true;
        c.gatewayUrl = m_server->baseUrl().toString();
        c.mchId = kMchId;
        c.appId = kAppId;
        c.merchantPrivateKeyPath = m_keys->file(QStringLiteral("apiclient_key.pem"));
        c.merchantSerialNo = m_merchant.serialNo;
        c.apiV3KeyPath = m_keys->file(QStringLiteral("apiv3.key"));
        if (publicKey) {
            c.wechatpayPublicKeyPath = m_keys->file(QStringLiteral("pub_key.pem"));
            c.wechatpayPublicKeyId = sim().platformKeyId();
        }
        if (certificate)
            c.platformCertPath = m_keys->file(QStringLiteral("wechatpay_platform.pem"));
        c.notifyUrl = QStringLiteral("https://shop.example.com/wechat/notify");
        c.timeoutMs = 5000;
        return c;
    }

    std::unique_ptr<WechatClient> client(bool publicKey, bool certificate) {
        Result<WechatClientSettings> s =
            WechatClientSettings::fromConfig(config(publicKey, certificate));
        if (!s)
            qFatal("settings: %s", qPrintable(s.error().message));
        test::useLoopbackTiming(s.value(), test::LoopbackTiming::sandbox());
        return test::createClient<WechatClient>(*s);
    }

    std::optional<GatewayResult<QrOrder>> native(WechatClient& c, const QString& no) {
        return test::createQrOrder(c, QrOrderRequest{no, 2500, QStringLiteral("Coffee"), 600,
                                                     QStringLiteral("S01"), QStringLiteral("T01"),
                                                     QStringLiteral("C01")});
    }

    static IncomingNotification incoming(const test::WechatNotifyReceiver::Received& received) {
        IncomingNotification n;
        n.body = received.body;
        for (const auto& [name, value] : received.headers)
            n.headers.insert(name.toLower(), value);
        return n;
    }

private slots:
    void init() {
        SandboxOptions options;
        options.wechat.notifyScale = 0.001;
        m_server = std::make_unique<SandboxServer>(options);
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0).ok());
        QVERIFY(sim().enableMigrationMode().ok());
        Result<WechatMerchantCredentials> merchant = sim().createMerchant(kMchId, kAppId);
        QVERIFY(merchant.ok());
        m_merchant = *merchant;
        m_receiver = std::make_unique<test::WechatNotifyReceiver>();
        QVERIFY(sim().setNotifyUrl(kMchId, m_receiver->url().toString()).ok());

        m_keys = std::make_unique<test::TempDir>();
        const WechatConfig c = config(true, true);
        QVERIFY(writeFile(c.merchantPrivateKeyPath, m_merchant.privateKey.toPkcs8Pem(), true));
        QVERIFY(writeFile(c.apiV3KeyPath, m_merchant.apiV3Key, true));
        QVERIFY(writeFile(c.wechatpayPublicKeyPath, sim().platformPublicKey().toPem()));
        QVERIFY(writeFile(c.platformCertPath, sim().platformCertificate().toPem()));
    }
    void cleanup() {
        m_server.reset();
        m_receiver.reset();
        m_keys.reset();
    }

    // A till that has moved to the public key asks for answers signed with it.
    void publicKeyTillIsAnsweredUnderThePublicKey() {
        auto c = client(true, false);
        const auto created = native(*c, nextNo());
        QVERIFY(created.has_value());
        QVERIFY2(created->isSuccess(), qPrintable(created->cashierMessage()));
        QCOMPARE(sim().lastRequestedSerial(), sim().platformKeyId().toLatin1());
    }

    // A till still on platform certificates names its certificate.
    void certificateTillIsAnsweredUnderItsCertificate() {
        auto c = client(false, true);
        const auto created = native(*c, nextNo());
        QVERIFY(created.has_value());
        QVERIFY2(created->isSuccess(), qPrintable(created->cashierMessage()));
        QCOMPARE(sim().lastRequestedSerial(), sim().platformCertificate().serialHex().toLatin1());
    }

    // With both keys, the till asks for the public key, and verifies notifications signed
    // with either key by the serial each one names.
    void bothKeysVerifyNotificationsSignedWithEither() {
        auto c = client(true, true);
        QSet<QByteArray> serials;
        for (int i = 0; i < 2; ++i) {
            m_receiver->clear();
            const QString no = nextNo();
            const auto created = native(*c, no);
            QVERIFY(created.has_value());
            QVERIFY2(created->isSuccess(), qPrintable(created->cashierMessage()));
            QCOMPARE(sim().lastRequestedSerial(), sim().platformKeyId().toLatin1());
            QVERIFY(sim().buyerPay(no).ok());
            QVERIFY(m_receiver->waitFor(1));
            const auto received = m_receiver->received().first();
            serials.insert(received.header("Wechatpay-Serial"));
            const NotificationOrderLookup lookup = [no](const QString& outTradeNo) {
                if (outTradeNo != no)
                    return std::optional<Order>();
                Order o;
                o.outTradeNo = no;
                o.amountFen = 2500;
                o.channel = Channel::WeChat;
                return std::optional<Order>(o);
            };
            Result<PaymentNotification> n = c->verifyNotification(incoming(received), lookup);
            QVERIFY2(n.ok(), n.ok() ? "" : qPrintable(n.error().code + u' ' + n.error().message));
            QCOMPARE(n->state, TradeState::Paid);
        }
        QCOMPARE(serials.size(), 2); // one under each key
    }

    // The till configured with only one of the keys does not trust what the other signed.
    void notificationUnderAnUnconfiguredKeyIsRefused() {
        auto c = client(true, false);
        bool refusedOne = false;
        for (int i = 0; i < 2; ++i) {
            m_receiver->clear();
            const QString no = nextNo();
            const auto created = native(*c, no);
            QVERIFY(created.has_value() && created->isSuccess());
            QVERIFY(sim().buyerPay(no).ok());
            QVERIFY(m_receiver->waitFor(1));
            const auto received = m_receiver->received().first();
            const NotificationOrderLookup any = [](const QString&) {
                return std::optional<Order>();
            };
            if (received.header("Wechatpay-Serial") != sim().platformKeyId().toLatin1()) {
                Result<PaymentNotification> n = c->verifyNotification(incoming(received), any);
                QVERIFY(!n.ok());
                QCOMPARE(n.error().code,
                         QString::fromLatin1(wechat::notification_errc::unknownSerial));
                refusedOne = true;
            }
        }
        QVERIFY(refusedOne);
    }

    void neitherKeyIsAClearError() {
        Result<WechatClientSettings> s = WechatClientSettings::fromConfig(config(false, false));
        QVERIFY(!s.ok());
        QVERIFY2(s.error().message.contains(u"platform_certificate"),
                 qPrintable(s.error().message));
    }
};

QTEST_GUILESS_MAIN(TestWechatKeyMigration)
#include "tst_wechat_key_migration.moc"
