// Asynchronous notifications from the simulated Alipay: signed as Alipay signs them, retried
// on Alipay's (scaled) schedule until the receiver answers "success", and the notification
// faults: duplicates, out of order, wrong key.
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/SandboxServer.h"
#include "tests/sandbox/AlipayTestClient.h"
#include "tests/sandbox/NotifyReceiver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace qpos;
using namespace qpos::sandbox;
using namespace qpos::test;

namespace {

const QString kApp = QStringLiteral("2021000000000002");

} // namespace

class TestSandboxAlipayNotify : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<AlipayTestClient> m_client;
    int m_sequence = 0;

    QString nextNo() {
        return QStringLiteral("N%1_%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(++m_sequence);
    }
    AlipaySimulator& alipay() { return m_server->alipay(); }

    // A precreated order with notify_url, scanned and paid by the buyer.
    QString paidOrder(NotifyReceiver& receiver, const QString& amount = QStringLiteral("12.34")) {
        const QString no = nextNo();
        const GatewayResult r = m_client->precreate(no, amount, receiver.url().toString());
        if (r.code() != u"10000")
            qFatal("precreate failed");
        if (!alipay().buyerPay(no).ok())
            qFatal("pay failed");
        return no;
    }

private slots:
    void initTestCase() {
        SandboxOptions options;
        // 4 minutes become 24 ms, 15 hours 5.4 s: the whole schedule in about 9 seconds.
        options.alipay.notifyScale = 0.0001;
        options.alipay.notifyTimeoutMs = 2000;
        m_server = std::make_unique<SandboxServer>(options);
        QVERIFY(m_server->listen().ok());
        Result<crypto::RsaPrivateKey> key = alipay().createApp(kApp);
        QVERIFY(key.ok());
        m_client = std::make_unique<AlipayTestClient>(m_server->baseUrl(), kApp, *key,
                                                      alipay().alipayPublicKey());
    }

    void init() { m_server->faults().clear(); }

    void aPaymentIsNotifiedSigned() {
        NotifyReceiver receiver;
        QSignalSpy attempts(&alipay(), &AlipaySimulator::notificationAttempted);
        const QString no = paidOrder(receiver);
        QVERIFY(receiver.waitFor(1));
        const alipay::Params& p = receiver.received().first().params;
        QVERIFY(alipay::verifyNotification(p, alipay().alipayPublicKey()).ok());
        // sign_type is sent but not signed; sign is over the sorted rest.
        QCOMPARE(p.value(QStringLiteral("sign_type")), QStringLiteral("RSA2"));
        QCOMPARE(p.value(QStringLiteral("notify_type")), QStringLiteral("trade_status_sync"));
        QCOMPARE(p.value(QStringLiteral("trade_status")), QStringLiteral("TRADE_SUCCESS"));
        QCOMPARE(p.value(QStringLiteral("out_trade_no")), no);
        QCOMPARE(p.value(QStringLiteral("app_id")), kApp);
        QCOMPARE(p.value(QStringLiteral("total_amount")), QStringLiteral("12.34"));
        QCOMPARE(p.value(QStringLiteral("receipt_amount")), QStringLiteral("12.34"));
        QCOMPARE(p.value(QStringLiteral("buyer_pay_amount")), QStringLiteral("12.34"));
        QCOMPARE(p.value(QStringLiteral("charset")), QStringLiteral("utf-8"));
        QCOMPARE(p.value(QStringLiteral("version")), QStringLiteral("1.0"));
        QCOMPARE(p.value(QStringLiteral("trade_no")), alipay().trade(no)->tradeNo);
        QVERIFY(!p.value(QStringLiteral("notify_id")).isEmpty());
        QVERIFY(!p.value(QStringLiteral("notify_time")).isEmpty());
        QVERIFY(!p.value(QStringLiteral("gmt_payment")).isEmpty());
        QVERIFY(!p.value(QStringLiteral("gmt_create")).isEmpty());
        QVERIFY(!p.value(QStringLiteral("seller_id")).isEmpty());
        QCOMPARE(p.value(QStringLiteral("subject")), QStringLiteral("测试商品"));
        const QJsonArray funds =
            QJsonDocument::fromJson(p.value(QStringLiteral("fund_bill_list")).toUtf8()).array();
        QCOMPARE(funds.size(), 1);
        QCOMPARE(funds.first().toObject().value(u"fundChannel").toString(),
                 QStringLiteral("ALIPAYACCOUNT"));
        QCOMPARE(funds.first().toObject().value(u"amount").toString(), QStringLiteral("12.34"));
        // Tampering breaks the signature.
        alipay::Params forged = p;
        forged.insert(QStringLiteral("total_amount"), QStringLiteral("0.01"));
        QVERIFY(!alipay::verifyNotification(forged, alipay().alipayPublicKey()).ok());
        // Delivered: no retry.
        QTRY_COMPARE(attempts.size(), 1);
        QVERIFY(attempts.first().first().value<AlipayNotificationAttempt>().delivered);
        QTest::qWait(100);
        QCOMPARE(receiver.received().size(), 1);
    }

    void retriedUntilTheAnswerIsExactlySuccess() {
        NotifyReceiver receiver;
        // "SUCCESS" and "success\n" are not "success": Alipay compares exactly.
        receiver.script({"fail", "SUCCESS", "success\n"});
        paidOrder(receiver);
        QVERIFY(receiver.waitFor(4, 10000));
        const QList<NotifyReceiver::Received>& got = receiver.received();
        // The same notification each time.
        for (const NotifyReceiver::Received& r : got)
            QCOMPARE(r.params.value(QStringLiteral("notify_id")),
                     got.first().params.value(QStringLiteral("notify_id")));
        // Waits of 4m, 10m, 10m scaled by 0.0001: 24, 60, 60 ms.
        QVERIFY2(got[1].atMs - got[0].atMs >= 20,
                 qPrintable(QString::number(got[1].atMs - got[0].atMs)));
        QVERIFY(got[2].atMs - got[1].atMs >= 55);
        QVERIFY(got[3].atMs - got[2].atMs >= 55);
        QTest::qWait(600);
        QCOMPARE(receiver.received().size(), 4);
        const QList<AlipayNotificationAttempt> history = alipay().notifications();
        QVERIFY(history.last().delivered);
        QCOMPARE(history.last().attempt, 4);
    }

    void givesUpAfterAlipaysSchedule() {
        NotifyReceiver receiver;
        receiver.script(QList<QByteArray>(20, "fail"));
        QSignalSpy attempts(&alipay(), &AlipaySimulator::notificationAttempted);
        paidOrder(receiver);
        // 8 deliveries: the first and 7 retries; the last after 15h * 0.0001 = 5.4 s.
        QVERIFY(receiver.waitFor(8, 20000));
        QTRY_COMPARE_WITH_TIMEOUT(attempts.size(), 8, 5000);
        const auto last = attempts.last().first().value<AlipayNotificationAttempt>();
        QVERIFY(last.gaveUp);
        QCOMPARE(last.attempt, 8);
        QTest::qWait(300);
        QCOMPARE(receiver.received().size(), 8);
        QCOMPARE(alipay().pendingNotifications(), 0);
    }

    void aReceiverThatIsDownIsRetried() {
        // Nothing listens on this port yet.
        quint16 port = 0;
        {
            NotifyReceiver probe;
            port = static_cast<quint16>(probe.url().port());
        }
        const QString no = nextNo();
        QVERIFY(m_client
                    ->precreate(no, QStringLiteral("1.00"),
                                QStringLiteral("http://127.0.0.1:%1/notify").arg(port))
                    .code() == u"10000");
        QSignalSpy attempts(&alipay(), &AlipaySimulator::notificationAttempted);
        QVERIFY(alipay().buyerPay(no).ok());
        QTRY_VERIFY(attempts.size() >= 2);
        const auto first = attempts.first().first().value<AlipayNotificationAttempt>();
        QVERIFY(!first.delivered);
        QCOMPARE(first.httpStatus, 0);
        QVERIFY(!first.error.isEmpty());
    }

    void refundsAndClosesAreNotified() {
        NotifyReceiver receiver;
        const QString no = paidOrder(receiver, QStringLiteral("1.00"));
        QVERIFY(receiver.waitFor(1));
        QVERIFY(m_client
                    ->call(QStringLiteral("alipay.trade.refund"),
                           QJsonObject{{QStringLiteral("out_trade_no"), no},
                                       {QStringLiteral("refund_amount"), QStringLiteral("0.40")},
                                       {QStringLiteral("out_request_no"), QStringLiteral("RF1")}})
                    .code() == u"10000");
        QVERIFY(receiver.waitFor(2));
        alipay::Params p = receiver.received()[1].params;
        QVERIFY(alipay::verifyNotification(p, alipay().alipayPublicKey()).ok());
        QCOMPARE(p.value(QStringLiteral("trade_status")), QStringLiteral("TRADE_SUCCESS"));
        QCOMPARE(p.value(QStringLiteral("refund_fee")), QStringLiteral("0.40"));
        QCOMPARE(p.value(QStringLiteral("out_biz_no")), QStringLiteral("RF1"));
        QVERIFY(!p.value(QStringLiteral("gmt_refund")).isEmpty());
        QVERIFY(m_client
                    ->call(QStringLiteral("alipay.trade.refund"),
                           QJsonObject{{QStringLiteral("out_trade_no"), no},
                                       {QStringLiteral("refund_amount"), QStringLiteral("0.60")},
                                       {QStringLiteral("out_request_no"), QStringLiteral("RF2")}})
                    .code() == u"10000");
        QVERIFY(receiver.waitFor(3));
        p = receiver.received()[2].params;
        QCOMPARE(p.value(QStringLiteral("trade_status")), QStringLiteral("TRADE_CLOSED"));
        QCOMPARE(p.value(QStringLiteral("refund_fee")), QStringLiteral("1.00"));
        QVERIFY(!p.value(QStringLiteral("gmt_close")).isEmpty());

        // A scanned order closed by the merchant: TRADE_CLOSED.
        const QString closed = nextNo();
        QVERIFY(
            m_client->precreate(closed, QStringLiteral("2.00"), receiver.url().toString()).code() ==
            u"10000");
        QVERIFY(alipay().buyerScan(closed).ok());
        QVERIFY(m_client
                    ->call(QStringLiteral("alipay.trade.close"),
                           QJsonObject{{QStringLiteral("out_trade_no"), closed}})
                    .code() == u"10000");
        QVERIFY(receiver.waitFor(4));
        p = receiver.received()[3].params;
        QCOMPARE(p.value(QStringLiteral("out_trade_no")), closed);
        QCOMPARE(p.value(QStringLiteral("trade_status")), QStringLiteral("TRADE_CLOSED"));
        QVERIFY(!p.contains(QStringLiteral("gmt_payment")));
    }

    void waitBuyerPayOnlyWhenAskedFor() {
        NotifyReceiver receiver;
        const QString quiet = nextNo();
        QVERIFY(
            m_client->precreate(quiet, QStringLiteral("1.00"), receiver.url().toString()).code() ==
            u"10000");
        QVERIFY(alipay().buyerScan(quiet).ok());
        QTest::qWait(200);
        // Counted by order: a retry left by an earlier case may reach this receiver's port once
        // the port is reused.
        int aboutQuiet = 0;
        for (const auto& n : receiver.received())
            if (n.params.value(QStringLiteral("out_trade_no")) == quiet)
                ++aboutQuiet;
        QCOMPARE(aboutQuiet, 0);

        AlipayOptions o = alipay().options();
        o.notifyWaitBuyerPay = true;
        alipay().setOptions(o);
        const QString loud = nextNo();
        QVERIFY(
            m_client->precreate(loud, QStringLiteral("1.00"), receiver.url().toString()).code() ==
            u"10000");
        QVERIFY(alipay().buyerScan(loud).ok());
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const auto& n : receiver.received())
                    if (n.params.value(QStringLiteral("out_trade_no")) == loud)
                        return n.params.value(QStringLiteral("trade_status")) ==
                               QStringLiteral("WAIT_BUYER_PAY");
                return false;
            }(),
            5000);
        o.notifyWaitBuyerPay = false;
        alipay().setOptions(o);
    }

    void duplicateNotificationsWhenAsked() {
        NotifyReceiver receiver;
        int status = 0;
        m_client->controlJson(
            "POST", QStringLiteral("/sandbox/faults"),
            QJsonObject{{QStringLiteral("kind"), QStringLiteral("notify_duplicate")}}, &status);
        QCOMPARE(status, 201);
        paidOrder(receiver);
        QVERIFY(receiver.waitFor(2));
        const auto& got = receiver.received();
        QCOMPARE(got[0].params, got[1].params);
        QVERIFY(alipay::verifyNotification(got[1].params, alipay().alipayPublicKey()).ok());
        // Only once: the fault is used up.
        paidOrder(receiver);
        QVERIFY(receiver.waitFor(3));
        QTest::qWait(200);
        QCOMPARE(receiver.received().size(), 3);
    }

    void outOfOrderNotificationsWhenAsked() {
        NotifyReceiver receiver;
        m_server->faults().add(*FaultRule::fromSpec(QStringLiteral("notify_out_of_order")));
        const QString no = paidOrder(receiver);
        QVERIFY(receiver.waitFor(2));
        const auto& got = receiver.received();
        QCOMPARE(got[0].params.value(QStringLiteral("trade_status")),
                 QStringLiteral("TRADE_SUCCESS"));
        QCOMPARE(got[1].params.value(QStringLiteral("trade_status")),
                 QStringLiteral("WAIT_BUYER_PAY"));
        QCOMPARE(got[1].params.value(QStringLiteral("out_trade_no")), no);
        QVERIFY(!got[1].params.contains(QStringLiteral("gmt_payment")));
        QVERIFY(alipay::verifyNotification(got[1].params, alipay().alipayPublicKey()).ok());
        QVERIFY(got[0].params.value(QStringLiteral("notify_id")) !=
                got[1].params.value(QStringLiteral("notify_id")));
    }

    void notificationsSignedWithAWrongKeyWhenAsked() {
        NotifyReceiver receiver;
        m_server->faults().add(*FaultRule::fromSpec(QStringLiteral("notify_bad_signature")));
        paidOrder(receiver);
        QVERIFY(receiver.waitFor(1));
        const alipay::Params& p = receiver.received().first().params;
        QVERIFY(!p.value(QStringLiteral("sign")).isEmpty());
        QVERIFY(!alipay::verifyNotification(p, alipay().alipayPublicKey()).ok());
        // The next one is signed properly again.
        paidOrder(receiver);
        QVERIFY(receiver.waitFor(2));
        QVERIFY(
            alipay::verifyNotification(receiver.received()[1].params, alipay().alipayPublicKey())
                .ok());
        // What happened is visible over HTTP too.
        const QJsonObject list =
            m_client->controlJson("GET", QStringLiteral("/sandbox/alipay/notifications"));
        QVERIFY(!list.value(u"notifications").toArray().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSandboxAlipayNotify)
#include "tst_sandbox_alipay_notify.moc"
