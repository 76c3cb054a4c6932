// Cash at the till, in the ledger: a cash sale and a cash refund are each one transaction with
// their events, outbox rows and report lines; provider answers never move a cash order; the
// drawer's figures come from the one report function, for the shift count, the X and the Z.
#include "core/reports/CashFigures.h"
#include "core/reports/ReportBuilder.h"
#include "core/reports/ShiftBook.h"
#include "core/reports/ZReportBook.h"
#include "core/staff/StaffStore.h"
#include "core/storage/OrderStore.h"
#include "tests/support/TempDir.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QTest>

using namespace qpos;
using namespace qpos::reports;

namespace {

// 2026-11-23 10:00:00 China time.
constexpr qint64 kMorning = 1795399200000;
constexpr qint64 kHourMs = 3600LL * 1000;
constexpr int kDay = 20261123;

struct Fixture {
    test::TempDir dir;
    qint64 clock = kMorning;
    std::function<qint64()> now = [this] {
        return clock;
    };
    OrderStore store{OrderStoreOptions{QStringLiteral("S001"), QStringLiteral("T01"), now}};
    std::unique_ptr<StaffStore> staff;
    ShiftBook shifts{store.database(), now};
    ZReportBook zs{store.database(), now};

    Fixture() {
        const Status s = store.open(dir.file(QStringLiteral("orders.db")));
        if (!s.ok())
            qFatal("open failed: %s", qPrintable(s.error().message));
        staff = std::make_unique<StaffStore>(store.database(), now);
        if (!staff
                 ->save(StaffMember{QStringLiteral("9001"), QStringLiteral("Boss"),
                                    StaffRole::Manager},
                        QStringLiteral("9999"))
                 .ok() ||
            !staff
                 ->save(StaffMember{QStringLiteral("1001"), QStringLiteral("Till"),
                                    StaffRole::Cashier},
                        QStringLiteral("1234"))
                 .ok())
            qFatal("staff not saved");
    }

    static NewOrder cashOrder(money::Fen amount) {
        NewOrder n;
        n.channel = Channel::Cash;
        n.flow = PaymentFlow::Cash;
        n.amountFen = amount;
        n.subject = QStringLiteral("Tea");
        n.cashierId = QStringLiteral("1001");
        return n;
    }

    qint64 count(const QString& sql) {
        QSqlQuery q(store.database().handle());
        if (!q.exec(sql) || !q.next())
            qFatal("query failed: %s", qPrintable(sql));
        return q.value(0).toLongLong();
    }
};

} // namespace

class TestCashLedger : public QObject {
    Q_OBJECT

private slots:
    void aCashSaleIsPaidWithItsEventsAndOutboxInOneGo() {
        Fixture f;
        const Result<Order> sale = f.store.recordCashSale(Fixture::cashOrder(1250), 2000);
        QVERIFY2(sale.ok(), qPrintable(sale.ok() ? QString() : sale.error().message));
        QCOMPARE(sale->state, OrderState::Paid);
        QCOMPARE(sale->channel, Channel::Cash);
        const OrderWithEvents stored = *f.store.orderWithEvents(sale->outTradeNo);
        QCOMPARE(stored.order.state, OrderState::Paid);
        QCOMPARE(*stored.order.paidAtMs, kMorning);
        QCOMPARE(stored.events.size(), 2);
        QCOMPARE(stored.events[0].newState, OrderState::Created);
        QCOMPARE(stored.events[1].newState, OrderState::Paid);
        QCOMPARE(stored.events[1].source, TransitionSource::Cash);
        QCOMPARE(stored.events[1].note, QStringLiteral("cash tendered 20.00, change 7.50"));
        // Both changes go to the store backend, the payment as channel cash.
        const QList<OutboxEntry> outbox = *f.store.pendingOutbox(10);
        QCOMPARE(outbox.size(), 2);
        const QJsonObject paid = QJsonDocument::fromJson(outbox[1].payload).object();
        QCOMPARE(paid.value(u"channel").toString(), QStringLiteral("cash"));
        QCOMPARE(paid.value(u"new_state").toString(), QStringLiteral("paid"));
        QCOMPARE(paid.value(u"source").toString(), QStringLiteral("cash"));
        // Nothing is left for recovery: a cash order is never queried.
        QVERIFY(f.store.openOrders()->isEmpty());
        // The report's cash column is fed.
        const SalesReport day = *buildSalesReport(f.store.database(), ReportScope{kDay, kDay, 0});
        bool found = false;
        for (const ChannelFigures& c : day.channels) {
            if (c.channel == QLatin1String("cash")) {
                found = true;
                QCOMPARE(c.figures.saleFen, 1250);
                QCOMPARE(c.figures.saleCount, 1);
            }
        }
        QVERIFY(found);
    }

    void aFailedCashSaleLeavesNothing() {
        Fixture f;
        // Less than the amount: refused before anything is written.
        QCOMPARE(f.store.recordCashSale(Fixture::cashOrder(1250), 1000).error().code,
                 QStringLiteral("order.cash_tendered"));
        // A bad order (no subject) fails inside the transaction: nothing half-written.
        NewOrder bad = Fixture::cashOrder(1250);
        bad.subject.clear();
        QVERIFY(!f.store.recordCashSale(bad, 2000).ok());
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM orders")), 0);
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM outbox")), 0);
        // A provider's sale is not a cash sale, and a cash sale never waits for a provider.
        NewOrder alipay = Fixture::cashOrder(100);
        alipay.channel = Channel::Alipay;
        alipay.flow = PaymentFlow::QrCode;
        QCOMPARE(f.store.recordCashSale(alipay, 100).error().code,
                 QStringLiteral("order.not_cash"));
        QCOMPARE(f.store.createOrder(Fixture::cashOrder(100)).error().code,
                 QStringLiteral("order.cash_sale"));
    }

    void noProviderAnswerMovesACashOrder() {
        Fixture f;
        const Order sale = *f.store.recordCashSale(Fixture::cashOrder(500), 500);
        for (TransitionSource source :
             {TransitionSource::Request, TransitionSource::Poll, TransitionSource::Push,
              TransitionSource::Recovery, TransitionSource::Reconcile}) {
            OrderTransition t;
            t.outTradeNo = sale.outTradeNo;
            t.to = OrderState::Refunded;
            t.source = source;
            QCOMPARE(f.store.apply(t).error().code, QStringLiteral("order.cash_source"));
        }
        QCOMPARE(f.store.order(sale.outTradeNo)->state, OrderState::Paid);
        // Nor does a cash record move a provider's order.
        NewOrder qr = Fixture::cashOrder(500);
        qr.channel = Channel::WeChat;
        qr.flow = PaymentFlow::QrCode;
        const Order wechat = *f.store.createOrder(qr);
        OrderTransition cash;
        cash.outTradeNo = wechat.outTradeNo;
        cash.to = OrderState::Paid;
        cash.source = TransitionSource::Cash;
        QCOMPARE(f.store.apply(cash).error().code, QStringLiteral("order.cash_source"));
    }

    void aCashRefundNeedsAManagerAndIsRecordedAtOnce() {
        Fixture f;
        const Order sale = *f.store.recordCashSale(Fixture::cashOrder(1000), 1000);
        const qint64 outboxBefore = f.count(QStringLiteral("SELECT COUNT(*) FROM outbox"));
        QCOMPARE(f.store
                     .recordCashRefund(sale.outTradeNo, 300, QStringLiteral("broken cup"),
                                       QStringLiteral("1001"))
                     .error()
                     .code,
                 QStringLiteral("refund.cash_needs_manager"));
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM refunds")), 0);
        // A provider refund path cannot take it either.
        QCOMPARE(f.store.beginRefund(sale.outTradeNo, 300, QString(), QStringLiteral("9001"))
                     .error()
                     .code,
                 QStringLiteral("refund.channel"));

        const Result<RefundRecord> r = f.store.recordCashRefund(
            sale.outTradeNo, 300, QStringLiteral("broken cup"), QStringLiteral("9001"));
        QVERIFY(r.ok());
        QCOMPARE(r->state, RefundRecordState::Succeeded);
        const Order after = *f.store.order(sale.outTradeNo);
        QCOMPARE(after.state, OrderState::PartiallyRefunded);
        QCOMPARE(after.refundedFen, 300);
        QCOMPARE(f.count(QStringLiteral("SELECT COUNT(*) FROM outbox")), outboxBefore + 1);
        QVERIFY(f.store.openRefunds()->isEmpty()); // nothing for recovery to ask about
        // More than what is left is refused; the rest refunds the order.
        QCOMPARE(f.store.recordCashRefund(sale.outTradeNo, 800, QString(), QStringLiteral("9001"))
                     .error()
                     .code,
                 QStringLiteral("refund.amount"));
        QVERIFY(
            f.store.recordCashRefund(sale.outTradeNo, 700, QString(), QStringLiteral("9001")).ok());
        QCOMPARE(f.store.order(sale.outTradeNo)->state, OrderState::Refunded);
        const SalesReport day = *buildSalesReport(f.store.database(), ReportScope{kDay, kDay, 0});
        QCOMPARE(day.refunds.size(), 2);
        QCOMPARE(day.refunds[0].reason, QStringLiteral("broken cup"));
        QCOMPARE(day.refunds[0].approvedBy, QStringLiteral("9001"));
        QCOMPARE(day.cash.refundsFen, 1000);
    }

    void theExpectedCashIsFloatPlusSalesMinusRefunds() {
        QCOMPARE(expectedCashFen(50000, 12000, 3000), 59000);
        const CashFigures c = cashFiguresOf(50000, 12000, 3000);
        QCOMPARE(c.expectedFen, 59000);
        QVERIFY(!c.countedFen);
        QVERIFY(CashFigures{}.isEmpty());
    }

    void aCountThatDiffersNeedsAReasonAndIsStored() {
        Fixture f;
        const Shift s = *f.shifts.openShift(QStringLiteral("1001"), 20000);
        QVERIFY(f.store.recordCashSale(Fixture::cashOrder(1500), 2000).ok());
        const Order second = *f.store.recordCashSale(Fixture::cashOrder(800), 1000);
        QVERIFY(f.store
                    .recordCashRefund(second.outTradeNo, 300, QStringLiteral("returned"),
                                      QStringLiteral("9001"))
                    .ok());
        const SalesReport x = *buildSalesReport(f.store.database(), ReportScope{0, 0, s.id});
        QCOMPARE(x.cash.openingFloatFen, 20000);
        QCOMPARE(x.cash.salesFen, 2300);
        QCOMPARE(x.cash.refundsFen, 300);
        QCOMPARE(x.cash.expectedFen, 22000);

        // 1 yuan short with no reason: refused, the shift stays open.
        const Result<Shift> refused = f.shifts.closeShift(s.id, QStringLiteral("1001"),
                                                          CashCount{21900, QStringLiteral(" ")});
        QCOMPARE(refused.error().code, QStringLiteral("shift.reason"));
        QVERIFY(f.shifts.shift(s.id)->isOpen());

        f.clock += kHourMs;
        const Result<Shift> closed = f.shifts.closeShift(
            s.id, QStringLiteral("1001"), CashCount{21900, QStringLiteral("wrong change")});
        QVERIFY(closed.ok());
        QVERIFY(!closed->isOpen());
        QCOMPARE(*closed->expectedCashFen, 22000);
        QCOMPARE(*closed->countedCashFen, 21900);
        QCOMPARE(closed->cashDifferenceReason, QStringLiteral("wrong change"));

        // The X after the count and the Z show the same figures, from the same function.
        const SalesReport after = *buildSalesReport(f.store.database(), ReportScope{0, 0, s.id});
        QCOMPARE(*after.cash.countedFen, 21900);
        QCOMPARE(*after.cash.differenceFen, -100);
        QCOMPARE(after.cash.differenceReason, QStringLiteral("wrong change"));
        QSqlQuery q(f.store.database().handle());
        q.exec(QStringLiteral("UPDATE outbox SET sent_at_ms = 1"));
        const Result<ZReport> z = f.zs.take(QStringLiteral("9001"), false);
        QVERIFY2(z.ok(), qPrintable(z.ok() ? QString() : z.error().message));
        CashFigures zCash = z->snapshot.cash;
        QCOMPARE(zCash.openingFloatFen, 20000);
        QCOMPARE(zCash.expectedFen, 22000);
        QCOMPARE(*zCash.countedFen, 21900);
        QCOMPARE(*zCash.differenceFen, -100);
        QVERIFY(zCash.differenceReason.contains(QStringLiteral("wrong change")));
        // The Z's stored snapshot reads back the same.
        const QList<ZReport> listed = *f.zs.list(1);
        QCOMPARE(listed.first().snapshot.cash, z->snapshot.cash);
    }

    void aCountThatMatchesNeedsNoReason() {
        Fixture f;
        const Shift s = *f.shifts.openShift(QStringLiteral("1001"), 10000);
        QVERIFY(f.store.recordCashSale(Fixture::cashOrder(500), 500).ok());
        const Result<Shift> closed =
            f.shifts.closeShift(s.id, QStringLiteral("1001"), CashCount{10500, QString()});
        QVERIFY(closed.ok());
        QCOMPARE(*closed->countedCashFen, 10500);
        QVERIFY(closed->cashDifferenceReason.isEmpty());
        QCOMPARE(f.shifts.closeShift(s.id, QStringLiteral("1001"), CashCount{-1, QString()})
                     .error()
                     .code,
                 QStringLiteral("shift.counted"));
    }
};

QTEST_GUILESS_MAIN(TestCashLedger)
#include "tst_cash_ledger.moc"
