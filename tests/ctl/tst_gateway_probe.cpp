// GatewayProbe (the doctor's gateway check) against the real AlipayClient and WechatClient and
// the in-process sandbox: each way a configuration can be wrong gets its own verdict.

#include "core/crypto/RsaPrivateKey.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "core/gateways/GatewayProbe.h"
#include "core/gateways/wechat/WechatClient.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/SandboxShop.h"

#include <QDeadlineTimer>
#include <QTcpServer>
#include <QTest>

#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::gateway;

namespace {

const QString kAppId = QStringLiteral("2021000000000888");

std::optional<ProbeResult> probe(const alipay::AlipayClientSettings& settings) {
    Result<std::unique_ptr<alipay::AlipayClient>> client = alipay::AlipayClient::create(settings);
    if (!client)
        qFatal("%s", qPrintable(client.error().message));
    std::optional<ProbeResult> result;
    QObject context;
    probeGateway(**client, &context, [&](const ProbeResult& r) { result = r; });
    QDeadlineTimer deadline(20000);
    while (!result && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    return result;
}

std::optional<ProbeResult> probe(const wechat::WechatClientSettings& settings) {
    Result<std::unique_ptr<wechat::WechatClient>> client = wechat::WechatClient::create(settings);
    if (!client)
        qFatal("%s", qPrintable(client.error().message));
    std::optional<ProbeResult> result;
    QObject context;
    probeGateway(**client, &context, [&](const ProbeResult& r) { result = r; });
    QDeadlineTimer deadline(20000);
    while (!result && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    return result;
}

} // namespace

class TestGatewayProbe : public QObject {
    Q_OBJECT

    std::unique_ptr<sandbox::SandboxServer> m_server;
    crypto::RsaPrivateKey m_appKey;

    alipay::AlipayClientSettings settings() {
        alipay::AlipayClientSettings s;
        s.gatewayUrl = m_server->alipay().gatewayUrl();
        s.appId = kAppId;
        s.appPrivateKey = m_appKey;
        s.alipayPublicKey = m_server->alipay().alipayPublicKey();
        s.requestTimeout = std::chrono::milliseconds(2000);
        s.retry.maxAttempts = 2;
        s.retry.initialBackoff = std::chrono::milliseconds(10);
        s.retry.maxBackoff = std::chrono::milliseconds(20);
        s.retry.deadline = std::chrono::milliseconds(4000);
        return s;
    }

private slots:
    void initTestCase() {
        m_server = std::make_unique<sandbox::SandboxServer>();
        QVERIFY(m_server->listen().ok());
        Result<crypto::RsaPrivateKey> key = m_server->alipay().createApp(kAppId);
        QVERIFY(key.ok());
        m_appKey = *key;
    }

    void cleanup() { m_server->faults().clear(); }

    void acceptedKeysAreOk() {
        const std::optional<ProbeResult> r = probe(settings());
        QVERIFY(r);
        QCOMPARE(probeVerdictName(r->verdict), QStringLiteral("ok"));
        QVERIFY2(r->detail.contains(u"not_created"), qPrintable(r->detail));
    }

    void aPrivateKeyAlipayDoesNotKnowIsOurKeyRefused() {
        alipay::AlipayClientSettings s = settings();
        Result<crypto::RsaPrivateKey> other = crypto::RsaPrivateKey::generate();
        QVERIFY(other.ok());
        s.appPrivateKey = *other;
        const std::optional<ProbeResult> r = probe(s);
        QVERIFY(r);
        QCOMPARE(probeVerdictName(r->verdict), QStringLiteral("our_key_refused"));
        QVERIFY2(r->message.contains(u"[alipay] app_private_key"), qPrintable(r->message));
    }

    void aWrongAlipayPublicKeyIsTheirKeyWrong() {
        alipay::AlipayClientSettings s = settings();
        s.alipayPublicKey = m_appKey.publicKey(); // the classic mix-up
        const std::optional<ProbeResult> r = probe(s);
        QVERIFY(r);
        QCOMPARE(probeVerdictName(r->verdict), QStringLiteral("their_key_wrong"));
        QVERIFY2(r->message.contains(u"[alipay] alipay_public_key"), qPrintable(r->message));
    }

    void aForgedAnswerIsTheirKeyWrong() {
        m_server->faults().add(
            *sandbox::FaultRule::fromSpec(QStringLiteral("bad_signature:count=-1")));
        const std::optional<ProbeResult> r = probe(settings());
        QVERIFY(r);
        QCOMPARE(probeVerdictName(r->verdict), QStringLiteral("their_key_wrong"));
    }

    void anUnknownAppIdIsAppUnknown() {
        alipay::AlipayClientSettings s = settings();
        s.appId = QStringLiteral("2021000000000999");
        const std::optional<ProbeResult> r = probe(s);
        QVERIFY(r);
        QCOMPARE(probeVerdictName(r->verdict), QStringLiteral("app_unknown"));
    }

    void aClosedPortIsUnreachable() {
        quint16 port = 0;
        {
            QTcpServer probePort;
            QVERIFY(probePort.listen(QHostAddress::LocalHost));
            port = probePort.serverPort();
        }
        alipay::AlipayClientSettings s = settings();
        s.gatewayUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/gateway.do").arg(port));
        const std::optional<ProbeResult> r = probe(s);
        QVERIFY(r);
        QCOMPARE(probeVerdictName(r->verdict), QStringLiteral("unreachable"));
    }

    void aBusyProviderIsInconclusive() {
        m_server->faults().add(
            *sandbox::FaultRule::fromSpec(QStringLiteral("service_unavailable:count=-1")));
        const std::optional<ProbeResult> r = probe(settings());
        QVERIFY(r);
        QCOMPARE(probeVerdictName(r->verdict), QStringLiteral("inconclusive"));
    }

    void onlyTheExactSubCodeMeansOurKey() {
        // "isv.invalid-signature-type" is about sign_type, not about the key.
        const auto unsignedRefusal = [](const QString& subCode) {
            return GatewayResult<TradeSnapshot>::unknown(
                Error{QStringLiteral("alipay.unsigned_response"),
                      QStringLiteral("Alipay's answer carries no signature (Alipay code 40002 %1).")
                          .arg(subCode)});
        };
        QCOMPARE(
            classifyProbe(Channel::Alipay, unsignedRefusal(QStringLiteral("isv.invalid-signature")))
                .verdict,
            ProbeVerdict::OurKeyRefused);
        QCOMPARE(classifyProbe(Channel::Alipay,
                               unsignedRefusal(QStringLiteral("isv.invalid-signature-type")))
                     .verdict,
                 ProbeVerdict::Refused);
    }

    // --- WeChat Pay (the demo shop's simulated provider, on its own thread)

    void wechatAcceptedKeysAreOk() {
        auto shop = sandbox::SandboxShop::start();
        QVERIFY(shop.ok());
        const std::optional<ProbeResult> r = probe((*shop)->wechatSettings());
        QVERIFY(r);
        QVERIFY2(r->verdict == ProbeVerdict::Ok, qPrintable(r->message + u' ' + r->detail));
        QVERIFY2(r->message.contains(u"[wechat] wechatpay_public_key"), qPrintable(r->message));
    }

    void wechatWrongPlatformKeyIsTheirKeyWrong() {
        auto shop = sandbox::SandboxShop::start();
        QVERIFY(shop.ok());
        wechat::WechatClientSettings s = (*shop)->wechatSettings();
        QVERIFY(!s.platformKeys.isEmpty());
        Result<crypto::RsaPrivateKey> other = crypto::RsaPrivateKey::generate();
        QVERIFY(other.ok());
        s.platformKeys.first().key = other->publicKey(); // the right id, another key
        const std::optional<ProbeResult> r = probe(s);
        QVERIFY(r);
        QCOMPARE(probeVerdictName(r->verdict), QStringLiteral("their_key_wrong"));
        QVERIFY2(r->message.contains(u"[wechat] wechatpay_public_key"), qPrintable(r->message));
    }

    void wechatUnknownMerchantKeyIsOurKeyRefused() {
        auto shop = sandbox::SandboxShop::start();
        QVERIFY(shop.ok());
        wechat::WechatClientSettings s = (*shop)->wechatSettings();
        Result<crypto::RsaPrivateKey> other = crypto::RsaPrivateKey::generate();
        QVERIFY(other.ok());
        s.merchantPrivateKey = *other;
        const std::optional<ProbeResult> r = probe(s);
        QVERIFY(r);
        QVERIFY2(r->detail.contains(u"SIGN_ERROR"), qPrintable(r->detail));
        // classifyProbe() reads only Alipay's isv.invalid-signature so far; WeChat's refusal
        // of the signature is HTTP 401 SIGN_ERROR. Remove this mark once it reads both.
        QCOMPARE(probeVerdictName(r->verdict), QStringLiteral("our_key_refused"));
        QVERIFY2(r->message.contains(u"[wechat] merchant_private_key"), qPrintable(r->message));
    }

    void probeNumbersAreFreshAndWellFormed() {
        const QString a = probeOrderNumber();
        const QString b = probeOrderNumber();
        QVERIFY(a != b);
        QVERIFY(a.size() <= 64);
        QVERIFY(a.startsWith(u"QPOSPROBE"));
    }
};

QTEST_GUILESS_MAIN(TestGatewayProbe)
#include "tst_gateway_probe.moc"
