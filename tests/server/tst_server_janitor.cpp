// The store server's Janitor end to end, on SQLite and on PostgreSQL (StoreUnderTest): a real till
// (PosService) enrolled on a real qpos-server, the sandbox's Alipay for both. A sale the buyer paid
// whose notification was lost stays pending at the till; the day's bill lists it paid. The server's
// reconciliation asks Alipay with the merchant's keys, which confirms, and queues a settle request
// for the till, which is offline: the difference stays open with that evidence. A forged answer
// from another terminal changes nothing. When the till links again it asks Alipay itself, commits
// the payment, answers, and the difference is resolved `automatic` with both answers as evidence.
// A bill line Alipay does not confirm stays open and nothing is sent for it. A till linked when
// the day is run settles at once, through its own query. The same with WeChat Pay Native, on
// the server's [wechat] merchant keys and the till's own, and for a sale the till recorded as
// failed that the buyer paid all the same.
#include "core/calendar/ChinaCalendar.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "core/gateways/wechat/WechatClient.h"
#include "core/link/LinkMessages.h"
#include "core/link/RequestSignature.h"
#include "core/link/TerminalCredentials.h"
#include "core/orders/OrderState.h"
#include "core/orders/OrderTransition.h"
#include "core/reconcile/ReconcileBatch.h"
#include "core/service/PosService.h"
#include "core/storage/OrderStore.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatOptions.h"
#include "sandbox/wechat/WechatSimulator.h"
#include "server/config/ServerConfigLoader.h"
#include "server/QposServer.h"
#include "server/reconcile/BillGateways.h"
#include "server/reconcile/ReconcileRunner.h"
#include "server/reconcile/ServerBatchStore.h"
#include "server/reconcile/ServerJanitor.h"
#include "server/reconcile/ServerLedger.h"
#include "server/reconcile/SettleRequests.h"
#include "server/terminals/TerminalAdmin.h"
#include "tests/sandbox/NotifyReceiver.h"
#include "tests/sandbox/SandboxClientSettings.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/AwaitedGatewayCalls.h"
#include "tests/support/CrossThreadSignalSpy.h"
#include "tests/support/TempDir.h"
#include "tests/support/WaitUntil.h"

#include <QDateTime>
#include <QFile>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>
#include <QWebSocket>

#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::reconcile;
using namespace qpos::server;

namespace {

const QString kApp = QStringLiteral("2021000000000999");
const QString kPid = QStringLiteral("2088000000000999");
const QString kMchId = QStringLiteral("1900000999");
const QString kWechatAppId = QStringLiteral("wx9999999999999999");
const link::TerminalIdentity kT07{QStringLiteral("S001"), QStringLiteral("T07")};
const link::TerminalIdentity kT08{QStringLiteral("S001"), QStringLiteral("T08")};

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

bool writeFile(const QString& path, const QByteArray& bytes, bool secret) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(bytes) != bytes.size())
        return false;
    f.close();
    return !secret || f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

const StoredItem* itemOf(const QList<StoredItem>& items, const QString& outTradeNo) {
    for (const StoredItem& i : items) {
        if (i.item.outTradeNo == outTradeNo)
            return &i;
    }
    return nullptr;
}

} // namespace

class TestServerJanitor : public QObject {
    Q_OBJECT

    test::TempDir m_dir;
    test::StoreUnderTest m_backend{m_dir};
    std::unique_ptr<sandbox::SandboxServer> m_sandbox;
    std::unique_ptr<test::NotifyReceiver> m_notify;
    std::unique_ptr<QposServer> m_server;
    std::unique_ptr<service::PosService> m_till;
    crypto::RsaPrivateKey m_appKey;
    sandbox::WechatMerchantCredentials m_merchant;
    link::EnrollmentCode m_t08;
    QString m_configPath;
    QDate m_day;

    QString tillDatabase() const { return m_dir.file(QStringLiteral("till.db")); }

    // The till's clients of the providers; their notifications go elsewhere, so the till
    // never hears them.
    alipay::AlipayClientSettings alipaySettings() const {
        alipay::AlipayClientSettings s;
        s.gatewayUrl = m_sandbox->alipay().gatewayUrl();
        s.appId = kApp;
        s.appPrivateKey = m_appKey;
        s.alipayPublicKey = m_sandbox->alipay().alipayPublicKey();
        s.notifyUrl = m_notify->url().toString();
        s.requestTimeout = std::chrono::milliseconds(5000);
        return s;
    }

    wechat::WechatClientSettings wechatSettings() const {
        return test::wechatSandboxSettings(*m_sandbox, m_merchant, m_notify->url().toString(),
                                           test::LoopbackTiming::engine());
    }

    service::PosOptions tillOptions() {
        service::PosOptions o;
        o.config.store.id = kT07.storeId;
        o.config.terminal.id = kT07.terminalId;
        o.config.database.path = tillDatabase();
        o.config.checkout.qrTimeoutS = 120;
        o.config.storeServer.url = QStringLiteral("http://127.0.0.1:%1").arg(m_server->port());
        o.config.storeServer.credentialsPath = m_dir.file(QStringLiteral("cred.json"));
        const alipay::AlipayClientSettings s = alipaySettings();
        const wechat::WechatClientSettings w = wechatSettings();
        o.makeGateways = [s, w]() -> Result<service::GatewayList> {
            Result<std::unique_ptr<alipay::AlipayClient>> client = alipay::AlipayClient::create(s);
            if (!client)
                return client.error();
            Result<std::unique_ptr<wechat::WechatClient>> wechatClient =
                wechat::WechatClient::create(w);
            if (!wechatClient)
                return wechatClient.error();
            service::GatewayList list;
            list.push_back(std::move(client).value());
            list.push_back(std::move(wechatClient).value());
            return list;
        };
        // Polling, and recovery's retries, stay out of the way: only a provider's answer to a
        // query the till makes moves its order.
        o.policy.poll.fastInterval = std::chrono::hours(1);
        o.policy.poll.slowInterval = std::chrono::hours(1);
        o.policy.recoveryRetry = std::chrono::hours(1);
        o.link.push.backoff = {50, 400, 20};
        o.link.upload.backoff = {50, 400, 20};
        o.link.upload.idleCheckMs = 100;
        return o;
    }

    service::PosReady startTill() {
        m_till = std::make_unique<service::PosService>(tillOptions());
        test::CrossThreadSignalSpy ready(m_till.get(), &service::PosService::ready);
        m_till->start();
        if (!test::waitUntil([&] { return !ready.isEmpty(); }, 30000))
            qFatal("the till did not start");
        const service::PosReady r = ready.takeFirst().at(0).value<service::PosReady>();
        if (!r.error.isEmpty())
            qFatal("%s", qPrintable(r.error));
        return r;
    }

    // A QR sale the buyer pays; its notification goes elsewhere, so the till has it pending.
    QString paidSaleNotHeard(money::Fen fen, Channel channel = Channel::Alipay) {
        test::CrossThreadSignalSpy updates(m_till.get(), &service::PosService::checkoutUpdated);
        NewOrder order;
        order.channel = channel;
        order.amountFen = fen;
        order.subject = QStringLiteral("Tea");
        order.cashierId = QStringLiteral("1001");
        m_till->startQrCheckout(QStringLiteral("r%1").arg(fen), order);
        QString outTradeNo;
        test::waitUntil([&] {
            for (const QList<QVariant>& args : std::as_const(updates)) {
                const auto u = args.at(0).value<checkout::CheckoutUpdate>();
                if (u.phase == checkout::CheckoutPhase::Waiting)
                    outTradeNo = u.outTradeNo;
            }
            return !outTradeNo.isEmpty();
        });
        const qsizetype before = m_notify->received().size();
        const bool paid = channel == Channel::Alipay
                              ? m_sandbox->alipay().buyerPay(outTradeNo).ok()
                              : m_sandbox->wechat().buyerPay(outTradeNo).ok();
        if (outTradeNo.isEmpty() || !paid || !m_notify->waitFor(int(before) + 1))
            qFatal("no paid sale");
        return outTradeNo;
    }

    // The till's order state, read on a connection of our own.
    QString tillState(const QString& outTradeNo) {
        const QString name = QStringLiteral("probe");
        int state = -1;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(tillDatabase());
            if (db.open()) {
                QSqlQuery q(db);
                q.prepare(QStringLiteral("SELECT state FROM orders WHERE out_trade_no = ?"));
                q.addBindValue(outTradeNo);
                if (q.exec() && q.next())
                    state = q.value(0).toInt();
            }
        }
        QSqlDatabase::removeDatabase(name);
        return state < 0 ? QString() : orderStateName(static_cast<OrderState>(state));
    }

    // The source of the till's last change of the order and the state it left.
    QString tillLastChange(const QString& outTradeNo) {
        const QString name = QStringLiteral("probe");
        QString change;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(tillDatabase());
            if (db.open()) {
                QSqlQuery q(db);
                q.prepare(QStringLiteral(
                    "SELECT e.source, e.old_state FROM order_events e JOIN orders o "
                    "ON o.id = e.order_id WHERE o.out_trade_no = ? ORDER BY e.id DESC LIMIT 1"));
                q.addBindValue(outTradeNo);
                if (q.exec() && q.next())
                    change = q.value(0).toString() + QStringLiteral(" from ") +
                             orderStateName(static_cast<OrderState>(q.value(1).toInt()));
            }
        }
        QSqlDatabase::removeDatabase(name);
        return change;
    }

    // While the till is down: it took a refusal for the answer to `outTradeNo` (as its engine
    // records one), though the buyer paid.
    bool recordRefusedWhileDown(const QString& outTradeNo) {
        OrderStore store(OrderStoreOptions{kT07.storeId, kT07.terminalId, {}});
        if (!store.open(tillDatabase()).ok())
            return false;
        OrderTransition t;
        t.outTradeNo = outTradeNo;
        t.to = OrderState::Failed;
        t.source = TransitionSource::Request;
        t.actor = QStringLiteral("engine");
        t.note = QStringLiteral("refused");
        return store.apply(t).ok();
    }

    // Waits until the store server holds the till's order in `state` (its upload came).
    bool serverHas(const QString& outTradeNo, OrderState state) {
        return test::waitUntil(
            [&] {
                Result<std::optional<ServerOrder>> order = m_server->store().order(outTradeNo);
                return order && order->has_value() && (*order)->state == state;
            },
            30000);
    }

    // Waits until the day's item of `outTradeNo` is resolved automatically.
    bool resolvedAutomatically(const QString& outTradeNo, Channel channel) {
        return test::waitUntil(
            [&] {
                const QList<StoredItem> now = dayItems(channel);
                const StoredItem* i = itemOf(now, outTradeNo);
                return i && i->resolution == ItemResolution::Automatic;
            },
            60000);
    }

    // `qpos-server reconcile` of the day, in this process, with the server's Janitor.
    int reconcile(Channel channel = Channel::Alipay) {
        Result<ServerConfig> config = ServerConfigLoader::load(m_configPath);
        if (!config)
            qFatal("%s", qPrintable(config.error().message));
        Result<std::unique_ptr<gateway::PaymentGateway>> gateway = billGateway(*config, channel);
        if (!gateway)
            qFatal("%s", qPrintable(gateway.error().message));
        const QMap<Channel, gateway::PaymentGateway*> gateways{{channel, gateway->get()}};
        const QMap<Channel, QString> merchants = reconcileMerchants(*config);
        ServerLedger ledger(m_server->store(), merchants);
        ServerJanitor janitor(gateways, m_server->store(), m_server->batches(), nowMs,
                              [this](qint64 terminal) { m_server->deliverPending(terminal); });
        ReconcileRunOptions options;
        options.day = m_day;
        options.providers = {channel};
        options.billDirectory = m_dir.file(QStringLiteral("bills"));
        options.janitor = &janitor;
        ReconcileRunner runner(gateways, ledger, m_server->batches(), merchants, options);
        QObject::connect(&runner, &ReconcileRunner::tried,
                         [&](Channel, const DailyRunOutcome& outcome) {
                             if (outcome.state == BatchState::Complete)
                                 QVERIFY(janitor.resolveAnswered(outcome.batchId).ok());
                         });
        QSignalSpy finished(&runner, &ReconcileRunner::finished);
        runner.start();
        if (!test::waitUntil([&] { return !finished.isEmpty(); }, 60000))
            return -1;
        return finished.at(0).at(0).toInt();
    }

    QList<StoredItem> dayItems(Channel channel = Channel::Alipay) {
        const Result<QList<StoredBatch>> batches = m_server->batches().batches(m_day, m_day);
        if (!batches)
            return {};
        for (const StoredBatch& b : *batches) {
            if (b.provider == channel)
                return *m_server->batches().items(b.id);
        }
        return {};
    }

    // A refund the provider makes without the till: a manager's on its merchant platform.
    bool refundAtTheProvider(Channel channel, const QString& outTradeNo, const QString& refundNo,
                             money::Fen fen, money::Fen total) {
        std::unique_ptr<gateway::PaymentGateway> client;
        if (channel == Channel::Alipay) {
            Result<std::unique_ptr<alipay::AlipayClient>> a =
                alipay::AlipayClient::create(alipaySettings());
            if (!a)
                return false;
            client = std::move(a).value();
        } else {
            Result<std::unique_ptr<wechat::WechatClient>> w =
                wechat::WechatClient::create(wechatSettings());
            if (!w)
                return false;
            client = std::move(w).value();
        }
        const auto made = test::refundTrade(*client, outTradeNo, refundNo, fen, total);
        return made && made->isSuccess() && made->value().state == gateway::RefundState::Refunded;
    }

    qint64 terminalRow(const link::TerminalIdentity& t) {
        return (*m_server->store().terminal(t))->rowId;
    }

private slots:
    void initTestCase() {
        const qint64 now = nowMs();
        // Every sale of the suite on one China day.
        if (china_calendar::dayEndMs(china_calendar::dateOf(now)) - now < 300'000)
            QTest::qWait(301'000);
        m_day = china_calendar::dateOf(nowMs());
        QPOS_PREPARE_STORE(m_backend);
        qInfo().noquote() << "server store:" << m_backend.name();

        m_sandbox = std::make_unique<sandbox::SandboxServer>();
        QVERIFY(m_sandbox->listen().ok());
        m_notify = std::make_unique<test::NotifyReceiver>();
        Result<crypto::RsaPrivateKey> appKey = m_sandbox->alipay().createApp(kApp, kPid);
        QVERIFY(appKey.ok());
        m_appKey = *appKey;
        QVERIFY(
            writeFile(m_dir.file(QStringLiteral("app_private.pem")), m_appKey.toPkcs8Pem(), true));
        QVERIFY(writeFile(m_dir.file(QStringLiteral("alipay_public.pem")),
                          m_sandbox->alipay().alipayPublicKey().toPem(), false));
        Result<sandbox::WechatMerchantCredentials> merchant =
            m_sandbox->wechat().createMerchant(kMchId, kWechatAppId);
        QVERIFY(merchant.ok());
        m_merchant = *merchant;
        // WeChat Pay posts to the order's notify_url, which is not the till's, as Alipay does.
        sandbox::WechatOptions wechatOptions = m_sandbox->wechat().options();
        wechatOptions.notifyRequestUrl = true;
        m_sandbox->wechat().setOptions(wechatOptions);
        QVERIFY(writeFile(m_dir.file(QStringLiteral("apiclient_key.pem")),
                          m_merchant.privateKey.toPkcs8Pem(), true));
        QVERIFY(writeFile(m_dir.file(QStringLiteral("apiv3.key")), m_merchant.apiV3Key, true));
        QVERIFY(writeFile(m_dir.file(QStringLiteral("wechatpay_public.pem")),
                          m_sandbox->wechat().platformPublicKey().toPem(), false));
        m_configPath = m_dir.file(QStringLiteral("server.ini"));
        QVERIFY(writeFile(
            m_configPath,
            m_backend.databaseSection() +
                "[reconcile]\nbill_dir = " + m_dir.file(QStringLiteral("bills")).toUtf8() +
                "\n[alipay]\nenabled = true\napp_id = " + kApp.toUtf8() +
                "\nseller_id = " + kPid.toUtf8() +
                "\ngateway_url = " + m_sandbox->alipay().gatewayUrl().toString().toUtf8() +
                "\nalipay_public_key = alipay_public.pem\n"
                "app_private_key = app_private.pem\n"
                "[wechat]\nenabled = true\nmch_id = " +
                kMchId.toUtf8() + "\napp_id = " + kWechatAppId.toUtf8() +
                "\ngateway_url = " + m_sandbox->baseUrl().toString().toUtf8() +
                "\nmerchant_private_key = apiclient_key.pem\nmerchant_serial_no = " +
                m_merchant.serialNo.toUtf8() +
                "\napiv3_key_file = apiv3.key\nwechatpay_public_key = wechatpay_public.pem\n"
                "wechatpay_public_key_id = " +
                m_sandbox->wechat().platformKeyId().toUtf8() + '\n',
            false));

        m_server = std::make_unique<QposServer>(m_backend.makeStore(), ProviderVerifiers(),
                                                QposServer::Options());
        QVERIFY(m_server->start().ok());
        const QUrl base(QStringLiteral("http://127.0.0.1:%1/").arg(m_server->port()));
        TerminalAdmin admin(m_server->store(), base, QString(), 86400 * 1000LL);
        Result<link::EnrollmentCode> t07 = admin.add(kT07, nowMs());
        QVERIFY(t07.ok());
        const link::TerminalCredentials credentials{t07->terminal, t07->secret, {}};
        QVERIFY(credentials.write(m_dir.file(QStringLiteral("cred.json"))).ok());
        Result<link::EnrollmentCode> t08 = admin.add(kT08, nowMs());
        QVERIFY(t08.ok());
        m_t08 = *t08;
    }

    void cleanupTestCase() {
        m_till.reset();
        m_server.reset();
        m_notify.reset();
        m_sandbox.reset();
    }

    void aPaymentTheTillMissedIsSettledOverThePushLink() {
        startTill();
        const QString sale = paidSaleNotHeard(1550);
        QCOMPARE(tillState(sale), QStringLiteral("pending"));
        // The till goes away before it learns of the payment.
        m_till.reset();

        // A line of the bill for an order of this store that Alipay does not have.
        const QString unknown = kT07.outTradeNoPrefix() + QStringLiteral("20261204_99999999");
        sandbox::FaultRule foreign;
        foreign.kind = sandbox::FaultKind::BillForeignTrade;
        foreign.provider = QStringLiteral("alipay");
        foreign.billDate = m_day;
        foreign.remaining = -1;
        foreign.outTradeNo = unknown;
        foreign.amountFen = 500;
        m_sandbox->faults().add(foreign);

        QCOMPARE(reconcile(), 0);
        QList<StoredItem> items = dayItems();
        const StoredItem* settled = itemOf(items, sale);
        QVERIFY(settled);
        QCOMPARE(settled->item.kind, DifferenceClass::ProviderOnly);
        QCOMPARE(settled->resolution, ItemResolution::Open); // the till is offline
        QVERIFY2(settled->evidence.contains(QStringLiteral("TRADE_SUCCESS 15.50")) &&
                     settled->evidence.endsWith(QStringLiteral("settle sent to S001/T07, waiting")),
                 qPrintable(settled->evidence));
        const StoredItem* unconfirmed = itemOf(items, unknown);
        QVERIFY(unconfirmed);
        QCOMPARE(unconfirmed->resolution, ItemResolution::Open);
        QVERIFY2(unconfirmed->evidence.startsWith(QStringLiteral("alipay.trade.query")) &&
                     !unconfirmed->evidence.contains(QStringLiteral("settle sent")),
                 qPrintable(unconfirmed->evidence));
        // One request, for the sale only; nothing for the line Alipay does not confirm.
        SettleRequests requests(m_server->store());
        const QList<SettleRequestRecord> pending = *requests.pending(terminalRow(kT07));
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending[0].outTradeNo, sale);

        // Another terminal answers the request as if it were its own: refused, nothing moves.
        QWebSocket forger;
        QNetworkRequest upgrade(
            QUrl(QStringLiteral("ws://127.0.0.1:%1/v1/link").arg(m_server->port())));
        upgrade.setRawHeader("Authorization", *link::authorizationHeader(kT08, m_t08.secret, "GET",
                                                                         "/v1/link", {}, nowMs()));
        QSignalSpy hello(&forger, &QWebSocket::textMessageReceived);
        forger.open(upgrade);
        QVERIFY(test::waitUntil([&] { return !hello.isEmpty(); }));
        link::SettleAnswer forged;
        forged.id = pending[0].id;
        forged.result = link::SettleAnswer::Result::Applied;
        forged.state = QStringLiteral("paid");
        forged.providerState = QStringLiteral("TRADE_SUCCESS");
        forger.sendTextMessage(QString::fromUtf8(link::encodeLinkMessage(forged)));
        QVERIFY(test::waitUntil([&] {
            return m_server->metrics().refusals(QStringLiteral("auth.wrong_terminal")) == 1;
        }));
        forger.close();
        QCOMPARE(requests.pending(terminalRow(kT07))->size(), 1);
        QCOMPARE(itemOf(dayItems(), sale)->resolution, ItemResolution::Open);

        // The till links again: it asks Alipay itself, commits, answers; the item is resolved.
        startTill();
        QVERIFY(test::waitUntil(
            [&] {
                const QList<StoredItem> now = dayItems();
                const StoredItem* i = itemOf(now, sale);
                return i && i->resolution == ItemResolution::Automatic;
            },
            60000));
        QCOMPARE(tillState(sale), QStringLiteral("paid"));
        items = dayItems();
        settled = itemOf(items, sale);
        QCOMPARE(settled->resolvedBy, QStringLiteral("janitor"));
        QVERIFY2(
            settled->evidence.startsWith(QStringLiteral("alipay.trade.query: TRADE_SUCCESS")) &&
                settled->evidence.contains(
                    QStringLiteral("till S001/T07 settled: order paid (its provider: "
                                   "TRADE_SUCCESS)")),
            qPrintable(settled->evidence));
        QVERIFY(requests.pending(terminalRow(kT07))->isEmpty());
        QCOMPARE(itemOf(items, unknown)->resolution, ItemResolution::Open);
        QCOMPARE(m_server->batches().batch(items[0].batchId)->value().openItemCount, 1);
    }

    // The till is linked when the day is run: the request reaches it at once, and its own
    // query, not its recovery nor its polling, moves the order.
    void aLinkedTillSettlesAtOnceThroughItsOwnQuery() {
        QVERIFY(m_till);
        const QString sale = paidSaleNotHeard(1660);
        // Restarted while Alipay cannot answer a query: its recovery leaves the order pending,
        // and no checkout of it runs.
        m_till.reset();
        sandbox::FaultRule unanswered;
        unanswered.kind = sandbox::FaultKind::SystemError;
        unanswered.method = QStringLiteral("alipay.trade.query");
        unanswered.remaining = -1;
        const int fault = m_sandbox->faults().add(unanswered);
        QCOMPARE(startTill().recovery.unresolved, 1);
        QVERIFY(m_sandbox->faults().remove(fault));
        QCOMPARE(tillState(sale), QStringLiteral("pending"));

        QCOMPARE(reconcile(), 0);
        QVERIFY(test::waitUntil(
            [&] {
                const QList<StoredItem> now = dayItems();
                const StoredItem* i = itemOf(now, sale);
                return i && i->resolution == ItemResolution::Automatic;
            },
            60000));
        QCOMPARE(tillState(sale), QStringLiteral("paid"));
        const QList<StoredItem> items = dayItems();
        const StoredItem* settled = itemOf(items, sale);
        QCOMPARE(settled->item.kind, DifferenceClass::ProviderOnly);
        QVERIFY2(settled->evidence.startsWith(
                     QStringLiteral("alipay.trade.query: TRADE_SUCCESS 16.60")) &&
                     settled->evidence.contains(
                         QStringLiteral("till S001/T07 settled: order paid (its provider: "
                                        "TRADE_SUCCESS)")),
                 qPrintable(settled->evidence));
        QVERIFY(SettleRequests(m_server->store()).pending(terminalRow(kT07))->isEmpty());
    }

    void aWechatPaymentTheTillMissedIsSettledOverThePushLink() {
        QVERIFY(m_till);
        const QString sale = paidSaleNotHeard(1770, Channel::WeChat);
        QCOMPARE(tillState(sale), QStringLiteral("pending"));
        m_till.reset();

        QCOMPARE(reconcile(Channel::WeChat), 0);
        QList<StoredItem> items = dayItems(Channel::WeChat);
        const StoredItem* waiting = itemOf(items, sale);
        QVERIFY(waiting);
        QCOMPARE(waiting->item.kind, DifferenceClass::ProviderOnly);
        QCOMPARE(waiting->item.providerState, QStringLiteral("SUCCESS"));
        QCOMPARE(waiting->resolution, ItemResolution::Open); // the till is offline
        QVERIFY2(waiting->evidence.startsWith(
                     QStringLiteral("wechatpay transactions query: SUCCESS 17.70, trade_no ")) &&
                     waiting->evidence.endsWith(QStringLiteral("settle sent to S001/T07, waiting")),
                 qPrintable(waiting->evidence));
        SettleRequests requests(m_server->store());
        const QList<SettleRequestRecord> pending = *requests.pending(terminalRow(kT07));
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending[0].outTradeNo, sale);
        QCOMPARE(pending[0].provider, Channel::WeChat);

        // The till links again, asks WeChat Pay itself, commits and answers.
        startTill();
        QVERIFY(resolvedAutomatically(sale, Channel::WeChat));
        QCOMPARE(tillState(sale), QStringLiteral("paid"));
        items = dayItems(Channel::WeChat);
        const StoredItem* settled = itemOf(items, sale);
        QCOMPARE(settled->resolvedBy, QStringLiteral("janitor"));
        QVERIFY2(settled->evidence.startsWith(
                     QStringLiteral("wechatpay transactions query: SUCCESS 17.70")) &&
                     settled->evidence.contains(QStringLiteral(
                         "till S001/T07 settled: order paid (its provider: SUCCESS)")),
                 qPrintable(settled->evidence));
        QVERIFY(requests.pending(terminalRow(kT07))->isEmpty());
    }

    // Linked when the day is run, the till settles through its own query: its recovery could
    // not ask (WeChat Pay's query failed), and its polling is hours away.
    void aLinkedTillSettlesAWechatPaymentThroughItsOwnQuery() {
        QVERIFY(m_till);
        const QString sale = paidSaleNotHeard(1880, Channel::WeChat);
        m_till.reset();
        sandbox::FaultRule unanswered;
        unanswered.kind = sandbox::FaultKind::SystemError;
        unanswered.provider = QStringLiteral("wechat");
        unanswered.method = QStringLiteral("query");
        unanswered.remaining = -1;
        const int fault = m_sandbox->faults().add(unanswered);
        QCOMPARE(startTill().recovery.unresolved, 1);
        QVERIFY(m_sandbox->faults().remove(fault));
        QCOMPARE(tillState(sale), QStringLiteral("pending"));

        QCOMPARE(reconcile(Channel::WeChat), 0);
        QVERIFY(resolvedAutomatically(sale, Channel::WeChat));
        QCOMPARE(tillState(sale), QStringLiteral("paid"));
        QCOMPARE(tillLastChange(sale), QStringLiteral("reconcile from pending"));
        const QList<StoredItem> items = dayItems(Channel::WeChat);
        const StoredItem* settled = itemOf(items, sale);
        QCOMPARE(settled->item.kind, DifferenceClass::ProviderOnly);
        QVERIFY2(settled->evidence.startsWith(
                     QStringLiteral("wechatpay transactions query: SUCCESS 18.80")) &&
                     settled->evidence.contains(QStringLiteral(
                         "till S001/T07 settled: order paid (its provider: SUCCESS)")),
                 qPrintable(settled->evidence));
        QVERIFY(SettleRequests(m_server->store()).pending(terminalRow(kT07))->isEmpty());
    }

    // The till took a refusal for the answer, yet the buyer paid: failed at the till and in the
    // server's ledger, SUCCESS at WeChat Pay and in its bill. Nothing but the till's own query,
    // sent by the server's Janitor, makes the order paid.
    void aWechatSaleTheTillHadAsFailedIsPaidThroughItsOwnQuery() {
        QVERIFY(m_till);
        const QString sale = paidSaleNotHeard(1990, Channel::WeChat);
        m_till.reset();
        QVERIFY(recordRefusedWhileDown(sale));
        QCOMPARE(startTill().recovery.unresolved, 0); // a failed order is not recovered
        QVERIFY(serverHas(sale, OrderState::Failed));
        QCOMPARE(tillState(sale), QStringLiteral("failed"));

        QCOMPARE(reconcile(Channel::WeChat), 0);
        QVERIFY(resolvedAutomatically(sale, Channel::WeChat));
        QCOMPARE(tillState(sale), QStringLiteral("paid"));
        QCOMPARE(tillLastChange(sale), QStringLiteral("reconcile from failed"));
        const QList<StoredItem> items = dayItems(Channel::WeChat);
        const StoredItem* settled = itemOf(items, sale);
        QCOMPARE(settled->item.kind, DifferenceClass::ProviderOnly);
        QCOMPARE(settled->item.localState, QStringLiteral("failed"));
        QCOMPARE(settled->resolvedBy, QStringLiteral("janitor"));
        QVERIFY2(settled->evidence.startsWith(
                     QStringLiteral("wechatpay transactions query: SUCCESS 19.90")) &&
                     settled->evidence.contains(QStringLiteral(
                         "till S001/T07 settled: order paid (its provider: SUCCESS)")),
                 qPrintable(settled->evidence));
        // The paid state reaches the server's ledger too.
        QVERIFY(serverHas(sale, OrderState::Paid));
    }

    // A manager refunded part of a paid sale on the provider's merchant platform: the provider
    // made the refund and its bill lists it; neither the till nor the server heard of it. The
    // server asks the provider about that refund with its own keys, then the till asks with its
    // own, records it from the signed answer and uploads it; the next run finds nothing.
    void aRefundMadeAtTheProviderIsRecordedByTheTillThroughItsOwnQuery_data() {
        QTest::addColumn<QString>("provider");
        QTest::newRow("alipay") << QStringLiteral("alipay");
        QTest::newRow("wechat") << QStringLiteral("wechat");
    }

    void aRefundMadeAtTheProviderIsRecordedByTheTillThroughItsOwnQuery() {
        QFETCH(QString, provider);
        const Channel channel = provider == u"alipay" ? Channel::Alipay : Channel::WeChat;
        if (!m_till)
            startTill();
        const QString sale = paidSaleNotHeard(channel == Channel::Alipay ? 2100 : 2200, channel);
        // Restarted, the till's recovery asks WeChat Pay and records the sale paid.
        m_till.reset();
        QCOMPARE(startTill().recovery.unresolved, 0);
        QCOMPARE(tillState(sale), QStringLiteral("paid"));
        QVERIFY(serverHas(sale, OrderState::Paid));

        const QString refundNo = QStringLiteral("MP") + sale.right(8);
        const money::Fen total = channel == Channel::Alipay ? 2100 : 2200;
        QVERIFY(refundAtTheProvider(channel, sale, refundNo, 300, total));
        QCOMPARE(reconcile(channel), 0);
        const auto refundItem = [&]() -> std::optional<StoredItem> {
            for (const StoredItem& i : dayItems(channel)) {
                if (i.item.kind == DifferenceClass::Refund && i.item.outRequestNo == refundNo)
                    return i;
            }
            return std::nullopt;
        };
        QVERIFY(refundItem());
        QCOMPARE(refundItem()->item.outTradeNo, sale);
        QVERIFY(refundItem()->item.localState.isEmpty());
        QCOMPARE(refundItem()->item.providerAmountFen, money::Fen(300));
        QVERIFY(test::waitUntil(
            [&] {
                const std::optional<StoredItem> i = refundItem();
                return i && i->resolution == ItemResolution::Automatic;
            },
            60000));
        const StoredItem settled = *refundItem();
        QCOMPARE(settled.resolvedBy, QStringLiteral("janitor"));
        const QString expected =
            channel == Channel::Alipay
                ? QStringLiteral("alipay.trade.fastpay.refund.query: REFUND_SUCCESS 3.00; till "
                                 "S001/T07 settled: refund %1 succeeded (its provider: "
                                 "REFUND_SUCCESS)")
                : QStringLiteral("wechatpay refund query: SUCCESS 3.00; till S001/T07 settled: "
                                 "refund %1 succeeded (its provider: SUCCESS)");
        QVERIFY2(settled.evidence == expected.arg(refundNo), qPrintable(settled.evidence));
        QCOMPARE(tillState(sale), QStringLiteral("partially_refunded"));
        QCOMPARE(tillLastChange(sale), QStringLiteral("reconcile from paid"));
        QVERIFY(SettleRequests(m_server->store()).pending(terminalRow(kT07))->isEmpty());

        // The till's upload names the provider's refund number: the server's ledger holds the
        // refund as the bill does, and running the day again finds no difference about it.
        QVERIFY(serverHas(sale, OrderState::PartiallyRefunded));
        QCOMPARE(reconcile(channel), 0);
        QVERIFY(!refundItem());
    }
};

QTEST_GUILESS_MAIN(TestServerJanitor)
#include "tst_server_janitor.moc"
