#include "core/calendar/ChinaCalendar.h"
#include "core/reports/ReportBuilder.h"
#include "core/reports/ReportCsv.h"
#include "core/reports/ReportPeriod.h"
#include "core/storage/OrderStore.h"
#include "tests/support/TempDir.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QTest>

#include <utility>

using namespace qpos;
using namespace qpos::reports;

namespace {

// 2026-11-23 (a Monday) 10:00:00 China time.
constexpr qint64 kMorning = 1795399200000;
constexpr qint64 kHourMs = 3600LL * 1000;
constexpr qint64 kDayMs = 24 * kHourMs;
constexpr int kDay = 20261123;

struct Fixture {
    test::TempDir dir;
    qint64 clock = kMorning;
    OrderStore store{OrderStoreOptions{QStringLiteral("S001"), QStringLiteral("T01"), [this] {
                                           return clock;
                                       }}};

    Fixture() {
        const Status s = store.open(dir.file(QStringLiteral("orders.db")));
        if (!s.ok())
            qFatal("open failed: %s", qPrintable(s.error().message));
    }

    Order sale(money::Fen amount, Channel channel, const QString& cashier,
               OrderState to = OrderState::Paid) {
        NewOrder n;
        n.channel = channel;
        n.amountFen = amount;
        n.subject = QStringLiteral("Test sale");
        n.cashierId = cashier;
        Result<Order> order = store.createOrder(n);
        if (!order.ok())
            qFatal("create failed: %s", qPrintable(order.error().message));
        OrderTransition t;
        t.outTradeNo = order->outTradeNo;
        t.to = to;
        t.source = TransitionSource::Request;
        t.paidAtMs = clock;
        if (!store.apply(t).ok())
            qFatal("apply failed");
        return *order;
    }

    // A refund approved by `manager` for `reason`, settled by the provider's answer.
    void refund(const Order& order, money::Fen amount, money::Fen refundedAfter,
                const QString& manager, const QString& reason) {
        Result<RefundRecord> r = store.beginRefund(order.outTradeNo, amount, reason, manager);
        if (!r.ok())
            qFatal("refund failed: %s", qPrintable(r.error().message));
        OrderTransition t;
        t.outTradeNo = order.outTradeNo;
        t.to =
            refundedAfter == order.amountFen ? OrderState::Refunded : OrderState::PartiallyRefunded;
        t.refundedFen = refundedAfter;
        t.source = TransitionSource::Request;
        t.actor = manager;
        t.note = QStringLiteral("refund note");
        if (!store.settleRefund(r->outRequestNo, RefundRecordState::Succeeded, t).ok())
            qFatal("settle failed");
    }

    SalesReport report(int from, int to) {
        Result<SalesReport> r = buildSalesReport(store.database(), ReportScope{from, to, 0});
        if (!r.ok())
            qFatal("report failed: %s", qPrintable(r.error().message));
        return *r;
    }

    void exec(const QString& sql) {
        QSqlQuery q(store.database().handle());
        if (!q.exec(sql))
            qFatal("sql failed: %s", qPrintable(sql));
    }
};

const Figures& channelFigures(const SalesReport& r, const QString& channel) {
    for (const ChannelFigures& c : r.channels) {
        if (c.channel == channel)
            return c.figures;
    }
    qFatal("no channel %s", qPrintable(channel));
}

} // namespace

class TestSalesReport : public QObject {
    Q_OBJECT

private slots:
    void periodsAreChinaDates() {
        // 2026-11-25 (a Wednesday) 23:30 China time is still the 25th there, the 25th in UTC.
        const qint64 wednesdayLate = kMorning + 2 * kDayMs + 13 * kHourMs + 30 * 60000;
        QCOMPARE(resolvePeriod(PeriodKind::Today, wednesdayLate)->fromDay, 20261125);
        QCOMPARE(resolvePeriod(PeriodKind::Yesterday, wednesdayLate)->toDay, 20261124);
        QCOMPARE(resolvePeriod(PeriodKind::ThisWeek, wednesdayLate)->fromDay, 20261123);
        QCOMPARE(resolvePeriod(PeriodKind::ThisWeek, wednesdayLate)->toDay, 20261125);
        QCOMPARE(resolvePeriod(PeriodKind::ThisMonth, wednesdayLate)->fromDay, 20261101);
        // 00:30 China time on the 26th is 16:30 UTC on the 25th: China's date wins.
        const qint64 afterMidnight = wednesdayLate + kHourMs;
        QCOMPARE(resolvePeriod(PeriodKind::Today, afterMidnight)->fromDay, 20261126);
        // On a Sunday the week began six days earlier.
        QCOMPARE(resolvePeriod(PeriodKind::ThisWeek, kMorning + 6 * kDayMs)->fromDay, 20261123);
        const Result<DayRange> custom =
            resolvePeriod(PeriodKind::Custom, kMorning, QDate(2026, 2, 1), QDate(2026, 3, 1));
        QCOMPARE(custom->fromDay, 20260201);
        QCOMPARE(custom->toDay, 20260301);
    }

    void badCustomPeriodsAreRefusedWithWhatToDo() {
        const Result<DayRange> missing =
            resolvePeriod(PeriodKind::Custom, kMorning, QDate(), QDate(2026, 3, 1));
        QCOMPARE(missing.error().code, QStringLiteral("report.dates"));
        const Result<DayRange> reversed =
            resolvePeriod(PeriodKind::Custom, kMorning, QDate(2026, 3, 2), QDate(2026, 3, 1));
        QCOMPARE(reversed.error().code, QStringLiteral("report.dates_order"));
        QVERIFY(reversed.error().message.contains(QStringLiteral("swap")));
        const Result<DayRange> tooLong =
            resolvePeriod(PeriodKind::Custom, kMorning, QDate(2024, 1, 1), QDate(2025, 1, 1));
        QCOMPARE(tooLong.error().code, QStringLiteral("report.dates_long"));
        QVERIFY(resolvePeriod(PeriodKind::Custom, kMorning, QDate(2024, 1, 1), QDate(2024, 12, 31))
                    .ok()); // a leap year is 366 days

        Fixture f;
        QCOMPARE(
            buildSalesReport(f.store.database(), ReportScope{20261124, 20261123, 0}).error().code,
            QStringLiteral("report.dates_order"));
        QCOMPARE(
            buildSalesReport(f.store.database(), ReportScope{20261340, 20261341, 0}).error().code,
            QStringLiteral("report.dates"));
        f.store.close();
        QCOMPARE(buildSalesReport(f.store.database(), ReportScope{kDay, kDay, 0}).error().code,
                 QStringLiteral("db.closed"));
    }

    void emptyReportHasEveryRowAtZero() {
        Fixture f;
        const SalesReport r = f.report(20261101, 20261130);
        QCOMPARE(r.total, Figures{});
        QCOMPARE(r.averageTicketFen(), 0);
        QCOMPARE(r.hours.size(), 24);
        QCOMPARE(r.days.size(), 30);
        QCOMPARE(r.days.first().day, 20261101);
        QCOMPARE(r.days.last().day, 20261130);
        QCOMPARE(r.channels.size(), 2);
        QVERIFY(r.cashiers.isEmpty());
        QVERIFY(r.refunds.isEmpty());
    }

    void everySectionAddsUpFromTheOrders() {
        Fixture f;
        f.exec(QStringLiteral("INSERT INTO staff VALUES ('c1', 'Li Na', 'cashier', 'x', 0)"));
        const Order tea = f.sale(1000, Channel::Alipay, QStringLiteral("c1"));
        f.clock += kHourMs; // 11:00
        const Order cake = f.sale(2501, Channel::WeChat, QStringLiteral("c2"));
        f.sale(700, Channel::WeChat, QStringLiteral("c1"));
        f.sale(900, Channel::Alipay, QStringLiteral("c1"), OrderState::Cancelled); // no sale
        f.clock += kHourMs;                                                        // 12:00
        f.refund(cake, 501, 501, QStringLiteral("m1"), QStringLiteral("broken cake"));

        const SalesReport r = f.report(kDay, kDay);
        QCOMPARE(r.total.saleCount, 3);
        QCOMPARE(r.total.saleFen, 4201);
        QCOMPARE(r.total.refundCount, 1);
        QCOMPARE(r.total.refundFen, 501);
        QCOMPARE(r.total.netFen(), 3700);
        QCOMPARE(r.averageTicketFen(), 1400); // 4201 / 3 = 1400.33
        QCOMPARE(channelFigures(r, QStringLiteral("alipay")).saleFen, 1000);
        QCOMPARE(channelFigures(r, QStringLiteral("wechat")).saleFen, 3201);
        QCOMPARE(channelFigures(r, QStringLiteral("wechat")).refundFen, 501);
        QCOMPARE(r.hours[10].figures.saleFen, 1000);
        QCOMPARE(r.hours[11].figures.saleCount, 2);
        QCOMPARE(r.hours[12].figures.refundFen, 501);
        QCOMPARE(r.days.size(), 1);
        QCOMPARE(r.days[0].figures, r.total);
        QCOMPARE(r.cashiers.size(), 2);
        QCOMPARE(r.cashiers[0].cashierId, QStringLiteral("c1"));
        QCOMPARE(r.cashiers[0].name, QStringLiteral("Li Na"));
        QCOMPARE(r.cashiers[0].figures.saleFen, 1700);
        QCOMPARE(r.cashiers[1].name, QString()); // not on the staff list any more
        QCOMPARE(r.cashiers[1].figures.refundFen, 501);
        QCOMPARE(r.refunds.size(), 1);
        QCOMPARE(r.refunds[0].outTradeNo, cake.outTradeNo);
        QCOMPARE(r.refunds[0].amountFen, 501);
        QCOMPARE(r.refunds[0].approvedBy, QStringLiteral("m1"));
        QCOMPARE(r.refunds[0].reason, QStringLiteral("broken cake"));
        QCOMPARE(r.refunds[0].atMs, kMorning + 2 * kHourMs);
        Q_UNUSED(tea);
    }

    void aRepeatedAnswerCountsOnce() {
        Fixture f;
        const Order tea = f.sale(1000, Channel::Alipay, QStringLiteral("c1"));
        OrderTransition again;
        again.outTradeNo = tea.outTradeNo;
        again.to = OrderState::Paid;
        again.source = TransitionSource::Push;
        QCOMPARE(*f.store.apply(again), TransitionOutcome::Duplicate);
        QCOMPARE(f.report(kDay, kDay).total.saleCount, 1);
    }

    void aRefundCountsOnTheDayItIsMade() {
        Fixture f;
        const Order tea = f.sale(1000, Channel::Alipay, QStringLiteral("c1"));
        f.clock += 2 * kDayMs;
        f.refund(tea, 400, 400, QStringLiteral("m1"), QStringLiteral("cold"));
        const SalesReport saleDay = f.report(kDay, kDay);
        QCOMPARE(saleDay.total.saleFen, 1000);
        QCOMPARE(saleDay.total.refundFen, 0);
        const SalesReport refundDay = f.report(20261125, 20261125);
        QCOMPARE(refundDay.total.saleFen, 0);
        QCOMPARE(refundDay.total.refundFen, 400);
        QCOMPARE(refundDay.refunds.size(), 1);
        const SalesReport both = f.report(kDay, 20261125);
        QCOMPARE(both.days.size(), 3);
        QCOMPARE(both.days[1].figures, Figures{});
        QCOMPARE(both.total.netFen(), 600);
    }

    void aSaleCountsWhenTheBuyerPaid() {
        // Recovery learns of a sale the next morning; it counts at the provider's paid time.
        Fixture f;
        NewOrder n;
        n.amountFen = 800;
        n.subject = QStringLiteral("late");
        const Order order = *f.store.createOrder(n);
        f.clock += kDayMs;
        OrderTransition t;
        t.outTradeNo = order.outTradeNo;
        t.to = OrderState::Paid;
        t.source = TransitionSource::Recovery;
        t.paidAtMs = kMorning + 5 * 60000;
        QCOMPARE(*f.store.apply(t), TransitionOutcome::Applied);
        QCOMPARE(f.report(kDay, kDay).hours[10].figures.saleFen, 800);
        QCOMPARE(f.report(20261124, 20261124).total.saleFen, 0);
    }

    void afterAZChangesFallIntoTheNextBusinessDay() {
        Fixture f;
        const Order tea = f.sale(1000, Channel::Alipay, QStringLiteral("c1"));
        f.exec(QStringLiteral("INSERT INTO z_reports VALUES (1, %1, %1, %2, 'm1', '{}')")
                   .arg(kDay)
                   .arg(kMorning + kHourMs));
        f.clock += 2 * kHourMs; // 12:00 the same day, after the Z
        f.sale(300, Channel::WeChat, QStringLiteral("c1"));
        f.refund(tea, 1000, 1000, QStringLiteral("m1"), QStringLiteral("wrong item"));
        const SalesReport closed = f.report(kDay, kDay);
        QCOMPARE(closed.total.saleFen, 1000);
        QCOMPARE(closed.total.refundFen, 0);
        const SalesReport next = f.report(20261124, 20261124);
        QCOMPARE(next.total.saleFen, 300);
        QCOMPARE(next.total.refundFen, 1000);
        QCOMPARE(next.hours[12].figures.saleFen, 300); // the hour it was written
        QCOMPARE(next.refunds.size(), 1);
        QCOMPARE(next.refunds[0].businessDay, 20261124);
    }

    void aShiftReportHasOnlyItsShift() {
        Fixture f;
        f.sale(1000, Channel::Alipay, QStringLiteral("c1")); // no shift open
        f.exec(QStringLiteral("INSERT INTO shifts (id, cashier_id, opened_at_ms) "
                              "VALUES (7, 'c2', %1)")
                   .arg(f.clock));
        const Order cake = f.sale(500, Channel::WeChat, QStringLiteral("c2"));
        f.refund(cake, 100, 100, QStringLiteral("m1"), QStringLiteral("short"));
        const Result<SalesReport> shift =
            buildSalesReport(f.store.database(), ReportScope{0, 0, 7});
        QVERIFY(shift.ok());
        QCOMPARE(shift->total.saleFen, 500);
        QCOMPARE(shift->total.refundFen, 100);
        QCOMPARE(shift->refunds.size(), 1);
        QCOMPARE(shift->fromDay, kDay);
        QCOMPARE(shift->days.size(), 1);
        QCOMPARE(f.report(kDay, kDay).total.saleFen, 1500);
    }

    void snapshotJsonReadsBackExactly() {
        Fixture f;
        const Order cake = f.sale(99999999, Channel::WeChat, QStringLiteral("c2"));
        f.refund(cake, 1, 1, QStringLiteral("m1"), QStringLiteral("找零 \"quoted\", comma"));
        const SalesReport r = f.report(kDay, 20261124);
        const Result<SalesReport> back = salesReportFromJson(toJson(r));
        QVERIFY(back.ok());
        QCOMPARE(back->total, r.total);
        QCOMPARE(back->days.size(), 2);
        QCOMPARE(back->hours.size(), 24);
        QCOMPARE(back->refunds[0].reason, r.refunds[0].reason);
        QCOMPARE(back->refunds[0].atMs, r.refunds[0].atMs);
        QCOMPARE(toJson(*back), toJson(r));

        QJsonObject damaged = toJson(r);
        damaged.insert(QStringLiteral("from_day"), 20261123); // a number, not a string
        QCOMPARE(salesReportFromJson(damaged).error().code, QStringLiteral("report.snapshot"));
        QCOMPARE(salesReportFromJson(QJsonObject{}).error().code,
                 QStringLiteral("report.snapshot"));
        // A day that does not fit is refused, never cut to another day (found by fuzzing).
        damaged = toJson(r);
        damaged.insert(QStringLiteral("from_day"), QStringLiteral("4315226917"));
        QCOMPARE(salesReportFromJson(damaged).error().code, QStringLiteral("report.snapshot"));
        // Who sold, who approved a refund and why are texts: anything else is refused, never
        // shown as no one.
        const auto withPeople = [&](const char* list, const char* key, const QJsonValue& value) {
            QJsonObject json = toJson(r);
            QJsonArray rows = json.value(QLatin1String(list)).toArray();
            QJsonObject first = rows.first().toObject();
            if (value.isUndefined())
                first.remove(QLatin1String(key));
            else
                first.insert(QLatin1String(key), value);
            rows.replace(0, first);
            json.insert(QLatin1String(list), rows);
            return salesReportFromJson(json);
        };
        QVERIFY(withPeople("refunds", "reason", QStringLiteral("")).ok());
        for (const auto& [list, key] : {std::pair{"cashiers", "cashier_id"},
                                        {"cashiers", "name"},
                                        {"refunds", "cashier_id"},
                                        {"refunds", "approved_by"},
                                        {"refunds", "reason"}}) {
            for (const QJsonValue& value :
                 {QJsonValue(7), QJsonValue(QJsonValue::Null), QJsonValue(QJsonValue::Undefined)}) {
                const Result<SalesReport> read = withPeople(list, key, value);
                QVERIFY2(!read.ok(), key);
                QCOMPARE(read.error().code, QStringLiteral("report.snapshot"));
            }
        }
    }

    void csvIsUtf8WithBomAndQuotesEveryField() {
        Fixture f;
        const Order cake = f.sale(2500, Channel::WeChat, QStringLiteral("c2"));
        f.refund(cake, 500, 500, QStringLiteral("m1"),
                 QStringLiteral("蛋糕 \"broken\", sorry\nsecond line"));
        const QByteArray csv = salesReportCsv(f.report(kDay, kDay), QStringLiteral("日报"));
        QVERIFY(csv.startsWith("\xEF\xBB\xBF\"\xE6\x97\xA5\xE6\x8A\xA5\"\r\n"));
        QVERIFY(csv.contains("\"2026-11-23\""));
        // gross, refunded, net, count, average, refunds
        QVERIFY(csv.contains("\"25.00\",\"5.00\",\"20.00\",\"1\",\"25.00\",\"1\"\r\n"));
        QVERIFY(csv.contains(
            QStringLiteral("\"蛋糕 \"\"broken\"\", sorry\nsecond line\"\r\n").toUtf8()));
        QVERIFY(csv.contains(QByteArray("\"") + cake.outTradeNo.toUtf8() + "\""));
        QVERIFY(csv.contains("\"10:00\",\"1\",\"25.00\",\"1\",\"5.00\",\"20.00\"\r\n"));
    }

    void everyReportNamesACashierTheSameWay() {
        CashierFigures c;
        QCOMPARE(cashierLabel(c), QStringLiteral("(no cashier)"));
        c.cashierId = QStringLiteral("C01");
        QCOMPARE(cashierLabel(c), QStringLiteral("C01")); // removed from the staff list
        c.name = QStringLiteral("王收银");
        QCOMPARE(cashierLabel(c), QStringLiteral("王收银 (C01)"));
        // The CSV names the row as the window, the PDF and the slips do.
        SalesReport r = Fixture().report(kDay, kDay);
        r.cashiers = {c, CashierFigures{}};
        const QString csv = QString::fromUtf8(salesReportCsv(r, QStringLiteral("t")));
        QVERIFY(csv.contains(QStringLiteral("\"王收银 (C01)\"")));
        QVERIFY(csv.contains(QStringLiteral("\"(no cashier)\"")));
    }

    void readsThroughIndexes() {
        Fixture f;
        auto plan = [&f](const QString& sql) {
            QSqlQuery q(f.store.database().handle());
            q.exec(QStringLiteral("EXPLAIN QUERY PLAN ") + sql);
            QString text;
            while (q.next())
                text += q.value(3).toString() + u'\n';
            return text;
        };
        QVERIFY(plan(QStringLiteral("SELECT SUM(sale_fen) FROM report_totals WHERE business_day "
                                    "BETWEEN 1 AND 2"))
                    .contains(QStringLiteral("PRIMARY KEY")));
        QVERIFY(plan(QStringLiteral("SELECT SUM(sale_fen) FROM report_totals WHERE shift_id = 3"))
                    .contains(QStringLiteral("report_totals_by_shift")));
        QVERIFY(plan(QStringLiteral("SELECT * FROM report_refunds WHERE business_day BETWEEN 1 "
                                    "AND 2 ORDER BY id"))
                    .contains(QStringLiteral("report_refunds_by_day")));
        QVERIFY(plan(QStringLiteral("SELECT * FROM report_refunds WHERE shift_id = 3 ORDER BY id"))
                    .contains(QStringLiteral("report_refunds_by_shift")));
    }
};

QTEST_GUILESS_MAIN(TestSalesReport)
#include "tst_sales_report.moc"
