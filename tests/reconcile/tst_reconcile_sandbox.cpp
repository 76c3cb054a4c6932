// Reconciliation end to end: real checkouts and refunds through the checkout engine against
// the sandbox's Alipay and WeChat Pay over loopback HTTP make the till's order database; the
// sandbox writes each provider's real-format bill of the day from its own trades (Alipay: zip
// of GBK CSV; WeChat Pay: gzip); both real parsers stream them into the matcher, which reads
// the order database through SqliteLedger. A faithful bill matches line for line; a bill
// with a line dropped, an amount changed, another shop's trade and a refund left out gives
// exactly those differences, the dropped ones only after the holding pool's two days.

#include "core/calendar/ChinaCalendar.h"
#include "core/checkout/CheckoutEngine.h"
#include "core/checkout/GatewayDirectory.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "core/gateways/wechat/WechatClient.h"
#include "core/reconcile/Reconciler.h"
#include "core/reconcile/SqliteLedger.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/bill/AlipayBill.h"
#include "sandbox/bill/WechatBill.h"
#include "sandbox/SandboxServer.h"
#include "sandbox/wechat/WechatSimulator.h"
#include "tests/checkout/EngineFixture.h"
#include "tests/sandbox/SandboxClientSettings.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

using namespace qpos;
using namespace qpos::checkout;
using namespace qpos::reconcile;
using namespace qpos::sandbox;

namespace {

const QString kAppId = QStringLiteral("2021000000000888");
const QString kPid = QStringLiteral("2088000000000888");
const QString kAlipayCode = QStringLiteral("287951669656380001");
const QString kMchId = QStringLiteral("1900000109");
const QString kWechatAppId = QStringLiteral("wx8888888888888888");
const QString kWechatCode = QStringLiteral("134567890123450001");
constexpr qint64 kMaxBill = 64 * 1024 * 1024;

QStringList classesOf(const ReconcileResult& r) {
    QStringList names;
    for (const DifferenceItem& item : r.items)
        names << differenceClassName(item.kind) + u':' + item.outTradeNo +
                     (item.outRequestNo.isEmpty() ? QString() : u'/' + item.outRequestNo);
    return names;
}

} // namespace

class TestReconcileSandbox : public QObject, private test::EngineFixture {
    Q_OBJECT

    QDate m_day;

    AlipaySimulator& alipaySim() { return m_server->alipay(); }
    WechatSimulator& wechatSim() { return m_server->wechat(); }

    QString pay(Channel channel, money::Fen fen, PaymentFlow flow) {
        const NewOrder order = newSale(channel, QStringLiteral("Tea"), fen, flow);
        const QString code = flow == PaymentFlow::QrCode  ? QString()
                             : channel == Channel::Alipay ? kAlipayCode
                                                          : kWechatCode;
        const QString id = start(order, code);
        if (flow == PaymentFlow::QrCode) {
            std::optional<CheckoutUpdate> waiting = waitFor(id, CheckoutPhase::Waiting);
            if (!waiting)
                return {};
            const bool paid = channel == Channel::Alipay
                                  ? alipaySim().buyerPay(waiting->outTradeNo).ok()
                                  : wechatSim().buyerPay(waiting->outTradeNo).ok();
            if (!paid)
                return {};
        }
        std::optional<CheckoutUpdate> done = waitFor(id);
        return done && done->phase == CheckoutPhase::Paid ? done->outTradeNo : QString();
    }

    QString refund(const QString& outTradeNo, money::Fen fen) {
        QSignalSpy reports(m_engine.get(), &CheckoutEngine::refundFinished);
        m_engine->refund(RefundCommand{QStringLiteral("r-") + outTradeNo, outTradeNo, fen,
                                       QStringLiteral("returned"), QStringLiteral("9001")});
        if (reports.isEmpty() && !reports.wait(10000))
            return {};
        const RefundReport report = reports.takeFirst().at(0).value<RefundReport>();
        return report.ok ? report.outRequestNo : QString();
    }

    Result<ReconcileResult> reconcile(Channel channel, QDate day, const BillStream& bill,
                                      const HoldingPool& pool = {}) {
        SqliteLedger ledger;
        if (Status s = ledger.open(m_dir->file(QStringLiteral("orders.db"))); !s.ok())
            return s.error();
        return reconcileDay(ReconcileRequest{LedgerScope{channel, {}}, day, pool}, bill, ledger);
    }

    BillStream alipayBill(QDate day, const QList<AlipayTrade>& trades) {
        const alipay_bill::Bill bill =
            alipay_bill::build(kPid, *alipay_bill::Period::parse(day.toString(Qt::ISODate)), trades,
                               QDateTime::currentMSecsSinceEpoch());
        Result<QByteArray> zip = alipay_bill::toZip(bill);
        if (!zip)
            qFatal("%s", qPrintable(zip.error().message));
        return alipayZipStream(*zip, kMaxBill);
    }

    BillStream wechatBill(QDate day, const QList<WechatTrade>& trades) {
        const wechat_bill::Bill bill = wechat_bill::build(day, wechat_bill::BillType::All, trades);
        Result<QByteArray> gz = wechat_bill::gzip(bill.csv.toUtf8());
        if (!gz)
            qFatal("%s", qPrintable(gz.error().message));
        return wechatGzipStream(*gz, kMaxBill);
    }

    // Every trade of the test on one China day: a run that straddles midnight waits for it.
    bool sameDay(const QList<qint64>& times) {
        for (qint64 t : times) {
            if (china_calendar::dateOf(t) != m_day)
                return false;
        }
        return true;
    }

private slots:
    void init() {
        startSandboxAndStore();
        if (QTest::currentTestFailed())
            return;
        Result<crypto::RsaPrivateKey> key = alipaySim().createApp(kAppId, kPid);
        QVERIFY(key.ok());
        Result<WechatMerchantCredentials> merchant =
            wechatSim().createMerchant(kMchId, kWechatAppId);
        QVERIFY(merchant.ok());
        Result<std::unique_ptr<alipay::AlipayClient>> alipayClient = alipay::AlipayClient::create(
            test::alipaySandboxSettings(*m_server, kAppId, *key, test::LoopbackTiming::engine()));
        QVERIFY(alipayClient.ok());
        Result<std::unique_ptr<wechat::WechatClient>> wechatClient =
            wechat::WechatClient::create(test::wechatSandboxSettings(
                *m_server, *merchant, QStringLiteral("https://backend.example.com/wechat/notify"),
                test::LoopbackTiming::engine()));
        QVERIFY(wechatClient.ok());
        m_gateways = std::make_unique<GatewayDirectory>();
        m_gateways->add(std::move(alipayClient).value());
        m_gateways->add(std::move(wechatClient).value());
        m_engine = std::make_unique<CheckoutEngine>(*m_store, *m_gateways, policy());
        m_harness.watch(*m_engine);
        // Not across China midnight: the bills are of one day.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (china_calendar::dayEndMs(china_calendar::dateOf(now)) - now < 60'000)
            QTest::qWait(61'000);
        m_day = china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch());
    }

    void cleanup() { tearDown(); }

    void bothProvidersBillsMatchTheLedger() {
        const QString aQr = pay(Channel::Alipay, 1234, PaymentFlow::QrCode);
        const QString aCode = pay(Channel::Alipay, 880, PaymentFlow::PayByCode);
        const QString wQr = pay(Channel::WeChat, 1500, PaymentFlow::QrCode);
        const QString wCode = pay(Channel::WeChat, 990, PaymentFlow::PayByCode);
        QVERIFY(!aQr.isEmpty() && !aCode.isEmpty() && !wQr.isEmpty() && !wCode.isEmpty());
        QVERIFY(!refund(aQr, 200).isEmpty());
        QVERIFY(!refund(wQr, 300).isEmpty());
        QList<qint64> times;
        for (const AlipayTrade& t : alipaySim().trades(kAppId))
            times << t.paidMs;
        for (const WechatTrade& t : wechatSim().trades(kMchId))
            times << t.paidMs;
        if (!sameDay(times))
            QSKIP("the trades straddle China midnight");

        Result<ReconcileResult> a =
            reconcile(Channel::Alipay, m_day, alipayBill(m_day, alipaySim().trades(kAppId)));
        QVERIFY2(a.ok(), qPrintable(a.ok() ? QString() : a.error().message));
        QVERIFY2(a->items.isEmpty(), qPrintable(classesOf(*a).join(u' ')));
        QCOMPARE(a->totals.matched, 3);
        QCOMPARE(a->totals.provider, a->totals.local);
        QCOMPARE(a->totals.local.paymentFen, money::Fen(1234 + 880));
        QCOMPARE(a->totals.local.refundFen, money::Fen(200));
        QVERIFY(a->pool.held.isEmpty());

        Result<ReconcileResult> w =
            reconcile(Channel::WeChat, m_day, wechatBill(m_day, wechatSim().trades(kMchId)));
        QVERIFY2(w.ok(), qPrintable(w.ok() ? QString() : w.error().message));
        QVERIFY2(w->items.isEmpty(), qPrintable(classesOf(*w).join(u' ')));
        QCOMPARE(w->totals.matched, 3);
        QCOMPARE(w->totals.provider, w->totals.local);
        // 0.60 % of each payment, given back on the refund, to a thousandth of a fen.
        QCOMPARE(w->totals.fee.thousandthsOfFen(), (1500 + 990 - 300) * 6);
    }

    void aDamagedBillGivesEachDifferenceOnce() {
        const QString kept = pay(Channel::Alipay, 1000, PaymentFlow::QrCode);
        const QString dropped = pay(Channel::Alipay, 2000, PaymentFlow::PayByCode);
        const QString changed = pay(Channel::Alipay, 3000, PaymentFlow::QrCode);
        QVERIFY(!kept.isEmpty() && !dropped.isEmpty() && !changed.isEmpty());
        const QString refundNo = refund(kept, 400);
        QVERIFY(!refundNo.isEmpty());
        QList<qint64> times;
        for (const AlipayTrade& t : alipaySim().trades(kAppId))
            times << t.paidMs;
        if (!sameDay(times))
            QSKIP("the trades straddle China midnight");

        // The provider's own book, damaged as the bill faults damage it.
        QList<AlipayTrade> book;
        for (AlipayTrade t : alipaySim().trades(kAppId)) {
            if (t.outTradeNo == dropped)
                continue; // a dropped line
            if (t.outTradeNo == changed)
                t.total = 3100; // a changed amount
            if (t.outTradeNo == kept)
                t.refunds.clear(); // a missing refund
            book << t;
        }
        AlipayTrade foreign = book.back();
        foreign.outTradeNo = QStringLiteral("OTHERSHOP_0001"); // a trade of another shop
        foreign.tradeNo = QStringLiteral("2026999999999999");
        foreign.refunds.clear();
        book << foreign;

        Result<ReconcileResult> day1 = reconcile(Channel::Alipay, m_day, alipayBill(m_day, book));
        QVERIFY2(day1.ok(), qPrintable(day1.ok() ? QString() : day1.error().message));
        QCOMPARE(classesOf(*day1), (QStringList{QStringLiteral("provider_only:OTHERSHOP_0001"),
                                                QStringLiteral("amount:") + changed}));
        QCOMPARE(day1->items[1].localAmountFen, money::Fen(3000));
        QCOMPARE(day1->items[1].providerAmountFen, money::Fen(3100));
        QCOMPARE(day1->pool.held.size(), 2); // the dropped payment and the missing refund

        // The next two days' bills do not list them either: then, and only then, they are
        // differences.
        Result<ReconcileResult> day2 = reconcile(Channel::Alipay, m_day.addDays(1),
                                                 alipayBill(m_day.addDays(1), {}), day1->pool);
        QVERIFY2(day2.ok(), qPrintable(day2.ok() ? QString() : day2.error().message));
        QVERIFY(day2->items.isEmpty());
        Result<ReconcileResult> day3 = reconcile(Channel::Alipay, m_day.addDays(2),
                                                 alipayBill(m_day.addDays(2), {}), day2->pool);
        QVERIFY2(day3.ok(), qPrintable(day3.ok() ? QString() : day3.error().message));
        QCOMPARE(classesOf(*day3),
                 (QStringList{QStringLiteral("local_only:") + dropped,
                              QStringLiteral("refund:") + kept + u'/' + refundNo}));
        QVERIFY(day3->pool.held.isEmpty());
    }

    void theLedgerIsReadThroughItsIndexes() {
        SqliteLedger ledger;
        QVERIFY(ledger.open(m_dir->file(QStringLiteral("orders.db"))).ok());
        QSqlDatabase db = m_store->database().handle();
        for (const QString& sql : {SqliteLedger::tradeWindowSql(), SqliteLedger::refundWindowSql(),
                                   SqliteLedger::tradesCreatedSql()}) {
            QSqlQuery plan(db);
            QVERIFY(plan.prepare(QStringLiteral("EXPLAIN QUERY PLAN ") + sql));
            plan.bindValue(QStringLiteral(":channel"), QStringLiteral("alipay"));
            plan.bindValue(QStringLiteral(":from"), 0);
            plan.bindValue(QStringLiteral(":to"), 1);
            QVERIFY(plan.exec());
            QStringList steps;
            while (plan.next())
                steps << plan.value(3).toString();
            const QString text = steps.join(u'\n');
            QVERIFY2(!text.contains(QStringLiteral("SCAN")), qPrintable(text));
            // The count is answered from the index alone.
            const QString expected = sql == SqliteLedger::tradesCreatedSql()
                                         ? QStringLiteral("COVERING INDEX orders_by_channel")
                                         : QStringLiteral("MULTI-INDEX OR");
            QVERIFY2(text.contains(expected), qPrintable(text));
        }
    }
};

QTEST_MAIN(TestReconcileSandbox)
#include "tst_reconcile_sandbox.moc"
