// `qpos-server reconcile` end to end, on SQLite and on PostgreSQL (StoreUnderTest): orders
// uploaded through the sync path, the sandbox's Alipay bill downloaded with the merchant's
// keys from the server's configuration, matched against the server's ledger and saved as a
// batch, the bill kept; a run again is the same batch; a WeChat Pay day without a bill holds
// the payment a till uploaded and D+2 reports it; --wait asks again until the deadline and
// then saves Overdue; missing signing keys and a bad command line say what to do.
#include "core/calendar/ChinaCalendar.h"
#include "core/reconcile/ReconcileBatch.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatSimulator.h"
#include "server/cli/ReconcileCommand.h"
#include "server/config/ServerConfigLoader.h"
#include "server/QposServer.h"
#include "server/reconcile/BillGateways.h"
#include "server/reconcile/ReconcileRunner.h"
#include "server/reconcile/ServerBatchStore.h"
#include "server/reconcile/ServerLedger.h"
#include "tests/sandbox/AlipayTestClient.h"
#include "tests/server/EnrolledTill.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace qpos;
using namespace qpos::reconcile;
using namespace qpos::sandbox;
using namespace qpos::server;
using namespace qpos::test;

namespace {

const QString kApp = QStringLiteral("2021000000000888");
const QString kPid = QStringLiteral("2088000000000888");
const QString kMchId = QStringLiteral("1900000888");
const QString kWechatAppId = QStringLiteral("wx8888888888888888");
const link::TerminalIdentity kT07{QStringLiteral("S001"), QStringLiteral("T07")};

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

} // namespace

class TestServerReconcileRun : public QObject {
    Q_OBJECT

    TempDir m_dir;
    StoreUnderTest m_backend{m_dir};
    std::unique_ptr<SandboxServer> m_sandbox;
    std::unique_ptr<AlipayTestClient> m_alipay;
    std::unique_ptr<QposServer> m_server;
    std::optional<EnrolledTill> m_till;
    QString m_configPath;
    QString m_wechatConfigPath; // the same server with [wechat] enabled too
    QDate m_day;
    int m_order = 0;
    qint64 m_seq = 0;

    QString billDir() const { return m_dir.file(QStringLiteral("bills")); }

    QString writeConfig(const QString& name, const QByteArray& alipayExtra) {
        const QString path = m_dir.file(name);
        const QByteArray text =
            m_backend.databaseSection() + "[reconcile]\nbill_dir = " + billDir().toUtf8() +
            "\nretry_seconds = 60\n[alipay]\nenabled = true\napp_id = " + kApp.toUtf8() +
            "\nseller_id = " + kPid.toUtf8() +
            "\ngateway_url = " + m_sandbox->alipay().gatewayUrl().toString().toUtf8() +
            "\nalipay_public_key = alipay_public.pem\n" + alipayExtra;
        return writeFile(path, text, false) ? path : QString();
    }

    // An order of T07 paid by the sandbox's buyer, uploaded as the till would, dated by the
    // provider's payment time (`at` when not paid there).
    QString paidAndUploaded(bool upload = true, bool pay = true,
                            const QString& channel = QStringLiteral("alipay"),
                            qint64 at = nowMs()) {
        const QString no = m_till->orderNo(++m_order);
        if (pay) {
            if (m_alipay->call(
                            QStringLiteral("alipay.trade.precreate"),
                            QJsonObject{{QStringLiteral("out_trade_no"), no},
                                        {QStringLiteral("total_amount"), QStringLiteral("12.34")},
                                        {QStringLiteral("subject"), QStringLiteral("Tea")}})
                        .code() != u"10000" ||
                !m_sandbox->alipay().buyerPay(no).ok())
                return {};
        }
        if (!upload)
            return no;
        qint64 paidAt = at;
        for (const AlipayTrade& t : m_sandbox->alipay().trades(kApp))
            if (t.outTradeNo == no)
                paidAt = t.paidMs;
        const qint64 first = m_seq + 1;
        m_seq += 2;
        const ServerAnswer a = m_till->upload(
            first, {{no, channel, 1234, 0, QStringLiteral("pending"), m_order * 10 + 1, at},
                    {no, channel, 1234, 0, QStringLiteral("paid"), m_order * 10 + 2, at,
                     QJsonObject{{QStringLiteral("paid_at_ms"), QString::number(paidAt)}}}});
        return a.httpStatus == 200 ? no : QString();
    }

    int runCommand(const QStringList& args, const QString& configPath = {}) {
        Result<ServerConfig> config =
            ServerConfigLoader::load(configPath.isEmpty() ? m_configPath : configPath);
        if (!config) {
            qWarning().noquote() << config.error().message;
            return -1;
        }
        return reconcileCommand(*config, QStringList{QStringLiteral("reconcile")} + args);
    }

private slots:
    void initTestCase() {
        QPOS_PREPARE_STORE(m_backend);
        qInfo().noquote() << "server store:" << m_backend.name();
        const qint64 now = nowMs();
        if (china_calendar::dayEndMs(china_calendar::dateOf(now)) - now < 120'000)
            QTest::qWait(121'000);
        m_day = china_calendar::dateOf(nowMs());

        SandboxOptions options;
        m_sandbox = std::make_unique<SandboxServer>(options);
        QVERIFY(m_sandbox->listen().ok());
        Result<crypto::RsaPrivateKey> appKey = m_sandbox->alipay().createApp(kApp, kPid);
        QVERIFY(appKey.ok());
        m_alipay = std::make_unique<AlipayTestClient>(m_sandbox->baseUrl(), kApp, *appKey,
                                                      m_sandbox->alipay().alipayPublicKey());
        QVERIFY(
            writeFile(m_dir.file(QStringLiteral("app_private.pem")), appKey->toPkcs8Pem(), true));
        QVERIFY(writeFile(m_dir.file(QStringLiteral("alipay_public.pem")),
                          m_sandbox->alipay().alipayPublicKey().toPem(), false));
        m_configPath =
            writeConfig(QStringLiteral("server.ini"), "app_private_key = app_private.pem\n");
        QVERIFY(!m_configPath.isEmpty());
        Result<WechatMerchantCredentials> merchant =
            m_sandbox->wechat().createMerchant(kMchId, kWechatAppId);
        QVERIFY(merchant.ok());
        QVERIFY(writeFile(m_dir.file(QStringLiteral("apiclient_key.pem")),
                          merchant->privateKey.toPkcs8Pem(), true));
        QVERIFY(writeFile(m_dir.file(QStringLiteral("apiv3.key")), merchant->apiV3Key, true));
        QVERIFY(writeFile(m_dir.file(QStringLiteral("wechatpay_public.pem")),
                          m_sandbox->wechat().platformPublicKey().toPem(), false));
        m_wechatConfigPath = writeConfig(
            QStringLiteral("server-wechat.ini"),
            "app_private_key = app_private.pem\n[wechat]\nenabled = true\nmch_id = " +
                kMchId.toUtf8() + "\napp_id = " + kWechatAppId.toUtf8() +
                "\ngateway_url = " + m_sandbox->baseUrl().toString().toUtf8() +
                "\nmerchant_private_key = apiclient_key.pem\nmerchant_serial_no = " +
                merchant->serialNo.toUtf8() +
                "\napiv3_key_file = apiv3.key\nwechatpay_public_key = wechatpay_public.pem\n"
                "wechatpay_public_key_id = " +
                m_sandbox->wechat().platformKeyId().toUtf8() + '\n');
        QVERIFY(!m_wechatConfigPath.isEmpty());

        // The server that takes the till's uploads, on the database the command reads.
        m_server = std::make_unique<QposServer>(m_backend.makeStore(), ProviderVerifiers(),
                                                QposServer::Options());
        QVERIFY(m_server->start().ok());
        Result<EnrolledTill> till = EnrolledTill::add(*m_server, kT07);
        QVERIFY(till.ok());
        m_till = *till;
    }

    void aDayIsReconciledFromTheServersLedgerAndKept() {
        const QString agreed = paidAndUploaded();
        const QString notUploaded = paidAndUploaded(false);
        // Paid here, not in the bill: held for the next two days' bills, not yet a difference.
        const QString onlyHere = paidAndUploaded(true, false);
        QVERIFY(!agreed.isEmpty() && !notUploaded.isEmpty() && !onlyHere.isEmpty());

        const QString date = m_day.toString(Qt::ISODate);
        QCOMPARE(runCommand({QStringLiteral("--date"), date, QStringLiteral("--provider"),
                             QStringLiteral("alipay")}),
                 0);
        ServerBatchStore& batches = m_server->batches();
        QList<StoredBatch> found = *batches.batches(m_day, m_day);
        QCOMPARE(found.size(), 1);
        const StoredBatch batch = found[0];
        QCOMPARE(batch.state, BatchState::Complete);
        QCOMPARE(batch.provider, Channel::Alipay);
        QCOMPARE(batch.merchantId, kPid);
        QCOMPARE(batch.totals.provider.paymentCount, 2);
        QCOMPARE(batch.totals.matched, 1);
        QCOMPARE(batch.totals.held, 1);
        const QList<StoredItem> items = *batches.items(batch.id);
        QCOMPARE(items.size(), 1);
        QCOMPARE(items[0].item.kind, DifferenceClass::ProviderOnly);
        QCOMPARE(items[0].item.outTradeNo, notUploaded);
        // The bill as Alipay served it, beside its hash.
        QVERIFY(batch.billFile.startsWith(billDir()));
        QFile kept(batch.billFile);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromLatin1(
                     QCryptographicHash::hash(kept.readAll(), QCryptographicHash::Sha256).toHex()),
                 batch.billSha256);
        QCOMPARE(batches.poolBefore(LedgerScope{Channel::Alipay, kPid}, m_day.addDays(1))
                     ->held.at(0)
                     .outTradeNo,
                 onlyHere);

        // Running the day again is the same batch.
        QCOMPARE(runCommand({QStringLiteral("--date"), date}), 0);
        found = *batches.batches(m_day, m_day);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].id, batch.id);
        QCOMPARE(found[0].attempts, 2);
    }

    // WeChat Pay has no bill of a day whose payments it does not have (NO_STATEMENT_EXIST),
    // yet a till uploaded one: "no bill" is an empty bill, so the run saves no_bill holding the
    // payment, D+1 (no bill either) keeps holding it, and D+2 reports it local_only, its order
    // looked up outside D+2's window.
    void aDayWithoutABillHoldsTheTillsPaymentThenReportsIt() {
        const QDate day = m_day.addDays(-6);
        const QString lost = paidAndUploaded(true, false, QStringLiteral("wechat"),
                                             china_calendar::dayStartMs(day) + 11 * 3600'000LL);
        QVERIFY(!lost.isEmpty());
        const LedgerScope scope{Channel::WeChat, kMchId};
        ServerBatchStore& batches = m_server->batches();
        auto batchOf = [&](const QDate& d) {
            const Result<QList<StoredBatch>> found = batches.batches(d, d);
            StoredBatch wechat;
            for (const StoredBatch& b : found.ok() ? *found : QList<StoredBatch>{})
                if (b.provider == Channel::WeChat)
                    wechat = b;
            return wechat;
        };
        auto run = [&](const QDate& d) {
            return runCommand({QStringLiteral("--date"), d.toString(Qt::ISODate),
                               QStringLiteral("--provider"), QStringLiteral("wechat")},
                              m_wechatConfigPath);
        };

        QCOMPARE(run(day), 0);
        StoredBatch batch = batchOf(day);
        QCOMPARE(batch.state, BatchState::NoBill);
        QCOMPARE(batch.merchantId, kMchId);
        QCOMPARE(batch.totals.provider, SideTotals{});
        QCOMPARE(batch.totals.local.paymentCount, 1);
        QCOMPARE(batch.totals.local.paymentFen, money::Fen(1234));
        QCOMPARE(batch.totals.held, 1);
        QCOMPARE(batch.itemCount, 0);
        QVERIFY(batch.billFile.isEmpty());
        QVERIFY(batch.billSha256.isEmpty());
        QCOMPARE(batches.poolBefore(scope, day.addDays(1))->held,
                 (QList<HeldEntry>{HeldEntry{PoolKind::Trade, lost, QString(), day}}));

        QCOMPARE(run(day.addDays(1)), 0);
        QCOMPARE(batchOf(day.addDays(1)).state, BatchState::NoBill);
        QCOMPARE(batchOf(day.addDays(1)).totals.held, 1);

        QCOMPARE(run(day.addDays(2)), 0);
        batch = batchOf(day.addDays(2));
        QCOMPARE(batch.state, BatchState::NoBill);
        QCOMPARE(batch.totals.local.paymentCount, 0);
        QCOMPARE(batch.totals.held, 0);
        QCOMPARE(batch.openItemCount, 1);
        const QList<StoredItem> items = *batches.items(batch.id);
        QCOMPARE(items.size(), 1);
        QCOMPARE(items[0].item.kind, DifferenceClass::LocalOnly);
        QCOMPARE(items[0].item.outTradeNo, lost);
        QCOMPARE(items[0].item.localAmountFen, money::Fen(1234));
        QCOMPARE(items[0].resolution, ItemResolution::Open);
        QVERIFY(batches.poolBefore(scope, day.addDays(3))->held.isEmpty());

        // D again: the same no-bill batch, still holding the payment.
        const qint64 first = batchOf(day).id;
        QCOMPARE(run(day), 0);
        QCOMPARE(batchOf(day).id, first);
        QCOMPARE(batchOf(day).attempts, 2);
        QCOMPARE(batchOf(day).totals.held, 1);
    }

    void waitingAsksAgainUntilTheDeadlineThenIsOverdue() {
        const QDate day = m_day.addDays(-3);
        FaultRule notReady;
        notReady.kind = FaultKind::BillNotReady;
        notReady.provider = QStringLiteral("alipay");
        notReady.billDate = day;
        notReady.remaining = -1;
        notReady.untilMs = nowMs() + 3600'000;
        const int rule = m_sandbox->faults().add(notReady);

        Result<ServerConfig> config = ServerConfigLoader::load(m_configPath);
        QVERIFY(config.ok());
        Result<std::unique_ptr<gateway::PaymentGateway>> gateway =
            billGateway(*config, Channel::Alipay);
        QVERIFY(gateway.ok());
        ServerLedger ledger(m_server->store(), reconcileMerchants(*config));
        ReconcileRunOptions options;
        options.day = day;
        options.providers = {Channel::Alipay};
        options.wait = true;
        options.retryMs = 300;
        options.deadlineMs = nowMs() + 1500;
        options.billDirectory = billDir();
        ReconcileRunner runner({{Channel::Alipay, gateway->get()}}, ledger, m_server->batches(),
                               reconcileMerchants(*config), options);
        QList<BatchState> states;
        connect(&runner, &ReconcileRunner::tried, this,
                [&](Channel, const DailyRunOutcome& o) { states << o.state; });
        QSignalSpy finished(&runner, &ReconcileRunner::finished);
        runner.start();
        QVERIFY(finished.wait(30000));
        m_sandbox->faults().remove(rule);
        QCOMPARE(finished.at(0).at(0).toInt(), 3);
        QVERIFY2(states.size() >= 3, qPrintable(QString::number(states.size())));
        QCOMPARE(states.last(), BatchState::Overdue);
        states.removeLast();
        for (BatchState s : std::as_const(states))
            QCOMPARE(s, BatchState::WaitingForBill);
        const QList<StoredBatch> found = *m_server->batches().batches(day, day);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0].state, BatchState::Overdue);
        QCOMPARE(found[0].attempts, states.size() + 1);
        QVERIFY(!found[0].error.isEmpty());
    }

    void missingSigningKeysAreNamed() {
        const QString path = writeConfig(QStringLiteral("no-key.ini"), "cert_mode = false\n");
        Result<ServerConfig> config = ServerConfigLoader::load(path);
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        Result<std::unique_ptr<gateway::PaymentGateway>> g = billGateway(*config, Channel::Alipay);
        QVERIFY(!g.ok());
        QCOMPARE(g.error().code, QStringLiteral("reconcile.keys_missing"));
        QVERIFY(g.error().message.contains(u"app_private_key"));
        QVERIFY(g.error().message.contains(u"[alipay]"));
        g = billGateway(*config, Channel::WeChat);
        QVERIFY(!g.ok());
        QCOMPARE(g.error().code, QStringLiteral("reconcile.provider_disabled"));

        const QString wechat = m_dir.file(QStringLiteral("wechat.ini"));
        QVERIFY(writeFile(wechat,
                          "[database]\npath = w.db\n[wechat]\nenabled = true\nmch_id = "
                          "1900000109\napp_id = wx1234567890abcdef\napiv3_key_file = k\n"
                          "platform_certificate = c.pem\n",
                          false));
        config = ServerConfigLoader::load(wechat);
        QVERIFY2(config.ok(), qPrintable(config.ok() ? QString() : config.error().message));
        g = billGateway(*config, Channel::WeChat);
        QVERIFY(!g.ok());
        QCOMPARE(g.error().code, QStringLiteral("reconcile.keys_missing"));
        QVERIFY(g.error().message.contains(u"merchant_private_key"));
        QVERIFY(g.error().message.contains(u"merchant_serial_no"));
    }

    void aBadCommandLineChangesNothing() {
        const qsizetype before = m_server->batches().batches(m_day.addDays(-30), m_day)->size();
        for (const QStringList& args :
             {QStringList{}, QStringList{QStringLiteral("--date"), QStringLiteral("2026-02-30")},
              QStringList{QStringLiteral("--date"), QStringLiteral("yesterday"),
                          QStringLiteral("--provider"), QStringLiteral("cash")},
              QStringList{QStringLiteral("--date"), QStringLiteral("yesterday"),
                          QStringLiteral("--provider"), QStringLiteral("wechat")},
              QStringList{QStringLiteral("--date"), QStringLiteral("yesterday"),
                          QStringLiteral("--later")}})
            QCOMPARE(runCommand(args), 2);
        QCOMPARE(m_server->batches().batches(m_day.addDays(-30), m_day)->size(), before);
    }
};

QTEST_GUILESS_MAIN(TestServerReconcileRun)
#include "tst_server_reconcile_run.moc"
