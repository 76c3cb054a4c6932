// The connection to the providers over the sandbox's HTTPS: the sandbox CA trusted only by the
// sandbox's client settings, a clear failure without it, one kept-alive connection and one
// TLS handshake for many checkouts (counted on the sandbox's side), and the warm-up opening a
// fresh connection after an idle period, before the Charge.

#include "core/gateways/alipay/AlipayClient.h"
#include "core/gateways/ConnectionSettings.h"
#include "core/gateways/GatewayErrors.h"
#include "core/gateways/wechat/WechatClient.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/SandboxShop.h"
#include "sandbox/tls/SandboxCa.h"
#include "tests/support/GatewayAwait.h"
#include "tests/support/TempDir.h"
#include "tests/support/WaitUntil.h"

#include <QDateTime>
#include <QFile>
#include <QTest>

#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::gateway;
using namespace qpos::sandbox;
using qpos::test::await;
using qpos::test::waitUntil;

class TestSandboxHttps : public QObject {
    Q_OBJECT

    test::TempDir m_keys;
    std::unique_ptr<SandboxShop> m_shop;
    int m_sequence = 0;

    QString nextNo() {
        return QStringLiteral("TLS%1_%2")
            .arg(QDateTime::currentMSecsSinceEpoch())
            .arg(++m_sequence);
    }

    std::unique_ptr<alipay::AlipayClient> alipayClient(alipay::AlipayClientSettings settings) {
        Result<std::unique_ptr<alipay::AlipayClient>> client =
            alipay::AlipayClient::create(std::move(settings));
        if (!client)
            qFatal("no client: %s", qPrintable(client.error().message));
        return std::move(client).value();
    }

    static std::optional<GatewayResult<QrOrder>> charge(PaymentGateway& gateway,
                                                        const QString& no) {
        const QrOrderRequest request{no, 1288, QStringLiteral("Tea"), 0, {}, {}, {}};
        return await<QrOrder>([&](QObject* ctx, Completion<QrOrder> done) {
            gateway.createQrOrder(request, ctx, done);
        });
    }
    static std::optional<GatewayResult<TradeSnapshot>> query(PaymentGateway& gateway,
                                                             const QString& no) {
        return await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            gateway.queryTrade(TradeRef{no, {}}, ctx, done);
        });
    }

private slots:
    void initTestCase() {
        SandboxShopOptions options;
        options.keyDir = m_keys.path();
        options.connection.https = true;
        Result<std::unique_ptr<SandboxShop>> shop = SandboxShop::start(options);
        QVERIFY2(shop.ok(), shop ? "" : qPrintable(shop.error().message));
        m_shop = std::move(shop).value();
    }
    void cleanupTestCase() { m_shop.reset(); }
    void cleanup() { m_shop->setConnectionDelays(0, 0); }

    void servesHttpsWithItsOwnCa() {
        QCOMPARE(m_shop->baseUrl().scheme(), QStringLiteral("https"));
        QVERIFY(!m_shop->caCertificate().isNull());
        QVERIFY(m_shop->caCertificate().isSelfSigned());
        // The CA a till's [network] ca_file names is written to the key directory.
        Result<QList<QSslCertificate>> written = loadCaFile(m_keys.file(sandboxCaFileName()));
        QVERIFY2(written.ok(), written ? "" : qPrintable(written.error().message));
        QCOMPARE(written->constFirst(), m_shop->caCertificate());
        // Only the sandbox's settings trust it; the system's store does not.
        QVERIFY(!QSslConfiguration::systemCaCertificates().contains(m_shop->caCertificate()));
    }

    void checkoutSucceedsWithTheSandboxCaTrusted() {
        auto alipay = alipayClient(m_shop->alipaySettings());
        const QString no = nextNo();
        const auto created = charge(*alipay, no);
        QVERIFY(created);
        QVERIFY2(created->isSuccess(),
                 created->isUnknown() ? qPrintable(created->unknown().reason.message) : "");
        m_shop->buyer().buyerPays(Channel::Alipay, no);
        m_shop->withServer([](SandboxServer&) {});
        const auto paid = query(*alipay, no);
        QVERIFY(paid && paid->isSuccess());
        QCOMPARE(paid->value().state, TradeState::Paid);

        Result<std::unique_ptr<wechat::WechatClient>> wechat =
            wechat::WechatClient::create(m_shop->wechatSettings());
        QVERIFY(wechat.ok());
        const auto native = charge(**wechat, nextNo());
        QVERIFY(native);
        QVERIFY2(native->isSuccess(),
                 native->isUnknown() ? qPrintable(native->unknown().reason.message) : "");
    }

    void untrustedCaFailsWithAClearMessage() {
        alipay::AlipayClientSettings settings = m_shop->alipaySettings();
        settings.connection.extraCaCertificates.clear();
        auto alipay = alipayClient(settings);
        const int failedBefore = m_shop->connectionCounts().failedHandshakes;
        const auto created = charge(*alipay, nextNo());
        QVERIFY(created);
        QVERIFY(created->isUnknown());
        QCOMPARE(created->unknown().reason.code, QString::fromLatin1(errc::tlsFailed));
        QVERIFY2(created->unknown().reason.message.contains(u"secure connection to Alipay"),
                 qPrintable(created->unknown().reason.message));
        QVERIFY(waitUntil(
            [&] { return m_shop->connectionCounts().failedHandshakes > failedBefore; }, 5000));
    }

    void manyCheckoutsShareOneWarmConnection() {
        auto alipay = alipayClient(m_shop->alipaySettings());
        const ConnectionCounts before = m_shop->connectionCounts();
        alipay->warmUp();
        QVERIFY(waitUntil(
            [&] { return m_shop->connectionCounts().handshakes == before.handshakes + 1; }, 5000));
        constexpr int kCheckouts = 12;
        for (int i = 0; i < kCheckouts; ++i) {
            const QString no = nextNo();
            alipay->warmUp(); // the till warms up at every sale's first key: no new connection
            const auto created = charge(*alipay, no);
            QVERIFY(created && created->isSuccess());
            const auto waiting = query(*alipay, no);
            QVERIFY(waiting && waiting->isSuccess());
        }
        const ConnectionCounts after = m_shop->connectionCounts();
        QCOMPARE(after.requests - before.requests, 2 * kCheckouts);
        QCOMPARE(after.connections - before.connections, 1);
        QCOMPARE(after.handshakes - before.handshakes, 1);
    }

    void warmUpAfterIdleOpensTheConnectionBeforeCharge() {
        alipay::AlipayClientSettings settings = m_shop->alipaySettings();
        settings.connection.keepAlive = std::chrono::seconds(1);
        auto alipay = alipayClient(settings);
        QVERIFY(charge(*alipay, nextNo())->isSuccess());
        // Idle past the keep-alive: the client has closed its connection.
        QTest::qWait(2500);

        // A set-up delay long enough to tell whether Charge pays for a new connection.
        m_shop->setConnectionDelays(400, 0);
        const ConnectionCounts idle = m_shop->connectionCounts();
        alipay->warmUp(); // the cashier keys the first digit
        QVERIFY(waitUntil(
            [&] { return m_shop->connectionCounts().handshakes == idle.handshakes + 1; }, 5000));
        QCOMPARE(m_shop->connectionCounts().connections, idle.connections + 1);

        QElapsedTimer charged;
        charged.start();
        const auto created = charge(*alipay, nextNo());
        const qint64 chargeMs = charged.elapsed();
        QVERIFY(created && created->isSuccess());
        QCOMPARE(m_shop->connectionCounts().connections, idle.connections + 1);
        QCOMPARE(m_shop->connectionCounts().handshakes, idle.handshakes + 1);
        QVERIFY2(chargeMs < 400, qPrintable(QStringLiteral("Charge took %1 ms").arg(chargeMs)));
    }

    void caFileSettingLoadsOrSaysWhatToDo() {
        NetworkConfig config;
        config.caFile = m_keys.file(sandboxCaFileName());
        Result<ConnectionSettings> loaded = ConnectionSettings::fromConfig(config);
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->extraCaCertificates.size(), 1);

        config.caFile = m_keys.file(QStringLiteral("missing.pem"));
        Result<ConnectionSettings> missing = ConnectionSettings::fromConfig(config);
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.contains(u"[network] ca_file"));

        const QString notPem = m_keys.file(QStringLiteral("not.pem"));
        QFile file(notPem);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a certificate");
        file.close();
        config.caFile = notPem;
        Result<ConnectionSettings> garbage = ConnectionSettings::fromConfig(config);
        QVERIFY(!garbage.ok());
        QVERIFY(garbage.error().message.contains(u"no PEM certificate"));
    }
};

QTEST_GUILESS_MAIN(TestSandboxHttps)
#include "tst_sandbox_https.moc"
