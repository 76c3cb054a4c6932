// The demo shop of `qpos --sandbox`: the sandbox on a thread of its own, a client built from
// alipaySettings() alone, the simulated buyer, faults set through the shop, clean shutdown.

#include "core/gateways/alipay/AlipayClient.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/SandboxShop.h"
#include "tests/support/GatewayAwait.h"
#include "tests/support/TempDir.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>
#include <QThread>

#include <functional>
#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::gateway;
using namespace qpos::sandbox;
using qpos::test::await;

namespace {

std::unique_ptr<SandboxShop> startShop(SandboxShopOptions options = {}) {
    Result<std::unique_ptr<SandboxShop>> shop = SandboxShop::start(std::move(options));
    if (!shop)
        qFatal("the demo shop did not start: %s", qPrintable(shop.error().message));
    return std::move(shop).value();
}

} // namespace

class TestSandboxShop : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxShop> m_shop;
    std::unique_ptr<alipay::AlipayClient> m_client;
    int m_sequence = 0;

    QString nextNo() {
        return QStringLiteral("SHOP%1_%2")
            .arg(QDateTime::currentMSecsSinceEpoch())
            .arg(++m_sequence);
    }

    std::optional<GatewayResult<QrOrder>> precreate(const QString& no) {
        const QrOrderRequest request{no,
                                     888,
                                     QStringLiteral("Demo"),
                                     0,
                                     QStringLiteral("S01"),
                                     QStringLiteral("T01"),
                                     QStringLiteral("C01")};
        return await<QrOrder>([&](QObject* ctx, Completion<QrOrder> done) {
            m_client->createQrOrder(request, ctx, done);
        });
    }
    std::optional<GatewayResult<TradeSnapshot>> query(const QString& no) {
        return await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            m_client->queryTrade(TradeRef{no, {}}, ctx, done);
        });
    }
    std::optional<AlipayTrade> sandboxTrade(const QString& no) {
        std::optional<AlipayTrade> trade;
        m_shop->withServer([&](SandboxServer& server) { trade = server.alipay().trade(no); });
        return trade;
    }
    // Every call posted to the sandbox thread before this one has run when it returns.
    void drainSandbox() {
        m_shop->withServer([](SandboxServer&) {});
    }

private slots:
    void initTestCase() {
        m_shop = startShop();
        Result<std::unique_ptr<alipay::AlipayClient>> client =
            alipay::AlipayClient::create(m_shop->alipaySettings());
        QVERIFY2(client.ok(), client ? "" : qPrintable(client.error().message));
        m_client = std::move(client).value();
    }
    void cleanupTestCase() {
        m_client.reset();
        m_shop.reset();
    }
    void cleanup() { m_shop->clearFaults(); }

    void settingsAreCompleteAndLoopback() {
        const alipay::AlipayClientSettings s = m_shop->alipaySettings();
        QVERIFY(s.validate().ok());
        QCOMPARE(s.appId, QStringLiteral("2021000000000001"));
        QCOMPARE(s.appId, m_shop->alipayAppId());
        QCOMPARE(s.gatewayUrl.host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(s.gatewayUrl.port(), m_shop->baseUrl().port());
        QVERIFY(m_shop->baseUrl().port() > 0);
        QVERIFY(s.notifyUrl.isEmpty());
        QVERIFY(!s.certMode());
        QVERIFY(!s.appPrivateKey.isNull());
        std::optional<QByteArray> sandboxKey;
        m_shop->withServer(
            [&](SandboxServer& server) { sandboxKey = server.alipay().alipayPublicKey().toPem(); });
        QCOMPARE(s.alipayPublicKey.toPem(), *sandboxKey);
    }

    void serverRunsOnItsOwnThread() {
        QThread* sandboxThread = nullptr;
        QThread* serverThread = nullptr;
        m_shop->withServer([&](SandboxServer& server) {
            sandboxThread = QThread::currentThread();
            serverThread = server.thread();
        });
        QVERIFY(sandboxThread != nullptr);
        QCOMPARE(serverThread, sandboxThread);
        QVERIFY(sandboxThread != QThread::currentThread());
    }

    void buyerPaysThroughTheShop() {
        const QString no = nextNo();
        const auto created = precreate(no);
        QVERIFY(created && created->isSuccess());
        QVERIFY(!created->value().qrCode.isEmpty());

        m_shop->buyer().buyerPays(Channel::Alipay, no);
        drainSandbox();
        QCOMPARE(sandboxTrade(no)->status, AlipayTradeStatus::Success);

        const auto q = query(no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Paid);
        QCOMPARE(q->value().totalFen, money::Fen(888));
    }

    void buyerCancelsThroughTheShop() {
        const QString no = nextNo();
        const auto created = precreate(no);
        QVERIFY(created && created->isSuccess());

        m_shop->buyer().buyerCancels(Channel::Alipay, no);
        drainSandbox();
        QCOMPARE(sandboxTrade(no)->status, AlipayTradeStatus::Closed);

        // A later payment is refused by the sandbox: only logged, the trade stays closed.
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("simulated buyer: pay .*refused")));
        m_shop->buyer().buyerPays(Channel::Alipay, no);
        drainSandbox();
        QCOMPARE(sandboxTrade(no)->status, AlipayTradeStatus::Closed);
        const auto q = query(no);
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Closed);
    }

    void unknownTradeIsOnlyLogged() {
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("simulated buyer: pay NO_SUCH_TRADE "
                                                               "refused")));
        m_shop->buyer().buyerPays(Channel::Alipay, QStringLiteral("NO_SUCH_TRADE"));
        drainSandbox();
        QVERIFY(!sandboxTrade(QStringLiteral("NO_SUCH_TRADE")).has_value());
    }

    void faultAddedThroughTheShopIsApplied() {
        FaultRule rule;
        rule.kind = FaultKind::SystemError;
        rule.method = QStringLiteral("alipay.trade.precreate");
        const int id = m_shop->addFault(rule);
        QVERIFY(id > 0);

        QString no = nextNo();
        auto created = precreate(no);
        QVERIFY(created);
        QVERIFY2(created->isUnknown(), qPrintable(outcomeKindName(created->kind())));
        QVERIFY(!sandboxTrade(no).has_value()); // refused before it was applied

        // Used up: the next one goes through.
        no = nextNo();
        created = precreate(no);
        QVERIFY(created && created->isSuccess());

        // clearFaults() removes a fault without limit.
        rule.remaining = -1;
        QVERIFY(m_shop->addFault(rule) > id);
        created = precreate(nextNo());
        QVERIFY(created && created->isUnknown());
        m_shop->clearFaults();
        created = precreate(nextNo());
        QVERIFY(created && created->isSuccess());
    }

    void optionsAreSetOnTheSandboxThread() {
        const AlipayOptions before = m_shop->alipayOptions();
        AlipayOptions options = before;
        options.qrBaseUrl = QStringLiteral("https://qr.alipay.com/demo/");
        m_shop->setAlipayOptions(options);
        QCOMPARE(m_shop->alipayOptions().qrBaseUrl, options.qrBaseUrl);
        const auto created = precreate(nextNo());
        QVERIFY(created && created->isSuccess());
        QVERIFY2(created->value().qrCode.startsWith(options.qrBaseUrl),
                 qPrintable(created->value().qrCode));
        m_shop->setAlipayOptions(before);
    }

    void keysGoToKeyDirWhenGiven() {
        test::TempDir dir;
        SandboxShopOptions options;
        options.keyDir = dir.path();
        options.alipayAppId = QStringLiteral("2021000000000002");
        std::unique_ptr<SandboxShop> shop = startShop(options);
        QCOMPARE(shop->alipayAppId(), options.alipayAppId);
        QVERIFY(QFileInfo::exists(dir.file(QStringLiteral("alipay_private_key.pem"))));
    }

    void busyPortIsAClearError() {
        SandboxShopOptions options;
        options.port = static_cast<quint16>(m_shop->baseUrl().port());
        const Result<std::unique_ptr<SandboxShop>> second = SandboxShop::start(options);
        QVERIFY(!second.ok());
        QCOMPARE(second.error().code, QStringLiteral("sandbox.listen"));
        QVERIFY(second.error().message.contains(QString::number(options.port)));
    }

    void slowStartIsAClearErrorAndCleansUp() {
        // No wait at all: key generation alone takes longer. The shop is still torn down
        // cleanly once its start has ended.
        SandboxShopOptions options;
        options.startTimeoutMs = 0;
        const Result<std::unique_ptr<SandboxShop>> shop = SandboxShop::start(options);
        QVERIFY(!shop.ok());
        QCOMPARE(shop.error().code, QStringLiteral("sandbox.start_timeout"));
        QVERIFY(!shop.error().message.isEmpty());
    }

    void destructionStopsTheServer() {
        std::unique_ptr<SandboxShop> shop = startShop();
        const QUrl base = shop->baseUrl();
        {
            QTcpSocket socket;
            socket.connectToHost(base.host(), static_cast<quint16>(base.port()));
            QVERIFY(socket.waitForConnected(5000));
        }
        // A buyer call still queued when the shop goes is dropped or done, never a crash.
        shop->buyer().buyerPays(Channel::Alipay, QStringLiteral("LATE"));
        shop.reset();

        QTcpSocket socket;
        socket.connectToHost(base.host(), static_cast<quint16>(base.port()));
        QVERIFY(!socket.waitForConnected(2000));
        QCOMPARE(socket.error(), QAbstractSocket::ConnectionRefusedError);
    }
};

QTEST_MAIN(TestSandboxShop)
#include "tst_sandbox_shop.moc"
