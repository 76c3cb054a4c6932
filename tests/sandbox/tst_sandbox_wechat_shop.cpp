// The in-process demo shop's WeChat Pay side: the demo merchant's client settings work with
// the real WechatClient, and the SANDBOX banner's simulated buyer pays and cancels WeChat
// orders.
#include "core/gateways/wechat/WechatClient.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/SandboxShop.h"
#include "sandbox/wechat/WechatSimulator.h"
#include "tests/support/GatewayAwait.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QTest>

#include <functional>
#include <optional>

using namespace qpos;
using namespace qpos::gateway;
using namespace qpos::sandbox;
using qpos::test::await;

class TestSandboxWechatShop : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxShop> m_shop;
    std::unique_ptr<wechat::WechatClient> m_client;
    int m_sequence = 0;

    QString nextNo() {
        return QStringLiteral("WS%1_%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(++m_sequence);
    }
    std::optional<WechatTrade> sandboxTrade(const QString& no) {
        std::optional<WechatTrade> t;
        m_shop->withServer([&](SandboxServer& server) { t = server.wechat().trade(no); });
        return t;
    }
    std::optional<GatewayResult<QrOrder>> native(const QString& no) {
        const QrOrderRequest request{no, 888, QStringLiteral("Demo"), 0, {}, {}, {}};
        return await<QrOrder>([&](QObject* ctx, Completion<QrOrder> done) {
            m_client->createQrOrder(request, ctx, done);
        });
    }

private slots:
    void initTestCase() {
        Result<std::unique_ptr<SandboxShop>> shop = SandboxShop::start();
        QVERIFY2(shop.ok(), shop.ok() ? "" : qPrintable(shop.error().message));
        m_shop = std::move(shop).value();
    }

    void settingsMatchTheDemoMerchant() {
        const wechat::WechatClientSettings s = m_shop->wechatSettings();
        QCOMPARE(s.gatewayUrl, m_shop->baseUrl());
        QCOMPARE(s.mchId, QStringLiteral("1900000109"));
        QCOMPARE(s.appId, QStringLiteral("wx8888888888888888"));
        QCOMPARE(s.apiV3Key.size(), 32);
        QCOMPARE(s.platformKeys.size(), 1);
        QVERIFY(s.platformKeys.first().id.startsWith(u"PUB_KEY_ID_"));
        QCOMPARE(m_shop->wechatMchId(), s.mchId);
        std::optional<WechatMerchant> merchant;
        m_shop->withServer(
            [&](SandboxServer& server) { merchant = server.wechat().merchant(s.mchId); });
        QVERIFY(merchant);
        QVERIFY(merchant->notifyUrl.isEmpty());
        QCOMPARE(merchant->publicKey, s.merchantPrivateKey.publicKey());
        QCOMPARE(merchant->serialNo, s.merchantSerialNo);
        // The settings are complete as they are (no notify URL: the sandbox needs none).
        Result<std::unique_ptr<wechat::WechatClient>> made = wechat::WechatClient::create(s);
        QVERIFY2(made.ok(), made.ok() ? "" : qPrintable(made.error().message));
        m_client = std::move(made).value();
    }

    void buyerPaysAndCancels() {
        QVERIFY(m_client);
        QString no = nextNo();
        auto created = native(no);
        QVERIFY(created && created->isSuccess());
        m_shop->buyer().buyerPays(Channel::WeChat, no);
        QTRY_COMPARE(sandboxTrade(no)->state, WechatTradeState::Success);
        const auto q = await<TradeSnapshot>([&](QObject* ctx, Completion<TradeSnapshot> done) {
            m_client->queryTrade(TradeRef{no, {}}, ctx, done);
        });
        QVERIFY(q && q->isSuccess());
        QCOMPARE(q->value().state, TradeState::Paid);

        no = nextNo();
        created = native(no);
        QVERIFY(created && created->isSuccess());
        m_shop->buyer().buyerCancels(Channel::WeChat, no);
        QTRY_COMPARE(sandboxTrade(no)->state, WechatTradeState::Closed);

        // A refusal is only logged.
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("refused")));
        m_shop->buyer().buyerPays(Channel::WeChat, QStringLiteral("NO_SUCH_ORDER"));
        QTest::qWait(100);
    }

    void optionsAreThreadSafe() {
        WechatOptions o = m_shop->wechatOptions();
        o.refundProcessingMs = 1234;
        m_shop->setWechatOptions(o);
        QCOMPARE(m_shop->wechatOptions().refundProcessingMs, 1234);
    }
};

QTEST_GUILESS_MAIN(TestSandboxWechatShop)
#include "tst_sandbox_wechat_shop.moc"
