// The reconciliation engine over an in-memory ledger: every difference class, the holding
// pool across three days and China midnight, duplicate lines, refunds missing, extra or of
// another amount, exact five-decimal fees through the real WeChat Pay parser, and the summary
// check that refuses a bill whose totals do not add up.

#include "core/calendar/ChinaCalendar.h"
#include "core/reconcile/MemoryLedger.h"
#include "core/reconcile/Reconciler.h"
#include "core/reconcile/SummaryCheck.h"
#include "sandbox/bill/WechatBill.h"

#include <QTest>

using namespace qpos;
using namespace qpos::reconcile;
using gateway::BillLineKind;
using gateway::BillRecord;

namespace {

const QDate kDay(2026, 11, 20);

// UTC ms of a China wall-clock time on `day`.
qint64 at(QDate day, int h, int m = 0, int s = 0) {
    return china_calendar::dayStartMs(day) + ((h * 60 + m) * 60 + s) * 1000LL;
}

QStringView passThrough(QStringView field) {
    return field;
}

// A bill given as typed lines; its totals are what the lines add up to unless a test damages
// them.
struct FakeBill {
    QList<BillRecord> lines;
    std::optional<gateway::BillTotals> totals;

    FakeBill& payment(const QString& outTradeNo, money::Fen fen) {
        BillRecord r;
        r.kind = BillLineKind::Payment;
        r.kindText = QStringLiteral("交易");
        r.outTradeNo = outTradeNo;
        r.providerTradeNo = QStringLiteral("P") + outTradeNo;
        r.amountFen = fen;
        r.receivedFen = fen;
        return add(r);
    }
    FakeBill& refund(const QString& outTradeNo, const QString& requestNo, money::Fen fen) {
        BillRecord r;
        r.kind = BillLineKind::Refund;
        r.kindText = QStringLiteral("退款");
        r.outTradeNo = outTradeNo;
        r.outRequestNo = requestNo;
        r.providerTradeNo = QStringLiteral("P") + outTradeNo;
        r.refundFen = fen;
        r.receivedFen = -fen;
        return add(r);
    }
    FakeBill& other(const QString& outTradeNo, const QString& word, money::Fen fen) {
        BillRecord r;
        r.kind = BillLineKind::Other;
        r.kindText = word;
        r.outTradeNo = outTradeNo;
        r.amountFen = fen;
        return add(r);
    }
    FakeBill& add(BillRecord r) {
        r.lineNumber = int(lines.size()) + 2;
        lines << r;
        return *this;
    }

    BillStream stream() const {
        return [*this](gateway::BillRecordSink& sink) -> Result<gateway::ProviderBill> {
            CountedLines counted;
            const QStringList noColumns;
            const gateway::CsvFields noFields;
            for (const BillRecord& r : lines) {
                counted.add(r);
                if (Status s =
                        sink.record(r, gateway::BillRawLine(noColumns, noFields, &passThrough));
                    !s.ok())
                    return s.error();
            }
            gateway::ProviderBill bill;
            if (totals) {
                bill.totals = *totals;
            } else {
                bill.totals.lineCount = counted.lines;
                bill.totals.receivedFen = counted.receivedFen;
                bill.totals.fee = counted.fee;
            }
            return bill;
        };
    }
};

LocalTrade paidTrade(const QString& no, money::Fen fen, qint64 paidAt,
                     OrderState state = OrderState::Paid) {
    return LocalTrade{no, state, fen, paidAt};
}

ReconcileResult run(MemoryLedger& ledger, const FakeBill& bill, QDate day = kDay,
                    HoldingPool pool = {}) {
    Result<ReconcileResult> result =
        reconcileDay(ReconcileRequest{LedgerScope{Channel::Alipay, {}}, day, std::move(pool)},
                     bill.stream(), ledger);
    if (!result)
        qFatal("reconcile failed: %s", qPrintable(result.error().message));
    return *result;
}

// A day the provider says it has no bill of, as the daily run matches it.
ReconcileResult runWithoutBill(MemoryLedger& ledger, QDate day, HoldingPool pool = {}) {
    Result<ReconcileResult> result =
        reconcileDay(ReconcileRequest{LedgerScope{Channel::Alipay, {}}, day, std::move(pool)},
                     emptyBillStream(), ledger);
    if (!result)
        qFatal("reconcile failed: %s", qPrintable(result.error().message));
    return *result;
}

QStringList classesOf(const ReconcileResult& r) {
    QStringList names;
    for (const DifferenceItem& item : r.items)
        names << differenceClassName(item.kind) + u':' + item.outTradeNo +
                     (item.outRequestNo.isEmpty() ? QString() : u'/' + item.outRequestNo);
    return names;
}

} // namespace

class TestReconcile : public QObject {
    Q_OBJECT

private slots:
    void classNamesAreStable() {
        QStringList names;
        for (DifferenceClass kind : kAllDifferenceClasses) {
            names << differenceClassName(kind);
            QCOMPARE(differenceClassFromName(differenceClassName(kind)), kind);
            QVERIFY(!differenceClassLabel(kind).isEmpty());
        }
        QCOMPARE(names, (QStringList{QStringLiteral("local_only"), QStringLiteral("provider_only"),
                                     QStringLiteral("status"), QStringLiteral("amount"),
                                     QStringLiteral("refund"), QStringLiteral("duplicate")}));
        QVERIFY(!differenceClassFromName(u"missing"));
    }

    void everyClassFromOneBill() {
        MemoryLedger ledger;
        const qint64 created = at(kDay, 9);
        ledger.addTrade(Channel::Alipay, paidTrade(QStringLiteral("T1"), 100, at(kDay, 9, 1)),
                        created);
        ledger.addTrade(Channel::Alipay, paidTrade(QStringLiteral("T2"), 200, at(kDay, 10)),
                        created);
        ledger.addTrade(Channel::Alipay,
                        LocalTrade{QStringLiteral("T3"), OrderState::Cancelled, 300, {}}, created);
        ledger.addTrade(Channel::Alipay, paidTrade(QStringLiteral("T5"), 500, at(kDay, 11)),
                        created);
        // The other provider's trade of the same number is not this ledger's.
        ledger.addTrade(Channel::WeChat, paidTrade(QStringLiteral("T4"), 400, at(kDay, 11)),
                        created);
        // Held two days already: the third day's bill lacks it too.
        ledger.addTrade(Channel::Alipay,
                        paidTrade(QStringLiteral("T7"), 700, at(kDay.addDays(-2), 12)),
                        at(kDay.addDays(-2), 12));

        FakeBill bill;
        bill.payment(QStringLiteral("T1"), 100)
            .payment(QStringLiteral("T2"), 250)
            .payment(QStringLiteral("T3"), 300)
            .payment(QStringLiteral("T4"), 400)
            .other(QStringLiteral("T5"), QStringLiteral("REVOKED"), 500)
            .payment(QStringLiteral("T1"), 100);
        HoldingPool pool;
        pool.held << HeldEntry{PoolKind::Trade, QStringLiteral("T7"), {}, kDay.addDays(-2)};

        const ReconcileResult r = run(ledger, bill, kDay, pool);
        QCOMPARE(classesOf(r),
                 (QStringList{QStringLiteral("local_only:T7"), QStringLiteral("provider_only:T3"),
                              QStringLiteral("provider_only:T4"), QStringLiteral("status:T5"),
                              QStringLiteral("amount:T2"), QStringLiteral("duplicate:T1")}));
        const DifferenceItem& amount = r.items[4];
        QCOMPARE(amount.localAmountFen, money::Fen(200));
        QCOMPARE(amount.providerAmountFen, money::Fen(250));
        QCOMPARE(amount.localState, QStringLiteral("paid"));
        QCOMPARE(amount.providerState, QStringLiteral("交易"));
        QCOMPARE(amount.providerTradeNo, QStringLiteral("PT2"));
        QCOMPARE(amount.billLine, 3);
        QVERIFY(amount.detail.contains(QStringLiteral("2.50")));
        QCOMPARE(r.items[1].localState, QStringLiteral("cancelled"));
        QCOMPARE(r.items[2].localState, QString());
        QCOMPARE(r.items[0].billLine, 0);
        QCOMPARE(r.items[0].localAmountFen, money::Fen(700));

        QCOMPARE(r.totals.provider.paymentCount, 5);
        QCOMPARE(r.totals.provider.paymentFen, money::Fen(1150));
        // T1, T2 and T5 were paid here that day.
        QCOMPARE(r.totals.local.paymentCount, 3);
        QCOMPARE(r.totals.local.paymentFen, money::Fen(800));
        QCOMPARE(r.totals.matched, 1);
        QVERIFY(r.pool.held.isEmpty());
    }

    void aTradePaidBeforeMidnightWaitsForTheNextBill() {
        // Recorded here at 23:59:58 China time; the provider dates it after midnight.
        MemoryLedger ledger;
        ledger.addTrade(Channel::Alipay,
                        paidTrade(QStringLiteral("LATE"), 990, at(kDay, 23, 59, 58)),
                        at(kDay, 23, 59, 30));
        // Paid here that day and never listed by any bill.
        ledger.addTrade(Channel::Alipay, paidTrade(QStringLiteral("LOST"), 550, at(kDay, 15)),
                        at(kDay, 15));

        const ReconcileResult day1 = run(ledger, FakeBill{}, kDay);
        QVERIFY(day1.items.isEmpty());
        QCOMPARE(day1.totals.held, 2);
        QCOMPARE(day1.pool.held,
                 (QList<HeldEntry>{{PoolKind::Trade, QStringLiteral("LATE"), {}, kDay},
                                   {PoolKind::Trade, QStringLiteral("LOST"), {}, kDay}}));

        FakeBill next;
        next.payment(QStringLiteral("LATE"), 990);
        const ReconcileResult day2 = run(ledger, next, kDay.addDays(1), day1.pool);
        QVERIFY(day2.items.isEmpty());
        QCOMPARE(day2.totals.matched, 1);
        QCOMPARE(day2.pool.held,
                 (QList<HeldEntry>{{PoolKind::Trade, QStringLiteral("LOST"), {}, kDay}}));

        const ReconcileResult day3 = run(ledger, FakeBill{}, kDay.addDays(2), day2.pool);
        QCOMPARE(classesOf(day3), (QStringList{QStringLiteral("local_only:LOST")}));
        QVERIFY(day3.items[0].detail.contains(QStringLiteral("2026-11-20")));
        QVERIFY(day3.pool.held.isEmpty());
    }

    // "No bill" (WeChat Pay NO_STATEMENT_EXIST) means the provider's bill of the day is empty:
    // the ledger's payments and refunds of the day are held, an entry held since D-2 is
    // reported, and what neither D+1 nor D+2 lists is reported on D+2, whether D+2 has a bill
    // or none again.
    void aDayWithoutABillIsMatchedAsAnEmptyBill_data() {
        QTest::addColumn<bool>("billOnTheThirdDay");
        QTest::newRow("no bill on D+2 either") << false;
        QTest::newRow("a bill on D+2") << true;
    }
    void aDayWithoutABillIsMatchedAsAnEmptyBill() {
        QFETCH(bool, billOnTheThirdDay);
        MemoryLedger ledger;
        ledger.addTrade(Channel::Alipay, paidTrade(QStringLiteral("PAID"), 550, at(kDay, 10)),
                        at(kDay, 10));
        ledger.addTrade(Channel::Alipay,
                        paidTrade(QStringLiteral("R"), 1000, at(kDay.addDays(-1), 9)),
                        at(kDay.addDays(-1), 9));
        ledger.addRefund(Channel::Alipay,
                         LocalRefund{QStringLiteral("R1"), QStringLiteral("R"), 100,
                                     RefundRecordState::Succeeded, at(kDay, 11)},
                         at(kDay, 11));
        ledger.addTrade(Channel::Alipay,
                        paidTrade(QStringLiteral("OLD"), 700, at(kDay.addDays(-2), 12)),
                        at(kDay.addDays(-2), 12));
        HoldingPool pool;
        pool.held << HeldEntry{PoolKind::Trade, QStringLiteral("OLD"), {}, kDay.addDays(-2)};

        const ReconcileResult day1 = runWithoutBill(ledger, kDay, pool);
        QCOMPARE(classesOf(day1), (QStringList{QStringLiteral("local_only:OLD")}));
        QVERIFY(day1.items[0].detail.contains(QStringLiteral("2026-11-18")));
        QCOMPARE(day1.totals.provider, SideTotals{});
        QCOMPARE(day1.totals.local, (SideTotals{1, 550, 1, 100}));
        QCOMPARE(day1.totals.fee, money::SubFen());
        QCOMPARE(day1.totals.matched, 0);
        QCOMPARE(day1.totals.held, 2);
        QCOMPARE(day1.pool.held,
                 (QList<HeldEntry>{
                     {PoolKind::Trade, QStringLiteral("PAID"), {}, kDay},
                     {PoolKind::Refund, QStringLiteral("R"), QStringLiteral("R1"), kDay}}));

        const ReconcileResult day2 = runWithoutBill(ledger, kDay.addDays(1), day1.pool);
        QVERIFY(day2.items.isEmpty());
        QCOMPARE(day2.pool, day1.pool);

        FakeBill other;
        other.payment(QStringLiteral("OTHER"), 9);
        const ReconcileResult day3 = billOnTheThirdDay
                                         ? run(ledger, other, kDay.addDays(2), day2.pool)
                                         : runWithoutBill(ledger, kDay.addDays(2), day2.pool);
        QStringList expected{QStringLiteral("local_only:PAID")};
        if (billOnTheThirdDay)
            expected << QStringLiteral("provider_only:OTHER");
        expected << QStringLiteral("refund:R/R1");
        QCOMPARE(classesOf(day3), expected);
        QCOMPARE(day3.items.first().localAmountFen, money::Fen(550));
        QVERIFY(day3.pool.held.isEmpty());
        QCOMPARE(day3.totals.held, 0);
    }

    void aHeldTradeWithAnotherAmountIsMatchedWhereItIsFound() {
        MemoryLedger ledger;
        ledger.addTrade(Channel::Alipay, paidTrade(QStringLiteral("X"), 100, at(kDay, 23, 59)),
                        at(kDay, 23, 58));
        const ReconcileResult day1 = run(ledger, FakeBill{}, kDay);
        FakeBill next;
        next.payment(QStringLiteral("X"), 120);
        const ReconcileResult day2 = run(ledger, next, kDay.addDays(1), day1.pool);
        QCOMPARE(classesOf(day2), (QStringList{QStringLiteral("amount:X")}));
        QVERIFY(day2.pool.held.isEmpty());
    }

    void aLineBilledBeforeTheLedgersDayIsNotExpectedAgain() {
        // The provider paid it at 23:59:59; the till recorded it (its own clock) after midnight.
        MemoryLedger ledger;
        ledger.addTrade(Channel::Alipay,
                        paidTrade(QStringLiteral("EARLY"), 300, at(kDay.addDays(1), 0, 0, 2)),
                        at(kDay, 23, 59, 40));
        FakeBill bill;
        bill.payment(QStringLiteral("EARLY"), 300);
        const ReconcileResult day1 = run(ledger, bill, kDay);
        QVERIFY(day1.items.isEmpty());
        QCOMPARE(day1.pool.billedAhead,
                 (QList<BilledAhead>{{PoolKind::Trade, QStringLiteral("EARLY"), {}, kDay}}));

        const ReconcileResult day2 = run(ledger, FakeBill{}, kDay.addDays(1), day1.pool);
        QVERIFY(day2.items.isEmpty());
        QCOMPARE(day2.totals.local.paymentCount, 1);
        QVERIFY(day2.pool.held.isEmpty());
        QVERIFY(day2.pool.billedAhead.isEmpty());
    }

    void duplicateLines() {
        MemoryLedger ledger;
        ledger.addTrade(Channel::Alipay, paidTrade(QStringLiteral("D1"), 100, at(kDay, 9)),
                        at(kDay, 9));
        ledger.addRefund(Channel::Alipay,
                         LocalRefund{QStringLiteral("D1R1"), QStringLiteral("D1"), 40,
                                     RefundRecordState::Succeeded, at(kDay, 10)},
                         at(kDay, 10));
        FakeBill bill;
        bill.payment(QStringLiteral("D1"), 100)
            .refund(QStringLiteral("D1"), QStringLiteral("D1R1"), 40)
            .payment(QStringLiteral("D1"), 100)
            .refund(QStringLiteral("D1"), QStringLiteral("D1R1"), 40)
            .payment(QStringLiteral("OTHER"), 9)
            .payment(QStringLiteral("OTHER"), 9);
        const ReconcileResult r = run(ledger, bill);
        QCOMPARE(
            classesOf(r),
            (QStringList{QStringLiteral("provider_only:OTHER"), QStringLiteral("duplicate:D1"),
                         QStringLiteral("duplicate:D1/D1R1"), QStringLiteral("duplicate:OTHER")}));
        QCOMPARE(r.items[1].billLine, 4);
        QCOMPARE(r.totals.matched, 2);
    }

    void refundsMissingExtraOrOfAnotherAmount() {
        MemoryLedger ledger;
        ledger.addTrade(Channel::Alipay, paidTrade(QStringLiteral("R"), 1000, at(kDay, 8)),
                        at(kDay, 8));
        auto refund = [&](const QString& no, money::Fen fen, RefundRecordState state, qint64 when) {
            ledger.addRefund(Channel::Alipay,
                             LocalRefund{no, QStringLiteral("R"), fen, state, when}, when);
        };
        refund(QStringLiteral("R-OK"), 100, RefundRecordState::Succeeded, at(kDay, 9));
        refund(QStringLiteral("R-AMOUNT"), 100, RefundRecordState::Succeeded, at(kDay, 9));
        refund(QStringLiteral("R-MISSING"), 100, RefundRecordState::Succeeded, at(kDay, 9));
        refund(QStringLiteral("R-OPEN"), 100, RefundRecordState::Requested, at(kDay, 9));

        FakeBill bill;
        bill.payment(QStringLiteral("R"), 1000)
            .refund(QStringLiteral("R"), QStringLiteral("R-OK"), 100)
            .refund(QStringLiteral("R"), QStringLiteral("R-AMOUNT"), 150)
            .refund(QStringLiteral("R"), QStringLiteral("R-OPEN"), 100)
            .refund(QStringLiteral("R"), QStringLiteral("R-EXTRA"), 70)
            // Alipay: a refund made without a request number carries the trade's.
            .refund(QStringLiteral("R"), QString(), 30);
        const ReconcileResult day1 = run(ledger, bill);
        QCOMPARE(
            classesOf(day1),
            (QStringList{QStringLiteral("refund:R/R"), QStringLiteral("refund:R/R-AMOUNT"),
                         QStringLiteral("refund:R/R-EXTRA"), QStringLiteral("refund:R/R-OPEN")}));
        QCOMPARE(day1.items[1].localAmountFen, money::Fen(100));
        QCOMPARE(day1.items[1].providerAmountFen, money::Fen(150));
        QCOMPARE(day1.items[3].localState, QStringLiteral("requested"));
        QCOMPARE(day1.totals.provider.refundCount, 5);
        QCOMPARE(day1.totals.provider.refundFen, money::Fen(450));
        QCOMPARE(day1.totals.local.refundCount, 3);
        QCOMPARE(day1.pool.held, (QList<HeldEntry>{{PoolKind::Refund, QStringLiteral("R"),
                                                    QStringLiteral("R-MISSING"), kDay}}));

        const ReconcileResult day2 = run(ledger, FakeBill{}, kDay.addDays(1), day1.pool);
        QVERIFY(day2.items.isEmpty());
        const ReconcileResult day3 = run(ledger, FakeBill{}, kDay.addDays(2), day2.pool);
        QCOMPARE(classesOf(day3), (QStringList{QStringLiteral("refund:R/R-MISSING")}));
        QCOMPARE(day3.items[0].billLine, 0);
    }

    void feesAddUpExactlyToTheFifthDecimal() {
        // Three WeChat Pay lines through the sandbox's writer and the real parser: fees of
        // 0.07404, 0.03402 and -0.00600 yuan (0.60 %) must total 0.10206, not a rounded figure.
        auto trade = [](const QString& no, money::Fen fen, qint64 paid) {
            sandbox::WechatTrade t;
            t.mchId = QStringLiteral("1900000109");
            t.appId = QStringLiteral("wx8888888888888888");
            t.outTradeNo = no;
            t.transactionId = QStringLiteral("42000") + no;
            t.state = sandbox::WechatTradeState::Success;
            t.total = fen;
            t.description = QStringLiteral("Tea");
            t.createdMs = paid - 1000;
            t.paidMs = paid;
            return t;
        };
        sandbox::WechatTrade a = trade(QStringLiteral("WA"), 1234, at(kDay, 10));
        sandbox::WechatTrade b = trade(QStringLiteral("WB"), 567, at(kDay, 11));
        sandbox::WechatRefund back;
        back.outRefundNo = QStringLiteral("WAR1");
        back.refundId = QStringLiteral("50000WAR1");
        back.amount = 100;
        back.status = sandbox::WechatRefundStatus::Success;
        back.createdMs = at(kDay, 12);
        back.successMs = at(kDay, 12, 0, 5);
        a.refunded = 100;
        a.refunds << back;
        const sandbox::wechat_bill::Bill bill =
            sandbox::wechat_bill::build(kDay, sandbox::wechat_bill::BillType::All, {a, b});

        MemoryLedger ledger;
        ledger.addTrade(
            Channel::WeChat,
            paidTrade(QStringLiteral("WA"), 1234, at(kDay, 10), OrderState::PartiallyRefunded),
            at(kDay, 10));
        ledger.addTrade(Channel::WeChat, paidTrade(QStringLiteral("WB"), 567, at(kDay, 11)),
                        at(kDay, 11));
        ledger.addRefund(Channel::WeChat,
                         LocalRefund{QStringLiteral("WAR1"), QStringLiteral("WA"), 100,
                                     RefundRecordState::Succeeded, at(kDay, 12, 0, 6)},
                         at(kDay, 12));
        Result<ReconcileResult> r =
            reconcileDay(ReconcileRequest{LedgerScope{Channel::WeChat, {}}, kDay, {}},
                         wechatCsvStream(bill.csv.toUtf8()), ledger);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->totals.fee.thousandthsOfFen(), 7404 + 3402 - 600);
        QCOMPARE(money::formatSubFenYuan(r->totals.fee), QStringLiteral("0.10206"));
        QVERIFY(r->items.isEmpty());
        QCOMPARE(r->totals.matched, 3);
    }

    void aBillWhoseTotalsDoNotAddUpIsRefused() {
        MemoryLedger ledger;
        ledger.addTrade(Channel::Alipay, paidTrade(QStringLiteral("S1"), 100, at(kDay, 9)),
                        at(kDay, 9));
        FakeBill bill;
        bill.payment(QStringLiteral("S1"), 100);
        gateway::BillTotals cut;
        cut.lineCount = 2; // the summary counts a line the file no longer has
        bill.totals = cut;
        HoldingPool pool;
        pool.held << HeldEntry{PoolKind::Trade, QStringLiteral("S0"), {}, kDay.addDays(-2)};
        Result<ReconcileResult> r = reconcileDay(
            ReconcileRequest{LedgerScope{Channel::Alipay, {}}, kDay, pool}, bill.stream(), ledger);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("reconcile.summary_mismatch"));
        QVERIFY(r.error().message.contains(QStringLiteral("download the bill again")));

        gateway::BillTotals fees;
        fees.fee = money::SubFen::fromThousandthsOfFen(1);
        bill.totals = fees;
        r = reconcileDay(ReconcileRequest{LedgerScope{Channel::Alipay, {}}, kDay, pool},
                         bill.stream(), ledger);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("reconcile.summary_mismatch"));

        bill.totals = gateway::BillTotals{};
        r = reconcileDay(ReconcileRequest{LedgerScope{Channel::Alipay, {}}, kDay, pool},
                         bill.stream(), ledger);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("reconcile.no_summary"));
    }

    void aRunAgainGivesTheSameBatch() {
        MemoryLedger ledger;
        for (int i = 0; i < 50; ++i)
            ledger.addTrade(Channel::Alipay,
                            paidTrade(QStringLiteral("N%1").arg(i), 100 + i, at(kDay, 9, i)),
                            at(kDay, 9, i));
        FakeBill bill;
        for (int i = 49; i >= 0; i -= 2)
            bill.payment(QStringLiteral("N%1").arg(i), 100 + i + (i % 5 == 0 ? 1 : 0));
        const ReconcileResult first = run(ledger, bill);
        const ReconcileResult second = run(ledger, bill);
        QCOMPARE(classesOf(first), classesOf(second));
        QCOMPARE(first.totals, second.totals);
        QCOMPARE(first.pool, second.pool);
        QCOMPARE(first.pool.held.size(), 25);
        QCOMPARE(first.pool.held.front().outTradeNo, QStringLiteral("N0"));
    }
};

QTEST_GUILESS_MAIN(TestReconcile)
#include "tst_reconcile.moc"
