// The till's worker: the database, the staff PINs, the gateways and the engine on a thread of
// their own, answering the caller's thread through signals; and the staff table and refund
// ledger it relies on.

#include "core/calendar/ChinaCalendar.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "core/service/PosService.h"
#include "core/staff/StaffStore.h"
#include "core/storage/OrderStore.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/faults/FaultPlan.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/SandboxServer.h"
#include "tests/support/CrossThreadSignalSpy.h"
#include "tests/support/TempDir.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <memory>

using namespace qpos;
using namespace qpos::checkout;
using namespace qpos::service;
using namespace qpos::sandbox;

namespace {

const QString kAppId = QStringLiteral("2021000000000999");

NewOrder sale(money::Fen fen) {
    NewOrder o;
    o.channel = Channel::Alipay;
    o.amountFen = fen;
    o.subject = QStringLiteral("Tea");
    o.cashierId = QStringLiteral("1001");
    return o;
}

} // namespace

class TestTillService : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TempDir> m_dir;
    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<PosService> m_till;

    PosOptions options() {
        PosOptions o;
        o.config.store.id = QStringLiteral("S01");
        o.config.terminal.id = QStringLiteral("T01");
        o.config.database.path = m_dir->file(QStringLiteral("orders.db"));
        o.config.checkout.qrTimeoutS = 60;
        alipay::AlipayClientSettings s;
        s.gatewayUrl = m_server->alipay().gatewayUrl();
        s.appId = kAppId;
        s.appPrivateKey = *m_server->alipay().createApp(kAppId);
        s.alipayPublicKey = m_server->alipay().alipayPublicKey();
        s.requestTimeout = std::chrono::milliseconds(5000);
        o.makeGateways = [s]() -> Result<GatewayList> {
            Result<std::unique_ptr<alipay::AlipayClient>> client = alipay::AlipayClient::create(s);
            if (!client)
                return client.error();
            GatewayList list;
            list.push_back(std::move(client).value());
            return list;
        };
        o.policy.poll.fastInterval = std::chrono::milliseconds(100);
        return o;
    }

    PosReady startTill(PosOptions o) {
        m_till = std::make_unique<PosService>(std::move(o));
        test::CrossThreadSignalSpy ready(m_till.get(), &PosService::ready);
        m_till->start();
        // Waits for what has arrived, not for one more: start() may answer on this thread.
        QDeadlineTimer deadline(20000);
        while (ready.isEmpty() && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
        if (ready.isEmpty())
            qFatal("the till did not become ready");
        return ready.takeFirst().at(0).value<PosReady>();
    }

private slots:
    void init() {
        m_dir = std::make_unique<test::TempDir>();
        m_server = std::make_unique<SandboxServer>();
        QVERIFY(m_server->listen().ok());
    }

    void cleanup() {
        m_till.reset();
        m_server.reset();
        m_dir.reset();
    }

    void checkoutThroughTheWorker() {
        const PosReady ready = startTill(options());
        QVERIFY2(ready.error.isEmpty(), qPrintable(ready.error));
        QCOMPARE(ready.channels, QList<Channel>{Channel::Alipay});
        QVERIFY(!ready.hasStaff);

        test::CrossThreadSignalSpy updates(m_till.get(), &PosService::checkoutUpdated);
        QElapsedTimer call;
        call.start();
        m_till->startQrCheckout(QStringLiteral("r1"), sale(1500));
        QVERIFY(call.elapsed() < 50); // the caller never waits for the provider
        CheckoutUpdate last;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (const QList<QVariant>& args : std::as_const(updates))
                    last = args.at(0).value<CheckoutUpdate>();
                return last.phase == CheckoutPhase::Waiting;
            }(),
            10000);
        QCOMPARE(last.requestId, QStringLiteral("r1"));
        QVERIFY(!last.qrCode.isEmpty());
        QVERIFY(m_server->alipay().buyerPay(last.outTradeNo).ok());
        QTRY_VERIFY_WITH_TIMEOUT(
            updates.last().at(0).value<CheckoutUpdate>().phase == CheckoutPhase::Paid, 10000);

        test::CrossThreadSignalSpy listed(m_till.get(), &PosService::ordersListed);
        OrderFilter f;
        f.toMs = QDateTime::currentMSecsSinceEpoch() + 1000;
        m_till->listOrders(QStringLiteral("l1"), f);
        QTRY_VERIFY_WITH_TIMEOUT(listed.count() > 0, 5000);
        QCOMPARE(listed.first().at(0).toString(), QStringLiteral("l1"));
        const auto page = listed.first().at(1).value<OrderListReply>();
        QVERIFY(page.error.isEmpty());
        QCOMPARE(page.page.orders.size(), 1);
        QCOMPARE(page.page.orders.first().state, OrderState::Paid);

        test::CrossThreadSignalSpy loaded(m_till.get(), &PosService::orderLoaded);
        m_till->loadOrder(QStringLiteral("o1"), last.outTradeNo);
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() > 0, 5000);
        QCOMPARE(loaded.first().at(1).value<OrderReply>().order.events.size(), 3);

        test::CrossThreadSignalSpy totals(m_till.get(), &PosService::dailyTotalsLoaded);
        const int today = china_calendar::dayNumberOf(QDateTime::currentMSecsSinceEpoch());
        m_till->loadDailyTotals(QStringLiteral("t1"), today, today);
        QTRY_VERIFY_WITH_TIMEOUT(totals.count() > 0, 5000);
        const auto t = totals.first().at(1).value<TotalsReply>();
        QCOMPARE(t.totals.size(), 1);
        QCOMPARE(t.totals.first().paidFen, money::Fen(1500));
    }

    void staffAndManagerPins() {
        startTill(options());
        test::CrossThreadSignalSpy saved(m_till.get(), &PosService::staffSaved);
        m_till->saveStaff(
            QStringLiteral("s1"),
            StaffMember{QStringLiteral("1001"), QStringLiteral("Li"), StaffRole::Cashier},
            QStringLiteral("1234"));
        m_till->saveStaff(
            QStringLiteral("s2"),
            StaffMember{QStringLiteral("9001"), QStringLiteral("Wang"), StaffRole::Manager},
            QStringLiteral("9999"));
        m_till->saveStaff(
            QStringLiteral("s3"),
            StaffMember{QStringLiteral("1002"), QStringLiteral("Zhao"), StaffRole::Cashier},
            QStringLiteral("12a4"));
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 3, 10000);
        QVERIFY(saved.at(0).at(1).toString().isEmpty());
        QVERIFY(saved.at(1).at(1).toString().isEmpty());
        QVERIFY(!saved.at(2).at(1).toString().isEmpty()); // not digits

        test::CrossThreadSignalSpy verified(m_till.get(), &PosService::staffVerified);
        m_till->verifyStaff(QStringLiteral("v1"), QStringLiteral("1001"), QStringLiteral("1234"));
        m_till->verifyStaff(QStringLiteral("v2"), QStringLiteral("1001"), QStringLiteral("0000"));
        m_till->verifyManagerPin(QStringLiteral("v3"), QStringLiteral("1234")); // a cashier's
        m_till->verifyManagerPin(QStringLiteral("v4"), QStringLiteral("9999"));
        QTRY_COMPARE_WITH_TIMEOUT(verified.count(), 4, 10000);
        QCOMPARE(verified.at(0).at(1).value<StaffReply>().member.name, QStringLiteral("Li"));
        QCOMPARE(verified.at(1).at(1).value<StaffReply>().errorCode,
                 QStringLiteral("staff.wrong_pin"));
        QVERIFY(!verified.at(2).at(1).value<StaffReply>().error.isEmpty());
        QCOMPARE(verified.at(3).at(1).value<StaffReply>().member.id, QStringLiteral("9001"));

        test::CrossThreadSignalSpy listed(m_till.get(), &PosService::staffListed);
        m_till->listStaff(QStringLiteral("ls"));
        QTRY_VERIFY_WITH_TIMEOUT(listed.count() > 0, 5000);
        QCOMPARE(listed.first().at(1).value<StaffListReply>().staff.size(), 2);
    }

    void sandboxShopSeedsDemoStaff() {
        PosOptions o = options();
        o.config.sandbox = true;
        QVERIFY(startTill(o).hasStaff);
    }

    void brokenGatewaySetupIsReportedAndReadsStillWork() {
        PosOptions o = options();
        o.makeGateways = []() -> Result<GatewayList> {
            return Error{QStringLiteral("key.missing"), QStringLiteral("the key file is missing")};
        };
        const PosReady ready = startTill(o);
        QCOMPARE(ready.error, QStringLiteral("the key file is missing"));
        QVERIFY(ready.channels.isEmpty());
        test::CrossThreadSignalSpy listed(m_till.get(), &PosService::ordersListed);
        m_till->listOrders(QStringLiteral("l"), OrderFilter{});
        QTRY_VERIFY_WITH_TIMEOUT(listed.count() > 0, 5000);
        QVERIFY(listed.first().at(1).value<OrderListReply>().error.isEmpty());
    }

    void unopenableDatabaseIsReported() {
        PosOptions o = options();
        o.config.database.path = m_dir->file(QStringLiteral("no/such/dir/orders.db"));
        QFile blocker(m_dir->file(QStringLiteral("no")));
        QVERIFY(blocker.open(QIODevice::WriteOnly)); // a file where the directory should be
        blocker.close();
        const PosReady ready = startTill(o);
        QVERIFY(!ready.error.isEmpty());
        test::CrossThreadSignalSpy refunded(m_till.get(), &PosService::refundFinished);
        m_till->refund(
            RefundCommand{QStringLiteral("r"), QStringLiteral("X"), 1, {}, QStringLiteral("9001")});
        QTRY_VERIFY_WITH_TIMEOUT(refunded.count() > 0, 5000);
        QVERIFY(!refunded.first().at(0).value<RefundReport>().ok);
    }

    void staffLockoutAfterFiveWrongPins() {
        OrderStore store(OrderStoreOptions{QStringLiteral("S01"), QStringLiteral("T01"), {}});
        QVERIFY(store.open(m_dir->file(QStringLiteral("staff.db"))).ok());
        qint64 now = 1'800'000'000'000;
        StaffStore staff(store.database(), [&now] { return now; });
        QVERIFY(
            staff
                .save(StaffMember{QStringLiteral("1001"), QStringLiteral("Li"), StaffRole::Cashier},
                      QStringLiteral("2468"))
                .ok());
        QVERIFY(
            !staff
                 .save(StaffMember{QStringLiteral("1003"), QStringLiteral("X"), StaffRole::Cashier},
                       QString())
                 .ok()); // a new member needs a PIN
        for (int i = 0; i < 4; ++i)
            QCOMPARE(staff.verify(QStringLiteral("1001"), QStringLiteral("1111")).error().code,
                     QStringLiteral("staff.wrong_pin"));
        QCOMPARE(staff.verify(QStringLiteral("1001"), QStringLiteral("1111")).error().code,
                 QStringLiteral("staff.locked"));
        // Even the right PIN waits out the lock.
        QCOMPARE(staff.verify(QStringLiteral("1001"), QStringLiteral("2468")).error().code,
                 QStringLiteral("staff.locked"));
        now += 61'000;
        QVERIFY(staff.verify(QStringLiteral("1001"), QStringLiteral("2468")).ok());
        QCOMPARE(staff.verifyManager(QStringLiteral("1001"), QStringLiteral("2468")).error().code,
                 QStringLiteral("staff.not_manager"));
        QCOMPARE(staff.findManagerByPin(QStringLiteral("2468")).error().code,
                 QStringLiteral("staff.no_manager"));
        // The PIN itself is never stored.
        QSqlQuery q(store.database().handle());
        QVERIFY(q.exec(QStringLiteral("SELECT pin_hash FROM staff")) && q.next());
        QVERIFY(q.value(0).toString().startsWith(QStringLiteral("scrypt$")));
        QVERIFY(!q.value(0).toString().contains(QStringLiteral("2468")));
    }

    // A restart (closing and reopening the database) does not lift a lockout or reset the
    // count of wrong PINs; a right PIN after the lock resets it.
    void staffLockoutSurvivesRestart() {
        const QString path = m_dir->file(QStringLiteral("lockout.db"));
        qint64 now = 1'800'000'000'000;
        const auto reopen = [&path](std::unique_ptr<OrderStore>& store) {
            store.reset();
            store = std::make_unique<OrderStore>(
                OrderStoreOptions{QStringLiteral("S01"), QStringLiteral("T01"), {}});
            QVERIFY(store->open(path).ok());
        };
        std::unique_ptr<OrderStore> store;
        reopen(store);
        {
            StaffStore staff(store->database(), [&now] { return now; });
            QVERIFY(staff
                        .save(StaffMember{QStringLiteral("1001"), QStringLiteral("Li"),
                                          StaffRole::Manager},
                              QStringLiteral("2468"))
                        .ok());
            for (int i = 0; i < 3; ++i)
                QCOMPARE(staff.verify(QStringLiteral("1001"), QStringLiteral("1111")).error().code,
                         QStringLiteral("staff.wrong_pin"));
        }
        reopen(store);
        {
            // Two more after the restart make five: the count was kept.
            StaffStore staff(store->database(), [&now] { return now; });
            QCOMPARE(staff.verify(QStringLiteral("1001"), QStringLiteral("1111")).error().code,
                     QStringLiteral("staff.wrong_pin"));
            QCOMPARE(staff.verify(QStringLiteral("1001"), QStringLiteral("1111")).error().code,
                     QStringLiteral("staff.locked"));
            for (int i = 0; i < 5; ++i)
                (void)staff.findManagerByPin(QStringLiteral("9999"));
        }
        reopen(store);
        {
            StaffStore staff(store->database(), [&now] { return now; });
            QCOMPARE(staff.verify(QStringLiteral("1001"), QStringLiteral("2468")).error().code,
                     QStringLiteral("staff.locked"));
            QCOMPARE(staff.findManagerByPin(QStringLiteral("2468")).error().code,
                     QStringLiteral("staff.locked"));
            now += 61'000;
            QVERIFY(staff.verify(QStringLiteral("1001"), QStringLiteral("2468")).ok());
            QVERIFY(staff.findManagerByPin(QStringLiteral("2468")).ok());
        }
        reopen(store);
        {
            // The right PIN reset the count: four wrong ones do not lock.
            StaffStore staff(store->database(), [&now] { return now; });
            for (int i = 0; i < 4; ++i)
                QCOMPARE(staff.verify(QStringLiteral("1001"), QStringLiteral("1111")).error().code,
                         QStringLiteral("staff.wrong_pin"));
            QVERIFY(staff.verify(QStringLiteral("1001"), QStringLiteral("2468")).ok());
        }
    }

    void refundLedgerKeepsNumbersAndLimits() {
        OrderStore store(OrderStoreOptions{QStringLiteral("S01"), QStringLiteral("T01"), {}});
        QVERIFY(store.open(m_dir->file(QStringLiteral("ledger.db"))).ok());
        Result<Order> o = store.createOrder(sale(1000));
        QVERIFY(o.ok());
        QCOMPARE(store.beginRefund(o->outTradeNo, 100, {}, QStringLiteral("9001")).error().code,
                 QStringLiteral("refund.not_paid"));
        OrderTransition paid;
        paid.outTradeNo = o->outTradeNo;
        paid.to = OrderState::Paid;
        paid.source = TransitionSource::Poll;
        QVERIFY(store.apply(paid).ok());

        Result<RefundRecord> a = store.beginRefund(o->outTradeNo, 600, {}, QStringLiteral("9001"));
        QVERIFY(a.ok());
        QCOMPARE(a->outRequestNo, o->outTradeNo + QStringLiteral("R1"));
        // An open refund counts against what is left.
        QCOMPARE(store.beginRefund(o->outTradeNo, 401, {}, QStringLiteral("9001")).error().code,
                 QStringLiteral("refund.amount"));
        Result<RefundRecord> b = store.beginRefund(o->outTradeNo, 400, {}, QStringLiteral("9001"));
        QVERIFY(b.ok());
        QCOMPARE(b->outRequestNo, o->outTradeNo + QStringLiteral("R2"));
        QCOMPARE(store.openRefunds()->size(), 2);

        OrderTransition part;
        part.outTradeNo = o->outTradeNo;
        part.to = OrderState::PartiallyRefunded;
        part.refundedFen = 600;
        part.source = TransitionSource::Request;
        QCOMPARE(*store.settleRefund(a->outRequestNo, RefundRecordState::Succeeded, part),
                 TransitionOutcome::Applied);
        // Settling the same refund again moves nothing (no double count).
        part.refundedFen = 1000;
        part.to = OrderState::Refunded;
        QCOMPARE(*store.settleRefund(a->outRequestNo, RefundRecordState::Succeeded, part),
                 TransitionOutcome::Duplicate);
        QCOMPARE(store.order(o->outTradeNo)->refundedFen, money::Fen(600));
        QVERIFY(store.settleRefund(b->outRequestNo, RefundRecordState::Failed, std::nullopt).ok());
        QCOMPARE(store.openRefunds()->size(), 0);
        QCOMPARE(store.refunds(o->outTradeNo)->size(), 2);
        QCOMPARE(store.refunds(o->outTradeNo)->at(1).state, RefundRecordState::Failed);
    }

    // A refund the provider holds stays open: its amount is not refundable again, recovery
    // sees it, and it can still end succeeded.
    void heldRefundStaysOpenUntilItEnds() {
        OrderStore store(OrderStoreOptions{QStringLiteral("S01"), QStringLiteral("T01"), {}});
        QVERIFY(store.open(m_dir->file(QStringLiteral("held.db"))).ok());
        Result<Order> o = store.createOrder(sale(1000));
        QVERIFY(o.ok());
        OrderTransition paid;
        paid.outTradeNo = o->outTradeNo;
        paid.to = OrderState::Paid;
        paid.source = TransitionSource::Poll;
        QVERIFY(store.apply(paid).ok());
        Result<RefundRecord> held =
            store.beginRefund(o->outTradeNo, 700, {}, QStringLiteral("9001"));
        QVERIFY(held.ok());
        QCOMPARE(*store.settleRefund(held->outRequestNo, RefundRecordState::HeldByProvider,
                                     std::nullopt),
                 TransitionOutcome::Applied);
        QCOMPARE(*store.settleRefund(held->outRequestNo, RefundRecordState::HeldByProvider,
                                     std::nullopt),
                 TransitionOutcome::Duplicate);
        QCOMPARE(store.openRefunds()->size(), 1);
        const Error refused =
            store.beginRefund(o->outTradeNo, 301, {}, QStringLiteral("9001")).error();
        QCOMPARE(refused.code, QStringLiteral("refund.held"));
        QVERIFY2(refused.message.contains(QStringLiteral("merchant platform")),
                 qPrintable(refused.message));
        QVERIFY(store.beginRefund(o->outTradeNo, 300, {}, QStringLiteral("9001")).ok());

        OrderTransition part;
        part.outTradeNo = o->outTradeNo;
        part.to = OrderState::PartiallyRefunded;
        part.refundedFen = 700;
        part.source = TransitionSource::Recovery;
        QCOMPARE(*store.settleRefund(held->outRequestNo, RefundRecordState::Succeeded, part),
                 TransitionOutcome::Applied);
        QCOMPARE(store.order(o->outTradeNo)->refundedFen, money::Fen(700));
        QCOMPARE(store.openRefunds()->size(), 1); // the 3.00 one, still requested
    }

    // A cancel's refund the provider has not finished: paid and the refund open, together.
    void cancelRefundIsWrittenWithThePayment() {
        OrderStore store(OrderStoreOptions{QStringLiteral("S01"), QStringLiteral("T01"), {}});
        QVERIFY(store.open(m_dir->file(QStringLiteral("cancel.db"))).ok());
        Result<Order> o = store.createOrder(sale(500));
        QVERIFY(o.ok());
        OrderTransition paid;
        paid.outTradeNo = o->outTradeNo;
        paid.to = OrderState::Paid;
        paid.source = TransitionSource::Poll;
        paid.actor = QStringLiteral("engine");
        Result<RefundRecord> r =
            store.beginCancelRefund(paid, o->outTradeNo + u'C', 500, QStringLiteral("engine"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->state, RefundRecordState::Requested);
        QCOMPARE(store.order(o->outTradeNo)->state, OrderState::Paid);
        QCOMPARE(store.openRefunds()->size(), 1);
        // Again: the same refund, nothing new.
        Result<RefundRecord> again =
            store.beginCancelRefund(paid, o->outTradeNo + u'C', 500, QStringLiteral("engine"));
        QVERIFY(again.ok());
        QCOMPARE(again->id, r->id);
        QCOMPARE(store.refunds(o->outTradeNo)->size(), 1);
        // The refund ledger's own numbers go on after it.
        QCOMPARE(store.beginRefund(o->outTradeNo, 1, {}, QStringLiteral("9001")).error().code,
                 QStringLiteral("refund.amount"));
    }
};

QTEST_GUILESS_MAIN(TestTillService)
#include "tst_till_service.moc"
