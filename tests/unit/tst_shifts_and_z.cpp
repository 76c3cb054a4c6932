#include "core/reports/ReportBuilder.h"
#include "core/reports/ShiftBook.h"
#include "core/reports/ZReportBook.h"
#include "core/storage/OrderStore.h"
#include "tests/support/TempDir.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace qpos;
using namespace qpos::reports;

namespace {

// 2026-11-23 10:00:00 China time.
constexpr qint64 kMorning = 1795399200000;
constexpr qint64 kHourMs = 3600LL * 1000;
constexpr qint64 kDayMs = 24 * kHourMs;
constexpr int kDay = 20261123;

struct Fixture {
    test::TempDir dir;
    qint64 clock = kMorning;
    std::function<qint64()> now = [this] {
        return clock;
    };
    OrderStore store{OrderStoreOptions{QStringLiteral("S001"), QStringLiteral("T01"), now}};
    ShiftBook shifts{store.database(), now};
    ZReportBook zs{store.database(), now};

    Fixture() {
        const Status s = store.open(dir.file(QStringLiteral("orders.db")));
        if (!s.ok())
            qFatal("open failed: %s", qPrintable(s.error().message));
    }

    Order create(money::Fen amount, const QString& cashier) {
        NewOrder n;
        n.amountFen = amount;
        n.subject = QStringLiteral("Test sale");
        n.cashierId = cashier;
        return *store.createOrder(n);
    }
    void pay(const Order& order) {
        OrderTransition t;
        t.outTradeNo = order.outTradeNo;
        t.to = OrderState::Paid;
        t.source = TransitionSource::Request;
        t.paidAtMs = clock;
        if (!store.apply(t).ok())
            qFatal("apply failed");
    }
    Order sale(money::Fen amount, const QString& cashier) {
        const Order o = create(amount, cashier);
        pay(o);
        return o;
    }
    void everythingUploaded() {
        QSqlQuery q(store.database().handle());
        q.exec(QStringLiteral("UPDATE outbox SET sent_at_ms = 1"));
    }
    SalesReport day(int d) { return *buildSalesReport(store.database(), ReportScope{d, d, 0}); }
};

} // namespace

class TestShiftsAndZ : public QObject {
    Q_OBJECT

private slots:
    void aShiftOpensAtLoginAndGoesOnAfterABreak() {
        Fixture f;
        const Result<Shift> first = f.shifts.openShift(QStringLiteral("c1"), std::nullopt);
        QVERIFY(first.ok());
        QVERIFY(first->isOpen());
        QVERIFY(!first->openingFloatFen);
        f.clock += kHourMs;
        const Result<Shift> again = f.shifts.openShift(QStringLiteral("c1"), std::nullopt);
        QCOMPARE(again->id, first->id);
        QCOMPARE(again->openedAtMs, kMorning);
        QCOMPARE((*f.shifts.openShiftNow())->id, first->id);
    }

    void anotherCashiersLoginClosesTheOpenShift() {
        Fixture f;
        const Shift a = *f.shifts.openShift(QStringLiteral("c1"), std::nullopt);
        f.clock += kHourMs;
        const Shift b = *f.shifts.openShift(QStringLiteral("c2"), 5000);
        QVERIFY(b.id != a.id);
        QCOMPARE(*b.openingFloatFen, 5000);
        const Shift closed = *f.shifts.shift(a.id);
        QCOMPARE(*closed.closedAtMs, kMorning + kHourMs);
        QCOMPARE(closed.closedBy, QStringLiteral("c2"));
        QCOMPARE((*f.shifts.openShiftNow())->cashierId, QStringLiteral("c2"));
    }

    void badShiftInputIsRefused() {
        Fixture f;
        QCOMPARE(f.shifts.openShift(QString(), std::nullopt).error().code,
                 QStringLiteral("shift.cashier"));
        QCOMPARE(f.shifts.openShift(QStringLiteral("c1"), -1).error().code,
                 QStringLiteral("shift.float"));
        QCOMPARE(f.shifts.openShift(QStringLiteral("c1"), money::kMaxFen + 1).error().code,
                 QStringLiteral("shift.float"));
        QCOMPARE(f.shifts.closeShift(42, QStringLiteral("c1")).error().code,
                 QStringLiteral("shift.not_found"));
        QVERIFY(!f.shifts.openShiftNow()->has_value()); // nothing was written
    }

    void aShiftsXReportHasItsSalesOnly() {
        Fixture f;
        f.sale(100, QStringLiteral("c0")); // before any shift
        const Shift s = *f.shifts.openShift(QStringLiteral("c1"), std::nullopt);
        f.sale(1000, QStringLiteral("c1"));
        f.sale(2000, QStringLiteral("c1"));
        QVERIFY(f.shifts.closeShift(s.id, QStringLiteral("c1")).ok());
        QVERIFY(!f.shifts.closeShift(s.id, QStringLiteral("c1"))->isOpen()); // twice: no harm
        f.sale(400, QStringLiteral("c1")); // after the shift ended
        const Result<SalesReport> x = buildSalesReport(f.store.database(), ReportScope{0, 0, s.id});
        QCOMPARE(x->total.saleCount, 2);
        QCOMPARE(x->total.saleFen, 3000);
        QCOMPARE(f.day(kDay).total.saleFen, 3500);
    }

    void zClosesTheDayOnceWithAGapFreeNumberAndAFrozenSnapshot() {
        Fixture f;
        f.sale(1000, QStringLiteral("c1"));
        f.everythingUploaded();
        QCOMPARE(*f.zs.closedToday(), false);
        const Result<ZReport> z1 = f.zs.take(QStringLiteral("m1"), false);
        QVERIFY2(z1.ok(), qPrintable(z1.ok() ? QString() : z1.error().message));
        QCOMPARE(z1->seq, 1);
        QCOMPARE(z1->businessDay, kDay);
        QCOMPARE(z1->fromDay, kDay);
        QCOMPARE(z1->snapshot.total.saleFen, 1000);
        QCOMPARE(*f.zs.currentBusinessDay(), 20261124);
        QCOMPARE(*f.zs.closedToday(), true);

        // A second Z the same day is refused and says where new sales go.
        const Result<ZReport> twice = f.zs.take(QStringLiteral("m1"), false);
        QCOMPARE(twice.error().code, QStringLiteral("z.taken"));
        QVERIFY(twice.error().message.contains(QStringLiteral("2026-11-24")));

        // Sales after the Z count on the next business day; the Z's snapshot stays.
        f.clock += kHourMs;
        f.sale(700, QStringLiteral("c1"));
        QCOMPARE(f.day(kDay).total.saleFen, 1000);
        QCOMPARE(f.day(20261124).total.saleFen, 700);
        QCOMPARE(f.zs.find(1)->snapshot.total.saleFen, 1000);

        // Two days later the next Z covers both days since the last one, numbered 2.
        f.clock += 2 * kDayMs;
        QCOMPARE(*f.zs.closedToday(), false);
        f.sale(300, QStringLiteral("c1"));
        f.everythingUploaded();
        const Result<ZReport> z2 = f.zs.take(QStringLiteral("m2"), false);
        QCOMPARE(z2->seq, 2);
        QCOMPARE(z2->fromDay, 20261124);
        QCOMPARE(z2->businessDay, 20261125);
        QCOMPARE(z2->snapshot.total.saleFen, 1000);
        QCOMPARE(z2->snapshot.days.size(), 2);
        const QList<ZReport> all = *f.zs.list(10);
        QCOMPARE(all.size(), 2);
        QCOMPARE(all[0].seq, 2);
        QCOMPARE(all[1].takenBy, QStringLiteral("m1"));
        QVERIFY(all[1].takenByName.isEmpty()); // not in the staff list: the id alone
    }

    void zWarnsAboutOpenPaymentsAndUnsentChangesFirst() {
        Fixture f;
        const Order open = f.create(500, QStringLiteral("c1"));
        const Result<ZReport> refused = f.zs.take(QStringLiteral("m1"), false);
        QCOMPARE(refused.error().code, QStringLiteral("z.warnings"));
        QVERIFY(refused.error().message.contains(QStringLiteral("1 payment")));
        QCOMPARE(f.zs.warnings()->openOrders, 1);
        QCOMPARE(f.zs.warnings()->unsentChanges, 1);
        QVERIFY(f.zs.list(10)->isEmpty()); // nothing was taken

        // Taken anyway: the payment that completes later counts on the next day.
        const Result<ZReport> z = f.zs.take(QStringLiteral("m1"), true);
        QVERIFY(z.ok());
        QCOMPARE(z->snapshot.total.saleCount, 0);
        f.clock += kHourMs;
        f.pay(open);
        QCOMPARE(f.day(kDay).total.saleCount, 0);
        QCOMPARE(f.day(20261124).total.saleFen, 500);
    }

    void zWarnsWhileADrawerIsNotCounted() {
        Fixture f;
        QVERIFY(!f.zs.warnings()->drawerUncounted);
        // A shift without a drawer (cash off) leaves nothing to count.
        const Shift noCash = *f.shifts.openShift(QStringLiteral("c1"), std::nullopt);
        QVERIFY(!f.zs.warnings()->any());
        QVERIFY(f.shifts.closeShift(noCash.id, QStringLiteral("c1")).ok());

        const Shift withCash = *f.shifts.openShift(QStringLiteral("c2"), 5000);
        QVERIFY(f.zs.warnings()->drawerUncounted);
        const Result<ZReport> refused = f.zs.take(QStringLiteral("m1"), false);
        QCOMPARE(refused.error().code, QStringLiteral("z.warnings"));
        QVERIFY(refused.error().message.contains(QStringLiteral("not counted")));
        QVERIFY(f.shifts.closeShift(withCash.id, QStringLiteral("c2"), CashCount{5000, QString()})
                    .ok());
        QVERIFY(!f.zs.warnings()->any());
        QVERIFY(f.zs.take(QStringLiteral("m1"), false).ok());
    }

    void theDrawerFollowsTheBusinessDayAfterAZ() {
        Fixture f;
        const Shift before = *f.shifts.openShift(QStringLiteral("c1"), 10000);
        QVERIFY(
            f.shifts.closeShift(before.id, QStringLiteral("c1"), CashCount{10000, QString()}).ok());
        f.clock += kHourMs;
        QVERIFY(f.zs.take(QStringLiteral("m1"), true).ok());
        f.clock += kHourMs; // the same calendar day, after its Z: the next business day
        QVERIFY(f.shifts.openShift(QStringLiteral("c2"), 5000).ok());

        const SalesReport closed = f.day(kDay);
        QCOMPARE(closed.cash.openingFloatFen, 10000);
        QCOMPARE(closed.cash.countedFen, std::optional<money::Fen>(10000));
        QCOMPARE(closed.cash.differenceFen, std::optional<money::Fen>(0));
        const SalesReport next = f.day(20261124);
        QCOMPARE(next.cash.openingFloatFen, 5000);
        QVERIFY(!next.cash.countedFen);
        // A range over both days has both shifts.
        const SalesReport both =
            *buildSalesReport(f.store.database(), ReportScope{kDay, 20261124, 0});
        QCOMPARE(both.cash.openingFloatFen, 15000);
    }

    void aZIsNeverChangedOrDeleted() {
        Fixture f;
        QVERIFY(f.zs.take(QStringLiteral("m1"), true).ok());
        QSqlQuery q(f.store.database().handle());
        QVERIFY(!q.exec(QStringLiteral("UPDATE z_reports SET snapshot = '{}'")));
        QVERIFY(q.lastError().text().contains(QStringLiteral("never changed")));
        QVERIFY(!q.exec(QStringLiteral("DELETE FROM z_reports")));
        QCOMPARE(f.zs.find(1)->seq, 1);
        QCOMPARE(f.zs.find(2).error().code, QStringLiteral("z.not_found"));
        QCOMPARE(f.zs.take(QString(), true).error().code, QStringLiteral("z.manager"));
    }
};

QTEST_GUILESS_MAIN(TestShiftsAndZ)
#include "tst_shifts_and_z.moc"
