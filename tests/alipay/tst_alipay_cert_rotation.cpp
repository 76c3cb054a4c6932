// Alipay certificate mode (公钥证书) when Alipay renews its certificate: the real
// AlipayClient, loaded from files as the till loads it, against the sandbox over loopback
// HTTP. The renewed certificate is downloaded, checked against the root, kept beside the
// configured one and used to verify the answer; a forged one is refused.

#include "core/crypto/AlipayCertSn.h"
#include "core/crypto/CertificateIssuer.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/faults/FaultPlan.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "tests/sandbox/NotifyReceiver.h"
#include "tests/support/AwaitedGatewayCalls.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestGatewayClient.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTest>

#include <memory>

using namespace qpos;
using namespace qpos::alipay;
using namespace qpos::gateway;
using namespace qpos::sandbox;

namespace {

const QString kAppId = QStringLiteral("2021000000000888");
const QString kAuthCode = QStringLiteral("287951669656380001");

bool writeFile(const QString& path, const QByteArray& bytes, bool secret = false) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return false;
    file.close();
    return !secret || file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
}

} // namespace

class TestAlipayCertRotation : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxServer> m_server;
    crypto::RsaPrivateKey m_appKey;
    std::unique_ptr<test::TempDir> m_keys;
    QString m_notifyUrl;
    int m_sequence = 0;

    AlipaySimulator& sim() { return m_server->alipay(); }

    QString nextNo() {
        return QStringLiteral("CR%1_%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(++m_sequence);
    }

    // The [alipay] section of a till in certificate mode, with the files the merchant
    // downloaded from Alipay's console today.
    AlipayConfig config() {
        AlipayConfig c;
        c.enabled = true;
        c.gatewayUrl = sim().gatewayUrl().toString();
        c.appId = kAppId;
        c.appPrivateKeyPath = m_keys->file(QStringLiteral("app_private_key.pem"));
        c.certMode = true;
        c.appCertPath = m_keys->file(QStringLiteral("appCertPublicKey.crt"));
        c.alipayCertPath = m_keys->file(QStringLiteral("alipayCertPublicKey_RSA2.crt"));
        c.alipayRootCertPath = m_keys->file(QStringLiteral("alipayRootCert.crt"));
        c.signType = QStringLiteral("RSA2");
        c.notifyUrl = m_notifyUrl;
        c.timeoutMs = 5000;
        return c;
    }

    std::unique_ptr<AlipayClient> client() {
        Result<AlipayClientSettings> s = AlipayClientSettings::fromConfig(config());
        if (!s)
            qFatal("settings: %s", qPrintable(s.error().message));
        test::useLoopbackTiming(s.value(), test::LoopbackTiming::sandbox());
        return test::createClient<AlipayClient>(*s);
    }

    std::optional<GatewayResult<TradeSnapshot>> pay(AlipayClient& c, const QString& no) {
        return test::payByCode(c, PayByCodeRequest{no, 1234, QStringLiteral("Tea"), kAuthCode,
                                                   QStringLiteral("S01"), QStringLiteral("T01"),
                                                   QStringLiteral("C01")});
    }

    QString renewedFile(const QString& certSn) const {
        return m_keys->file(AlipayCertificates::fileNameFor(certSn));
    }

private slots:
    void init() {
        SandboxOptions options;
        options.alipay.notifyScale = 0.0001;
        m_server = std::make_unique<SandboxServer>(options);
        m_notifyUrl.clear();
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0).ok());
        QVERIFY(sim().enableCertificateMode().ok());
        sim().setPayBehaviour(AlipayPayBehaviour::Immediate);
        Result<crypto::RsaPrivateKey> key = sim().createApp(kAppId);
        QVERIFY(key.ok());
        m_appKey = *key;

        m_keys = std::make_unique<test::TempDir>();
        QVERIFY(writeFile(config().appPrivateKeyPath, m_appKey.toPkcs8Pem(), true));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        Result<crypto::X509Certificate> appCert = crypto::issueCertificate(
            m_appKey.publicKey(), crypto::CertificateSubject{kAppId, {}, {}, QStringLiteral("CN")},
            crypto::CertificateTerms{QStringLiteral("0A"), now.addDays(-1), now.addDays(30), false},
            sim().rootCertificate(), m_appKey); // who signs the app's certificate is not checked
        QVERIFY(appCert.ok());
        QVERIFY(writeFile(config().appCertPath, appCert->toPem()));
        QVERIFY(writeFile(config().alipayCertPath, sim().alipayCertificate().toPem()));
        QVERIFY(writeFile(config().alipayRootCertPath, sim().rootCertificate().toPem()));
    }
    void cleanup() {
        m_server.reset();
        m_keys.reset();
    }

    void answersUnderTheConfiguredCertificateSettle() {
        auto c = client();
        const auto paid = pay(*c, nextNo());
        QVERIFY(paid.has_value());
        QVERIFY2(paid->isSuccess(), qPrintable(paid->cashierMessage()));
        QCOMPARE(paid->value().state, TradeState::Paid);
    }

    // The till has only the old certificate; Alipay answers under its renewed one.
    void paymentAnsweredUnderRenewedCertificateSettles() {
        auto c = client();
        const QString oldSn = crypto::alipayCertSn(sim().alipayCertificate());
        Result<QString> renewed = sim().rotateCertificate();
        QVERIFY(renewed.ok());
        QVERIFY(*renewed != oldSn);

        const QString no = nextNo();
        const auto paid = pay(*c, no);
        QVERIFY(paid.has_value());
        QVERIFY2(paid->isSuccess(), qPrintable(paid->cashierMessage()));
        QCOMPARE(paid->value().state, TradeState::Paid);
        QCOMPARE(paid->value().outTradeNo, no);

        // Kept beside the configured certificate, and trusted from now on.
        QVERIFY(QFile::exists(renewedFile(*renewed)));
        QVERIFY(c->settings().certificates->keyFor(*renewed).has_value());
        const auto again = test::queryTrade(*c, no);
        QVERIFY(again.has_value() && again->isSuccess());
        QCOMPARE(again->value().state, TradeState::Paid);
    }

    // Notifications name no certificate: once the renewed one is trusted, they verify with it.
    void notificationUnderRenewedCertificateVerifies() {
        test::NotifyReceiver receiver;
        m_notifyUrl = receiver.url().toString();
        auto c = client();
        QVERIFY(sim().rotateCertificate().ok());
        const QString no = nextNo();
        const auto paid = pay(*c, no);
        QVERIFY(paid.has_value() && paid->isSuccess());
        QVERIFY(receiver.waitFor(1, 10000));
        const NotificationOrderLookup lookup = [no](const QString& outTradeNo) {
            if (outTradeNo != no)
                return std::optional<Order>();
            Order o;
            o.outTradeNo = no;
            o.amountFen = 1234;
            o.channel = Channel::Alipay;
            return std::optional<Order>(o);
        };
        Result<PaymentNotification> n = c->verifyNotification(
            IncomingNotification{receiver.received().constFirst().body, {}}, lookup);
        QVERIFY2(n.ok(), n.ok() ? "" : qPrintable(n.error().code));
        QCOMPARE(n->state, TradeState::Paid);
    }

    // A restarted till verifies with the certificate it fetched before, without asking.
    void restartKeepsTheFetchedCertificate() {
        const QString no = nextNo();
        Result<QString> renewed = Error{};
        {
            auto c = client();
            renewed = sim().rotateCertificate();
            QVERIFY(renewed.ok());
            const auto paid = pay(*c, no);
            QVERIFY(paid.has_value() && paid->isSuccess());
        }
        Result<AlipayClientSettings> restarted = AlipayClientSettings::fromConfig(config());
        QVERIFY2(restarted.ok(), qPrintable(restarted ? QString() : restarted.error().message));
        QVERIFY(restarted->certificates->knownSns().contains(*renewed));
        QCOMPARE(restarted->certificates->keyFor(*renewed)->toDer(),
                 sim().alipayCertificate().publicKey()->toDer());

        // Alipay no longer serves the certificate, yet the restarted till verifies with it.
        auto c = client();
        m_server->faults().add(*FaultRule::fromSpec(
            QStringLiteral("http_error:method=alipay.open.app.alipaycert.download,count=-1")));
        const auto queried = test::queryTrade(*c, no);
        QVERIFY(queried.has_value());
        QVERIFY2(queried->isSuccess(), qPrintable(queried->cashierMessage()));
        QCOMPARE(queried->value().state, TradeState::Paid);
    }

    // A "renewed" certificate that does not chain to the Alipay root is never trusted: the
    // payment stays unknown, and nothing is kept.
    void certificateNotIssuedByTheRootIsRefused() {
        auto c = client();
        Result<QString> forged = sim().rotateCertificate(true);
        QVERIFY(forged.ok());

        const auto paid = pay(*c, nextNo());
        QVERIFY(paid.has_value());
        QVERIFY(paid->isUnknown());
        QCOMPARE(paid->unknown().reason.code, QStringLiteral("alipay.cert_sn_unknown"));
        QVERIFY2(paid->unknown().reason.message.contains(u"not issued by a trusted root"),
                 qPrintable(paid->unknown().reason.message));
        QVERIFY(!QFile::exists(renewedFile(*forged)));
        QVERIFY(!c->settings().certificates->keyFor(*forged).has_value());

        // A forged file put beside the keys is not trusted at the next start either.
        QVERIFY(writeFile(renewedFile(*forged), sim().alipayCertificate().toPem()));
        Result<AlipayClientSettings> restarted = AlipayClientSettings::fromConfig(config());
        QVERIFY(restarted.ok());
        QVERIFY(!restarted->certificates->keyFor(*forged).has_value());
    }
};

QTEST_GUILESS_MAIN(TestAlipayCertRotation)
#include "tst_alipay_cert_rotation.moc"
