// qposctl as a user runs it: a separate process against a sandbox started with
// `qposctl sandbox`, with a configuration file, checked by exit code, output and database.

#include "core/crypto/RsaPrivateKey.h"
#include "core/money/Money.h"
#include "core/storage/DatabaseLock.h"
#include "tests/ctl/CtlHarness.h"
#include "tests/support/TempDir.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QLockFile>
#include <QSysInfo>
#include <QTest>

using namespace qpos;
using namespace qpos::test;

namespace {

const QString kManagerPin = QStringLiteral("864209");
const QString kWrongPin = QStringLiteral("975319");

QProcessEnvironment env(const QString& name, const QString& value) {
    QProcessEnvironment e;
    e.insert(name, value);
    return e;
}

QString describe(const CtlRun& run) {
    return QStringLiteral("exit %1\n--- stdout\n%2\n--- stderr\n%3")
        .arg(run.exitCode)
        .arg(QString::fromUtf8(run.out), QString::fromUtf8(run.err));
}

// Everything under `dir` as one text, to look for secrets that must never be written.
QByteArray allFiles(const QString& dir) {
    QByteArray all;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            all += f.readAll();
    }
    return all;
}

} // namespace

class TestQposctl : public QObject {
    Q_OBJECT

    TempDir m_dir;
    std::unique_ptr<CtlHarness> m_h;
    QString m_config;
    QString m_paidOrder;
    QString m_wechatPaidOrder;

    QJsonObject orderJson(const QString& outTradeNo) {
        const CtlRun run =
            m_h->run(m_config, {QStringLiteral("order"), outTradeNo, QStringLiteral("--json")});
        if (run.exitCode != 0 || run.jsonLines().size() != 1)
            qWarning().noquote() << describe(run);
        return run.jsonLines().value(0);
    }

    // Starts a charge, waits for its QR line, and returns the running process.
    std::unique_ptr<QProcess> startCharge(const QStringList& extra, QString* outTradeNo,
                                          const QString& config = {},
                                          const QString& channel = QStringLiteral("alipay")) {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(m_h->environment());
        p->setStandardInputFile(QProcess::nullDevice());
        p->start(QStringLiteral(QPOSCTL_PATH),
                 QStringList{QStringLiteral("--config"), config.isEmpty() ? m_config : config,
                             QStringLiteral("charge"), QStringLiteral("--channel"), channel,
                             QStringLiteral("--json")} +
                     extra);
        QByteArray seen;
        QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired() && p->state() != QProcess::NotRunning) {
            p->waitForReadyRead(100);
            seen += p->readAllStandardOutput();
            for (const QByteArray& line : seen.split('\n')) {
                const QJsonObject o = QJsonDocument::fromJson(line).object();
                if (!o.value(u"qr_code").toString().isEmpty()) {
                    *outTradeNo = o.value(u"out_trade_no").toString();
                    return p;
                }
            }
        }
        qWarning().noquote() << "no QR line:" << seen << p->readAllStandardError();
        return p;
    }

private slots:
    void initTestCase() {
        m_h = std::make_unique<CtlHarness>(m_dir.path());
        QVERIFY2(m_h->startSandbox(QStringLiteral(QPOSCTL_PATH), {QStringLiteral("sandbox")}),
                 qPrintable(m_h->error()));
        m_config = m_h->writeConfig(QStringLiteral("qpos.ini"));
    }

    void usageErrorsExitTwo() {
        QCOMPARE(m_h->run(m_config, {}).exitCode, 2);
        QCOMPARE(m_h->run(m_config, {QStringLiteral("frobnicate")}).exitCode, 2);
        QCOMPARE(m_h->run(m_config, {QStringLiteral("orders"), QStringLiteral("--from"),
                                     QStringLiteral("15/01/2024")})
                     .exitCode,
                 2);
        const CtlRun help =
            m_h->run(m_config, {QStringLiteral("charge"), QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("--amount"));
    }

    // qposctl speaks the terminal's language; English when it is not Chinese.
    void messagesFollowTheTerminalsLanguage() {
        QProcessEnvironment chinese;
        chinese.insert(QStringLiteral("LANG"), QStringLiteral("zh_CN.UTF-8"));
        const CtlRun zh = m_h->run(m_config, {QStringLiteral("frobnicate")}, chinese);
        QCOMPARE(zh.exitCode, 2);
        QVERIFY2(zh.text().contains(QStringLiteral("未知命令“frobnicate”")), zh.err.constData());
        const CtlRun en = m_h->run(m_config, {QStringLiteral("frobnicate")});
        QVERIFY2(en.text().contains(QStringLiteral("Unknown command \"frobnicate\"")),
                 en.err.constData());
    }

    void badAmountIsRefusedBeforeAnythingIsWritten_data() {
        QTest::addColumn<QString>("amount");
        QTest::newRow("three decimals") << QStringLiteral("12.345");
        QTest::newRow("negative") << QStringLiteral("-1");
        QTest::newRow("zero") << QStringLiteral("0");
        QTest::newRow("words") << QStringLiteral("ten");
        QTest::newRow("comma") << QStringLiteral("1,000");
    }
    void badAmountIsRefusedBeforeAnythingIsWritten() {
        QFETCH(QString, amount);
        const QString config =
            m_h->writeConfig(QStringLiteral("fresh.ini"), {}, QStringLiteral("never-created.db"));
        const CtlRun run =
            m_h->run(config, {QStringLiteral("charge"), QStringLiteral("--channel"),
                              QStringLiteral("alipay"), QStringLiteral("--amount"), amount});
        QCOMPARE(run.exitCode, 2);
        const QString expected =
            money::parseYuan(amount, money::Sign::Positive, QStringLiteral("--amount"))
                .error()
                .message;
        QVERIFY2(QString::fromUtf8(run.err).contains(expected), qPrintable(describe(run)));
        QVERIFY(run.out.isEmpty());
        QVERIFY(!QFile::exists(m_h->databasePath(QStringLiteral("never-created.db"))));
    }

    void unknownChannelIsAUsageError() {
        const CtlRun run =
            m_h->run(m_config, {QStringLiteral("charge"), QStringLiteral("--channel"),
                                QStringLiteral("paypal"), QStringLiteral("--amount"),
                                QStringLiteral("1.00")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("paypal"), qPrintable(describe(run)));
    }

    void aChannelNotEnabledIsSaidPlainly() {
        const CtlRun run =
            m_h->run(m_config, {QStringLiteral("charge"), QStringLiteral("--channel"),
                                QStringLiteral("wechat"), QStringLiteral("--amount"),
                                QStringLiteral("1.00")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("[wechat] enabled"), qPrintable(describe(run)));
    }

    void chargeWaitsUntilTheBuyerPays() {
        QString no;
        std::unique_ptr<QProcess> p =
            startCharge({QStringLiteral("--amount"), QStringLiteral("12.34"),
                         QStringLiteral("--wait"), QStringLiteral("20")},
                        &no);
        QVERIFY(!no.isEmpty());
        QCOMPARE(p->state(), QProcess::Running); // still waiting for the buyer
        const ControlReply paid =
            m_h->post(QStringLiteral("/sandbox/alipay/trades/%1/pay").arg(no));
        QCOMPARE(paid.status, 200);
        QVERIFY(p->waitForFinished(30000));
        QCOMPARE(p->exitCode(), 0);
        CtlRun run;
        run.out = p->readAllStandardOutput();
        const QList<QJsonObject> lines = run.jsonLines();
        QVERIFY(!lines.isEmpty());
        const QJsonObject last = lines.constLast();
        QCOMPARE(last.value(u"phase").toString(), QStringLiteral("paid"));
        QCOMPARE(last.value(u"final").toBool(), true);
        QCOMPARE(last.value(u"amount_fen").toInteger(), 1234);
        QCOMPARE(last.value(u"amount").toString(), QStringLiteral("12.34"));

        const QJsonObject detail = orderJson(no);
        QCOMPARE(detail.value(u"order").toObject().value(u"state").toString(),
                 QStringLiteral("paid"));
        QVERIFY(detail.value(u"events").toArray().size() >= 3); // created, pending, paid
        m_paidOrder = no;
    }

    void chargeWithoutWaitLeavesTheOrderOpenForRecovery() {
        QString no;
        std::unique_ptr<QProcess> p =
            startCharge({QStringLiteral("--amount"), QStringLiteral("3.00")}, &no);
        QVERIFY(!no.isEmpty());
        QVERIFY(p->waitForFinished(10000));
        QCOMPARE(p->exitCode(), 0);
        QCOMPARE(orderJson(no).value(u"order").toObject().value(u"state").toString(),
                 QStringLiteral("pending"));

        // The buyer pays after qposctl has gone: recovery records it.
        QCOMPARE(m_h->post(QStringLiteral("/sandbox/alipay/trades/%1/pay").arg(no)).status, 200);
        const CtlRun recover =
            m_h->run(m_config, {QStringLiteral("recover"), QStringLiteral("--json")});
        QCOMPARE(recover.exitCode, 0);
        const QJsonObject report = recover.jsonLines().value(0);
        QVERIFY2(report.value(u"settled").toInt() >= 1, qPrintable(describe(recover)));
        QCOMPARE(orderJson(no).value(u"order").toObject().value(u"state").toString(),
                 QStringLiteral("paid"));
    }

    void chargeNobodyPaysIsCancelledAtTheProvider() {
        QString no;
        std::unique_ptr<QProcess> p =
            startCharge({QStringLiteral("--amount"), QStringLiteral("4.00"),
                         QStringLiteral("--wait"), QStringLiteral("1")},
                        &no);
        QVERIFY(!no.isEmpty());
        QVERIFY(p->waitForFinished(60000));
        QCOMPARE(p->exitCode(), 3);
        CtlRun run;
        run.out = p->readAllStandardOutput();
        const QJsonObject last = run.jsonLines().constLast();
        QCOMPARE(last.value(u"phase").toString(), QStringLiteral("cancelled"));
        QCOMPARE(orderJson(no).value(u"order").toObject().value(u"state").toString(),
                 QStringLiteral("cancelled"));
        // The QR can never be paid now.
        const ControlReply pay = m_h->post(QStringLiteral("/sandbox/alipay/trades/%1/pay").arg(no));
        QVERIFY2(pay.status == 404 || pay.status == 409, qPrintable(QString::number(pay.status)));
    }

    void ordersJsonParses() {
        const CtlRun run = m_h->run(m_config, {QStringLiteral("orders"), QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QList<QJsonObject> lines = run.jsonLines();
        QCOMPARE(lines.size(), 1);
        const QJsonArray orders = lines[0].value(u"orders").toArray();
        QVERIFY(orders.size() >= 3);
        QCOMPARE(lines[0].value(u"count").toInt(), orders.size());
        for (const QJsonValue& v : orders) {
            const QJsonObject o = v.toObject();
            QVERIFY(o.value(u"amount_fen").isDouble());
            QCOMPARE(money::formatYuan(o.value(u"amount_fen").toInteger()),
                     o.value(u"amount").toString());
            QVERIFY(!o.value(u"out_trade_no").toString().isEmpty());
            QVERIFY(!o.value(u"state").toString().isEmpty());
        }
        const CtlRun paidOnly =
            m_h->run(m_config, {QStringLiteral("orders"), QStringLiteral("--status"),
                                QStringLiteral("paid"), QStringLiteral("--json")});
        for (const QJsonValue& v : paidOnly.jsonLines().value(0).value(u"orders").toArray())
            QCOMPARE(v.toObject().value(u"state").toString(), QStringLiteral("paid"));
        const CtlRun text = m_h->run(m_config, {QStringLiteral("orders")});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains(m_paidOrder.toUtf8()));
    }

    void refundNeedsTheManagerPin() {
        QVERIFY(!m_paidOrder.isEmpty());
        const CtlRun added =
            m_h->run(m_config,
                     {QStringLiteral("staff"), QStringLiteral("add"), QStringLiteral("--id"),
                      QStringLiteral("M1"), QStringLiteral("--name"), QStringLiteral("Manager One"),
                      QStringLiteral("--role"), QStringLiteral("manager")},
                     env(QStringLiteral("QPOS_STAFF_PIN"), kManagerPin));
        QCOMPARE(added.exitCode, 0);
        const CtlRun listed = m_h->run(
            m_config, {QStringLiteral("staff"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(listed.exitCode, 0);
        const QJsonArray staff = listed.jsonLines().value(0).value(u"staff").toArray();
        QCOMPARE(staff.size(), 1);
        QCOMPARE(staff[0].toObject().value(u"role").toString(), QStringLiteral("manager"));

        const QStringList refund{QStringLiteral("refund"),   m_paidOrder,
                                 QStringLiteral("--amount"), QStringLiteral("1.00"),
                                 QStringLiteral("--reason"), QStringLiteral("damaged")};
        // No PIN at all (standard input is empty): refused before anything is done.
        QCOMPARE(m_h->run(m_config, refund).exitCode, 2);
        // A wrong PIN: refused, never echoed, the order untouched.
        const CtlRun wrong =
            m_h->run(m_config, refund + QStringList{QStringLiteral("--pin"), kWrongPin});
        QCOMPARE(wrong.exitCode, 1);
        QVERIFY(!wrong.text().contains(kWrongPin));
        QCOMPARE(
            orderJson(m_paidOrder).value(u"order").toObject().value(u"refunded_fen").toInteger(),
            0);
        // The manager's PIN from the environment: refunded.
        const CtlRun right = m_h->run(m_config, refund + QStringList{QStringLiteral("--json")},
                                      env(QStringLiteral("QPOS_MANAGER_PIN"), kManagerPin));
        QCOMPARE(right.exitCode, 0);
        const QJsonObject report = right.jsonLines().value(0);
        QCOMPARE(report.value(u"ok").toBool(), true);
        QCOMPARE(report.value(u"amount_fen").toInteger(), 100);
        const QJsonObject order = orderJson(m_paidOrder).value(u"order").toObject();
        QCOMPARE(order.value(u"state").toString(), QStringLiteral("partially_refunded"));
        QCOMPARE(order.value(u"refunded_fen").toInteger(), 100);
        const ControlReply trade =
            m_h->get(QStringLiteral("/sandbox/alipay/trades/%1").arg(m_paidOrder));
        QCOMPARE(trade.json.object().value(u"refunded_amount").toString(), QStringLiteral("1.00"));
        // No PIN reached the log or the database in the clear.
        const QByteArray written =
            allFiles(m_dir.path() + QStringLiteral("/logs")) + allFiles(m_h->databasePath());
        QVERIFY(!written.contains(kManagerPin.toUtf8()));
        QVERIFY(!written.contains(kWrongPin.toUtf8()));
    }

    // --- WeChat Pay and the terminal's routing

    void chargeWechatQrWaitsUntilTheBuyerPays() {
        const QString config = m_h->writeWechatConfig(QStringLiteral("wechat.ini"));
        QString no;
        std::unique_ptr<QProcess> p =
            startCharge({QStringLiteral("--amount"), QStringLiteral("8.88"),
                         QStringLiteral("--wait"), QStringLiteral("20")},
                        &no, config, QStringLiteral("wechat"));
        QVERIFY(!no.isEmpty());
        QCOMPARE(p->state(), QProcess::Running);
        QCOMPARE(m_h->post(QStringLiteral("/sandbox/wechat/trades/%1/pay").arg(no)).status, 200);
        QVERIFY(p->waitForFinished(30000));
        QCOMPARE(p->exitCode(), 0);
        CtlRun run;
        run.out = p->readAllStandardOutput();
        const QList<QJsonObject> lines = run.jsonLines();
        QVERIFY(!lines.isEmpty());
        bool sawUrl = false;
        for (const QJsonObject& line : lines) {
            QCOMPARE(line.value(u"channel").toString(), QStringLiteral("wechat"));
            sawUrl = sawUrl || line.value(u"qr_code")
                                   .toString()
                                   .startsWith(QStringLiteral("weixin://wxpay/bizpayurl?pr="));
        }
        QVERIFY(sawUrl);
        QCOMPARE(lines.constLast().value(u"phase").toString(), QStringLiteral("paid"));

        const CtlRun detail =
            m_h->run(config, {QStringLiteral("order"), no, QStringLiteral("--json")});
        const QJsonObject order = detail.jsonLines().value(0).value(u"order").toObject();
        QCOMPARE(order.value(u"channel").toString(), QStringLiteral("wechat"));
        QCOMPARE(order.value(u"state").toString(), QStringLiteral("paid"));
        QVERIFY(!order.value(u"provider_trade_no").toString().isEmpty());
        m_wechatPaidOrder = no;
    }

    void chargeWechatQrTextPrintsTheUrl() {
        const QString config = m_h->writeWechatConfig(QStringLiteral("wechat.ini"));
        const CtlRun run = m_h->run(config, {QStringLiteral("charge"), QStringLiteral("--channel"),
                                             QStringLiteral("wechat"), QStringLiteral("--amount"),
                                             QStringLiteral("1.50")});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains("QR code: weixin://wxpay/bizpayurl?pr="),
                 qPrintable(describe(run)));
        QVERIFY2(run.out.contains("WeChat Pay"), qPrintable(describe(run)));
    }

    void chargeByCodePicksTheChannelByPrefix_data() {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("channel");
        QTest::newRow("wechat 13")
            << QStringLiteral("134567890123459990") << QStringLiteral("wechat");
        QTest::newRow("alipay 28")
            << QStringLiteral("287951669656380000") << QStringLiteral("alipay");
    }

    void chargeByCodePicksTheChannelByPrefix() {
        QFETCH(QString, code);
        QFETCH(QString, channel);
        const QString config = m_h->writeWechatConfig(QStringLiteral("wechat.ini"));
        const CtlRun run = m_h->run(config, {QStringLiteral("charge"), QStringLiteral("--code"),
                                             code, QStringLiteral("--amount"),
                                             QStringLiteral("2.00"), QStringLiteral("--json")});
        QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
        const QJsonObject last = run.jsonLines().constLast();
        QCOMPARE(last.value(u"phase").toString(), QStringLiteral("paid"));
        QCOMPARE(last.value(u"channel").toString(), channel);
        QCOMPARE(last.value(u"flow").toString(), QStringLiteral("code"));
        // The code is the customer's money: it is never printed or logged.
        QVERIFY(!run.text().contains(code));
        QVERIFY(!allFiles(m_h->logDir()).contains(code.toUtf8()));
    }

    void chargeByCodeFromStandardInput() {
        const QString config = m_h->writeWechatConfig(QStringLiteral("wechat.ini"));
        QProcess p;
        p.setProcessEnvironment(m_h->environment());
        p.start(QStringLiteral(QPOSCTL_PATH),
                {QStringLiteral("--config"), config, QStringLiteral("charge"),
                 QStringLiteral("--code"), QStringLiteral("-"), QStringLiteral("--amount"),
                 QStringLiteral("1.00")});
        QVERIFY(p.waitForStarted());
        p.write("134567890123459990\n");
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray out = p.readAllStandardOutput();
        QVERIFY2(out.contains("WeChat Pay") && out.contains("paid"), out.constData());
    }

    void badCodesAndMismatchesAreRefused() {
        const QString config = m_h->writeWechatConfig(QStringLiteral("wechat.ini"));
        const QStringList charge{QStringLiteral("charge"), QStringLiteral("--amount"),
                                 QStringLiteral("1.00"), QStringLiteral("--code")};
        // Not a payment code: a usage error, nothing written.
        QCOMPARE(m_h->run(config, charge + QStringList{QStringLiteral("12345")}).exitCode, 2);
        // No wallet has this prefix: refused by the routing.
        const CtlRun unknown =
            m_h->run(config, charge + QStringList{QStringLiteral("994567890123456789")});
        QCOMPARE(unknown.exitCode, 3);
        QVERIFY2(unknown.err.contains("Alipay or WeChat Pay"), qPrintable(describe(unknown)));
        // A WeChat code with --channel alipay: the command line contradicts itself.
        const CtlRun mismatch = m_h->run(
            config, charge + QStringList{QStringLiteral("134567890123459990"),
                                         QStringLiteral("--channel"), QStringLiteral("alipay")});
        QCOMPARE(mismatch.exitCode, 2);
    }

    void routingLimitAndChannelsAreApplied() {
        const QString config = m_h->writeWechatConfig(
            QStringLiteral("limited.ini"),
            QStringLiteral("\n[routing]\nchannels = wechat, alipay\nwechat_max_amount = 5.00\n"));
        // Over WeChat's limit: refused before anything is written, saying what to do.
        const auto orderCount = [&] {
            return m_h->run(config, {QStringLiteral("orders"), QStringLiteral("--json")})
                .jsonLines()
                .value(0)
                .value(u"count")
                .toInt();
        };
        const int before = orderCount();
        const CtlRun over = m_h->run(config, {QStringLiteral("charge"), QStringLiteral("--channel"),
                                              QStringLiteral("wechat"), QStringLiteral("--amount"),
                                              QStringLiteral("5.01")});
        QCOMPARE(over.exitCode, 3);
        QVERIFY2(over.err.contains("5.00") && over.err.contains("WeChat Pay") &&
                     over.err.contains("Alipay"),
                 qPrintable(describe(over)));
        QCOMPARE(orderCount(), before);
        // No --channel: the first of [routing] channels, WeChat Pay here.
        const CtlRun first = m_h->run(config, {QStringLiteral("charge"), QStringLiteral("--amount"),
                                               QStringLiteral("1.00"), QStringLiteral("--json")});
        QCOMPARE(first.exitCode, 0);
        QCOMPARE(first.jsonLines().constLast().value(u"channel").toString(),
                 QStringLiteral("wechat"));
        // Over the limit with a WeChat payment code too.
        const CtlRun code = m_h->run(config, {QStringLiteral("charge"), QStringLiteral("--code"),
                                              QStringLiteral("134567890123459990"),
                                              QStringLiteral("--amount"), QStringLiteral("9.00")});
        QCOMPARE(code.exitCode, 3);
        QVERIFY2(code.err.contains("5.00"), qPrintable(describe(code)));
    }

    void wechatOrdersListAndRefund() {
        QVERIFY(!m_wechatPaidOrder.isEmpty());
        const QString config = m_h->writeWechatConfig(QStringLiteral("wechat.ini"));
        const CtlRun listed =
            m_h->run(config, {QStringLiteral("orders"), QStringLiteral("--channel"),
                              QStringLiteral("wechat"), QStringLiteral("--json")});
        QCOMPARE(listed.exitCode, 0);
        const QJsonArray orders = listed.jsonLines().value(0).value(u"orders").toArray();
        QVERIFY(!orders.isEmpty());
        bool found = false;
        for (const QJsonValue& v : orders) {
            QCOMPARE(v.toObject().value(u"channel").toString(), QStringLiteral("wechat"));
            found = found || v.toObject().value(u"out_trade_no").toString() == m_wechatPaidOrder;
        }
        QVERIFY(found);

        const CtlRun added =
            m_h->run(config,
                     {QStringLiteral("staff"), QStringLiteral("add"), QStringLiteral("--id"),
                      QStringLiteral("M2"), QStringLiteral("--name"), QStringLiteral("Manager Two"),
                      QStringLiteral("--role"), QStringLiteral("manager")},
                     env(QStringLiteral("QPOS_STAFF_PIN"), kManagerPin));
        QCOMPARE(added.exitCode, 0);
        const CtlRun refund =
            m_h->run(config,
                     {QStringLiteral("refund"), m_wechatPaidOrder, QStringLiteral("--amount"),
                      QStringLiteral("2.00"), QStringLiteral("--json")},
                     env(QStringLiteral("QPOS_MANAGER_PIN"), kManagerPin));
        QVERIFY2(refund.exitCode == 0, qPrintable(describe(refund)));
        QCOMPARE(refund.jsonLines().value(0).value(u"ok").toBool(), true);
        const CtlRun detail = m_h->run(
            config, {QStringLiteral("order"), m_wechatPaidOrder, QStringLiteral("--json")});
        const QJsonObject order = detail.jsonLines().value(0).value(u"order").toObject();
        QCOMPARE(order.value(u"state").toString(), QStringLiteral("partially_refunded"));
        QCOMPARE(order.value(u"refunded_fen").toInteger(), 200);
        const ControlReply trade =
            m_h->get(QStringLiteral("/sandbox/wechat/trades/%1").arg(m_wechatPaidOrder));
        QCOMPARE(trade.status, 200);
    }

    void doctorReachesWechatPay() {
        const QString config = m_h->writeWechatConfig(QStringLiteral("wechat.ini"));
        const CtlRun run = m_h->run(config, {QStringLiteral("doctor")});
        QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
        QVERIFY2(run.out.contains("OK    gateway   WeChat Pay"), qPrintable(describe(run)));
        QVERIFY2(run.out.contains("OK    gateway   Alipay"), qPrintable(describe(run)));
        QVERIFY2(run.out.contains("routing"), qPrintable(describe(run)));
    }

    void doctorPassesAGoodConfiguration() {
        const CtlRun run = m_h->run(m_config, {QStringLiteral("doctor")});
        QVERIFY2(run.exitCode == 0, qPrintable(describe(run)));
        QVERIFY(run.out.contains("OK    gateway"));
        QVERIFY(!run.out.contains("FAIL"));
        const CtlRun json =
            m_h->run(m_config, {QStringLiteral("doctor"), QStringLiteral("--json")});
        QCOMPARE(json.jsonLines().value(0).value(u"ok").toBool(), true);
    }

    void doctorWarnsWhileTheSellerIdIsUnset() {
        const CtlRun unset = m_h->run(m_config, {QStringLiteral("doctor")});
        QVERIFY2(unset.exitCode == 0, qPrintable(describe(unset)));
        QVERIFY2(unset.out.contains("WARN  keys") && unset.out.contains("[alipay] seller_id"),
                 qPrintable(describe(unset)));
        const QString config = m_h->writeConfig(QStringLiteral("seller.ini"),
                                                {QStringLiteral("seller_id = 2088102177649450")});
        const CtlRun set = m_h->run(config, {QStringLiteral("doctor")});
        QVERIFY2(!set.out.contains("seller_id"), qPrintable(describe(set)));
    }

    void doctorFailsAKeyOthersCanRead() {
        const QString loose = m_dir.file(QStringLiteral("loose_private_key.pem"));
        QFile::remove(loose);
        QVERIFY(QFile::copy(m_h->appPrivateKeyPath(), loose));
        QVERIFY(QFile::setPermissions(loose, QFile::ReadOwner | QFile::WriteOwner |
                                                 QFile::ReadGroup | QFile::ReadOther)); // 0644
        const QString config = m_h->writeConfig(
            QStringLiteral("loose.ini"), {QStringLiteral("app_private_key = %1").arg(loose)});
        const CtlRun run = m_h->run(config, {QStringLiteral("doctor")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains("FAIL  keys") && run.out.contains("0644") &&
                     run.out.contains("chmod 600"),
                 qPrintable(describe(run)));
    }

    void doctorFailsAMissingKey() {
        const QString missing = m_dir.file(QStringLiteral("no_such_key.pem"));
        const QString config = m_h->writeConfig(
            QStringLiteral("missing.ini"), {QStringLiteral("app_private_key = %1").arg(missing)});
        const CtlRun run = m_h->run(config, {QStringLiteral("doctor")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains("FAIL  keys") && run.out.contains("no_such_key.pem"),
                 qPrintable(describe(run)));
    }

    void doctorTellsWhichKeyIsWrong() {
        // The app's own public key configured as Alipay's: caught locally.
        const QString mixedUp = m_h->writeConfig(
            QStringLiteral("mixed.ini"),
            {QStringLiteral("alipay_public_key = %1").arg(m_h->appPublicKeyPath())});
        const CtlRun mixed = m_h->run(mixedUp, {QStringLiteral("doctor")});
        QCOMPARE(mixed.exitCode, 1);
        QVERIFY2(mixed.out.contains("not Alipay's"), qPrintable(describe(mixed)));

        // A private key Alipay does not know: caught by the probe.
        const QString otherKey = m_dir.file(QStringLiteral("other_private_key.pem"));
        {
            Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::generate();
            QVERIFY(key.ok());
            QFile file(otherKey);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
            file.write(key->toPkcs8Pem());
        }
        const QString wrongKey = m_h->writeConfig(
            QStringLiteral("wrongkey.ini"), {QStringLiteral("app_private_key = %1").arg(otherKey)});
        const CtlRun wrong = m_h->run(wrongKey, {QStringLiteral("doctor")});
        QCOMPARE(wrong.exitCode, 1);
        QVERIFY2(wrong.out.contains("FAIL  gateway") && wrong.out.contains("does not match"),
                 qPrintable(describe(wrong)));
    }

    void doctorFailsAnUnreachableGateway() {
        const QString config =
            m_h->writeConfig(QStringLiteral("unreachable.ini"),
                             {QStringLiteral("gateway_url = http://127.0.0.1:9/gateway.do")});
        const CtlRun run = m_h->run(config, {QStringLiteral("doctor")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains("FAIL  gateway") && run.out.contains("cannot be reached"),
                 qPrintable(describe(run)));
    }

    // A till working on the database keeps qposctl's charge and recover off it (they would
    // close its running checkouts); listing orders still works. A dead holder's lock is taken.
    void aDatabaseInUseIsRefusedAndADeadHoldersLockIsTaken() {
        // Its own database and terminal: its order numbers are new to the sandbox.
        const QString config =
            m_h->writeConfig(QStringLiteral("locked.ini"), {}, QStringLiteral("locked.db"));
        QFile ini(config);
        QVERIFY(ini.open(QIODevice::ReadWrite));
        const QByteArray text = ini.readAll().replace("[terminal]\nid = T1", "[terminal]\nid = T9");
        QVERIFY(text.contains("id = T9"));
        ini.resize(0);
        ini.seek(0);
        ini.write(text);
        ini.close();
        const QString db = m_h->databasePath(QStringLiteral("locked.db"));
        const QStringList charge{QStringLiteral("charge"), QStringLiteral("--channel"),
                                 QStringLiteral("alipay"), QStringLiteral("--amount"),
                                 QStringLiteral("1.00")};
        const CtlRun first = m_h->run(config, charge); // no --wait: the order stays open
        QCOMPARE(first.exitCode, 0);
        QVERIFY(!QFile::exists(DatabaseLock::lockPathFor(db))); // released at exit
        {
            Result<std::unique_ptr<DatabaseLock>> held = DatabaseLock::acquire(db);
            QVERIFY(held);
            for (const QStringList& arguments : {charge, QStringList{QStringLiteral("recover")}}) {
                const CtlRun refused = m_h->run(config, arguments);
                QCOMPARE(refused.exitCode, 1);
                QVERIFY2(refused.err.contains("in use by another qpos till or qposctl"),
                         qPrintable(describe(refused)));
                QVERIFY2(
                    refused.err.contains(QByteArray::number(QCoreApplication::applicationPid())),
                    qPrintable(describe(refused)));
            }
            const CtlRun listed =
                m_h->run(config, {QStringLiteral("orders"), QStringLiteral("--json")});
            QCOMPARE(listed.exitCode, 0);
            QCOMPARE(listed.jsonLines().value(0).value(u"orders").toArray().size(), 1);
        }
        // A holder killed before it could unlock leaves its file behind, naming a process
        // that no longer runs: the next till takes the lock over.
        QProcess gone;
        gone.start(QStringLiteral("true"));
        QVERIFY(gone.waitForStarted());
        const qint64 deadPid = gone.processId();
        QVERIFY(gone.waitForFinished());
        QFile stale(DatabaseLock::lockPathFor(db));
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write(QByteArray::number(deadPid) + "\nqpos\n" +
                    QSysInfo::machineHostName().toUtf8() + "\n" + QSysInfo::machineUniqueId() +
                    "\n");
        stale.close();
        const CtlRun recovered = m_h->run(config, {QStringLiteral("recover")});
        QVERIFY2(recovered.exitCode == 0, qPrintable(describe(recovered)));
        QVERIFY(!QFile::exists(DatabaseLock::lockPathFor(db)));
    }
};

QTEST_GUILESS_MAIN(TestQposctl)
#include "tst_qposctl.moc"
