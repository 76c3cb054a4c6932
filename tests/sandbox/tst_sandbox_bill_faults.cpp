// The bill fault switches, end to end: a test sets each one over the sandbox's control HTTP API
// for one provider and one date, then the till's real clients download that day's bill over
// loopback and the difference shows in the parsed bill (or in how the download ends).

#include "core/calendar/ChinaCalendar.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "core/gateways/wechat/WechatClient.h"
#include "sandbox/SandboxServer.h"
#include "tests/sandbox/AlipayTestClient.h"
#include "tests/sandbox/SandboxClientSettings.h"
#include "tests/support/AwaitedGatewayCalls.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>
#include <memory>
#include <optional>

using namespace qpos;
using namespace qpos::gateway;
using namespace qpos::sandbox;
using qpos::money::Fen;

namespace {

const QString kAppId = QStringLiteral("2021000000000913");
const QString kPid = QStringLiteral("2088102100000913");
const QString kMchId = QStringLiteral("1900000913");
const QString kWechatAppId = QStringLiteral("wx8888888888888913");
const QString kAlipayCode = QStringLiteral("287951669656380000");
const QString kWechatCode = QStringLiteral("134567890123450001");

QDate today() {
    return china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch());
}

// The payment (or refund) lines of one order number in a bill.
QList<BillRecord> linesOf(const ProviderBill& bill, const QString& outTradeNo, BillLineKind kind) {
    QList<BillRecord> out;
    for (const BillRecord& r : bill.records) {
        if (r.outTradeNo == outTradeNo && r.kind == kind)
            out.append(r);
    }
    return out;
}

} // namespace

class TestSandboxBillFaults : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<test::AlipayTestClient> m_control;
    crypto::RsaPrivateKey m_appKey;
    WechatMerchantCredentials m_merchant;
    std::unique_ptr<alipay::AlipayClient> m_alipay;
    std::unique_ptr<wechat::WechatClient> m_wechat;

    // Per provider: two paid orders, the second partly refunded.
    struct Orders {
        QString first;
        QString second;
        QString refundNo;
    };
    Orders m_alipayOrders;
    Orders m_wechatOrders;

    PaymentGateway& client(const QString& provider) {
        if (provider == u"alipay")
            return *m_alipay;
        return *m_wechat;
    }
    const Orders& orders(const QString& provider) const {
        return provider == u"alipay" ? m_alipayOrders : m_wechatOrders;
    }

    Orders makeOrders(PaymentGateway& g, const QString& prefix, const QString& code) {
        const QString stamp = QString::number(QDateTime::currentMSecsSinceEpoch());
        Orders o{prefix + stamp + QStringLiteral("A"), prefix + stamp + QStringLiteral("B"),
                 prefix + stamp + QStringLiteral("BR1")};
        for (const auto& [no, fen] :
             {std::pair{o.first, Fen(1000)}, std::pair{o.second, Fen(2000)}}) {
            const PayByCodeRequest request{no,
                                           fen,
                                           QStringLiteral("Tea"),
                                           code,
                                           QStringLiteral("S01"),
                                           QStringLiteral("T01"),
                                           QStringLiteral("C01")};
            const auto paid = test::payByCode(g, request);
            if (!paid || !paid->isSuccess())
                qFatal("payment failed: %s", paid ? qPrintable(paid->cashierMessage()) : "none");
        }
        const auto refunded = test::refundTrade(g, o.second, o.refundNo, 500, 2000);
        if (!refunded || !refunded->isSuccess())
            qFatal("refund failed: %s", refunded ? qPrintable(refunded->cashierMessage()) : "none");
        return o;
    }

    // Sets a fault over the control HTTP API, as a test harness or an operator would.
    void addFault(const QJsonObject& fault) {
        const test::HttpResult r = m_control->control("POST", QStringLiteral("/sandbox/faults"),
                                                      QJsonDocument(fault).toJson());
        QVERIFY2(r.status == 201, r.body.constData());
    }
    QJsonObject billFault(const QString& kind, const QString& provider,
                          const QDate& date = today()) {
        return QJsonObject{{QStringLiteral("kind"), kind},
                           {QStringLiteral("provider"), provider},
                           {QStringLiteral("bill_date"), date.toString(Qt::ISODate)}};
    }

    std::optional<GatewayResult<DownloadedBill>> download(const QString& provider,
                                                          const QDate& date = today()) {
        return test::downloadDayBill(client(provider), date);
    }
    // Today's bill of `provider`, which must download.
    std::optional<DownloadedBill> readyBill(const QString& provider) {
        const auto r = download(provider);
        if (!r || !r->isSuccess() || r->value().availability != BillAvailability::Ready) {
            qWarning("no bill: %s", r ? qPrintable(r->cashierMessage()) : "no answer");
            return std::nullopt;
        }
        return r->value();
    }

    static void providers() {
        QTest::addColumn<QString>("provider");
        QTest::newRow("alipay") << QStringLiteral("alipay");
        QTest::newRow("wechat") << QStringLiteral("wechat");
    }

private slots:
    void initTestCase() {
        SandboxOptions options;
        options.faultSeed = 13;
        m_server = std::make_unique<SandboxServer>(options);
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0).ok());
        Result<crypto::RsaPrivateKey> key = m_server->alipay().createApp(kAppId, kPid);
        QVERIFY(key.ok());
        m_appKey = *key;
        Result<WechatMerchantCredentials> merchant =
            m_server->wechat().createMerchant(kMchId, kWechatAppId);
        QVERIFY(merchant.ok());
        m_merchant = *merchant;
        m_control = std::make_unique<test::AlipayTestClient>(m_server->baseUrl(), kAppId, m_appKey,
                                                             m_server->alipay().alipayPublicKey());
        m_alipay = test::createClient<alipay::AlipayClient>(test::alipaySandboxSettings(
            *m_server, kAppId, m_appKey, test::LoopbackTiming::sandbox()));
        m_wechat = test::createClient<wechat::WechatClient>(test::wechatSandboxSettings(
            *m_server, m_merchant, QStringLiteral("https://shop.example.com/wechat/notify"),
            test::LoopbackTiming::sandbox()));
        QVERIFY(m_alipay && m_wechat);
        m_alipayOrders = makeOrders(*m_alipay, QStringLiteral("BFA"), kAlipayCode);
        m_wechatOrders = makeOrders(*m_wechat, QStringLiteral("BFW"), kWechatCode);
    }

    void init() { m_server->faults().clear(); }
    void cleanup() { m_server->faults().clear(); }

    void theBillComesWithItsFileAndDigest_data() { providers(); }
    void theBillComesWithItsFileAndDigest() {
        QFETCH(QString, provider);
        const std::optional<DownloadedBill> bill = readyBill(provider);
        QVERIFY(bill);
        const Orders& o = orders(provider);
        QCOMPARE(linesOf(bill->bill, o.first, BillLineKind::Payment).size(), 1);
        QCOMPARE(linesOf(bill->bill, o.second, BillLineKind::Payment).size(), 1);
        const QList<BillRecord> refunds = linesOf(bill->bill, o.second, BillLineKind::Refund);
        QCOMPARE(refunds.size(), 1);
        QCOMPARE(refunds.first().outRequestNo, o.refundNo);
        QCOMPARE(refunds.first().refundFen, Fen(500));
        // The file exactly as served: Alipay's zip, WeChat Pay's gzip; and its SHA-256.
        QVERIFY(bill->file.startsWith(provider == u"alipay" ? QByteArray("PK\x03\x04")
                                                            : QByteArray("\x1f\x8b")));
        QCOMPARE(bill->fileSha256Hex,
                 QCryptographicHash::hash(bill->file, QCryptographicHash::Sha256).toHex());
        QCOMPARE(bill->fileSha256Hex.size(), 64);
    }

    void aDroppedLineIsAbsent_data() { providers(); }
    void aDroppedLineIsAbsent() {
        QFETCH(QString, provider);
        const Orders& o = orders(provider);
        QJsonObject fault = billFault(QStringLiteral("bill_drop_line"), provider);
        fault.insert(QStringLiteral("out_trade_no"), o.first);
        addFault(fault);
        const std::optional<DownloadedBill> bill = readyBill(provider);
        QVERIFY(bill);
        QVERIFY(linesOf(bill->bill, o.first, BillLineKind::Payment).isEmpty());
        QCOMPARE(linesOf(bill->bill, o.second, BillLineKind::Payment).size(), 1);
        // Used once: the next bill of the day is whole again.
        const std::optional<DownloadedBill> next = readyBill(provider);
        QVERIFY(next);
        QCOMPARE(linesOf(next->bill, o.first, BillLineKind::Payment).size(), 1);
    }

    void aChangedAmountShows_data() { providers(); }
    void aChangedAmountShows() {
        QFETCH(QString, provider);
        const Orders& o = orders(provider);
        QJsonObject fault = billFault(QStringLiteral("bill_change_amount"), provider);
        fault.insert(QStringLiteral("out_trade_no"), o.first);
        fault.insert(QStringLiteral("amount_fen"), 1234);
        addFault(fault);
        const std::optional<DownloadedBill> bill = readyBill(provider);
        QVERIFY(bill);
        const QList<BillRecord> lines = linesOf(bill->bill, o.first, BillLineKind::Payment);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines.first().amountFen, Fen(1234));
        QCOMPARE(linesOf(bill->bill, o.second, BillLineKind::Payment).first().amountFen, Fen(2000));
    }

    void aForeignTradeIsListed_data() { providers(); }
    void aForeignTradeIsListed() {
        QFETCH(QString, provider);
        QJsonObject fault = billFault(QStringLiteral("bill_foreign_trade"), provider);
        fault.insert(QStringLiteral("out_trade_no"), QStringLiteral("OTHERSHOP0001"));
        fault.insert(QStringLiteral("amount_fen"), 777);
        addFault(fault);
        const std::optional<DownloadedBill> bill = readyBill(provider);
        QVERIFY(bill);
        const QList<BillRecord> lines =
            linesOf(bill->bill, QStringLiteral("OTHERSHOP0001"), BillLineKind::Payment);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines.first().amountFen, Fen(777));
        QVERIFY(!lines.first().providerTradeNo.isEmpty());
        // The shop's own lines are all still there.
        const Orders& o = orders(provider);
        QCOMPARE(linesOf(bill->bill, o.first, BillLineKind::Payment).size(), 1);
        QCOMPARE(linesOf(bill->bill, o.second, BillLineKind::Refund).size(), 1);
    }

    void aMissingRefundIsAbsent_data() { providers(); }
    void aMissingRefundIsAbsent() {
        QFETCH(QString, provider);
        const Orders& o = orders(provider);
        QJsonObject fault = billFault(QStringLiteral("bill_drop_refund"), provider);
        fault.insert(QStringLiteral("out_request_no"), o.refundNo);
        addFault(fault);
        const std::optional<DownloadedBill> bill = readyBill(provider);
        QVERIFY(bill);
        QVERIFY(linesOf(bill->bill, o.second, BillLineKind::Refund).isEmpty());
        QCOMPARE(linesOf(bill->bill, o.second, BillLineKind::Payment).size(), 1);
    }

    void aChangedStateShows() {
        const Orders& o = orders(QStringLiteral("wechat"));
        QJsonObject fault =
            billFault(QStringLiteral("bill_change_state"), QStringLiteral("wechat"));
        fault.insert(QStringLiteral("out_trade_no"), o.first);
        addFault(fault);
        const std::optional<DownloadedBill> bill = readyBill(QStringLiteral("wechat"));
        QVERIFY(bill);
        // Listed, with its money, but not as a payment: 交易状态 REVOKED.
        QVERIFY(linesOf(bill->bill, o.first, BillLineKind::Payment).isEmpty());
        const QList<BillRecord> lines = linesOf(bill->bill, o.first, BillLineKind::Other);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines.first().kindText, QStringLiteral("REVOKED"));
        QCOMPARE(lines.first().amountFen, Fen(1000));
        QCOMPARE(linesOf(bill->bill, o.second, BillLineKind::Payment).size(), 1);
        // The provider's own record is unchanged: only the bill says otherwise.
        const auto trades = m_server->wechat().trades(kMchId);
        const auto first = std::find_if(trades.cbegin(), trades.cend(), [&o](const WechatTrade& t) {
            return t.outTradeNo == o.first;
        });
        QVERIFY(first != trades.cend());
        QCOMPARE(first->state, WechatTradeState::Success);
    }

    void aChangedStateIsRefusedForAlipay() {
        const test::HttpResult r = m_control->control(
            "POST", QStringLiteral("/sandbox/faults"),
            QJsonDocument(billFault(QStringLiteral("bill_change_state"), QStringLiteral("alipay")))
                .toJson());
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("WeChat Pay only"), r.body.constData());
        QVERIFY(m_server->faults().rules().isEmpty());
    }

    void aDuplicateLineIsListedTwice_data() { providers(); }
    void aDuplicateLineIsListedTwice() {
        QFETCH(QString, provider);
        const Orders& o = orders(provider);
        QJsonObject fault = billFault(QStringLiteral("bill_duplicate_line"), provider);
        fault.insert(QStringLiteral("out_trade_no"), o.second);
        addFault(fault);
        const std::optional<DownloadedBill> bill = readyBill(provider);
        QVERIFY(bill); // its totals count the repeat, so the bill still adds up
        const QList<BillRecord> lines = linesOf(bill->bill, o.second, BillLineKind::Payment);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0].amountFen, Fen(2000));
        QCOMPARE(lines[1].amountFen, Fen(2000));
        QCOMPARE(lines[1].providerTradeNo, lines[0].providerTradeNo);
        QVERIFY(lines[1].lineNumber > lines[0].lineNumber);
        // Only the payment line repeats, not the trade's refund.
        QCOMPARE(linesOf(bill->bill, o.second, BillLineKind::Refund).size(), 1);
        QCOMPARE(linesOf(bill->bill, o.first, BillLineKind::Payment).size(), 1);
    }

    void aPaymentDatedTheNextDayLeavesItsDaysBill_data() { providers(); }
    void aPaymentDatedTheNextDayLeavesItsDaysBill() {
        QFETCH(QString, provider);
        const Orders& o = orders(provider);
        QJsonObject fault = billFault(QStringLiteral("bill_next_day"), provider);
        fault.insert(QStringLiteral("out_trade_no"), o.second);
        addFault(fault);
        // Without a count it holds for every bill: the provider dated the payment so for good.
        QCOMPARE(m_server->faults().rules().size(), 1);
        QCOMPARE(m_server->faults().rules().first().remaining, -1);
        for (int i = 0; i < 2; ++i) {
            const std::optional<DownloadedBill> bill = readyBill(provider);
            QVERIFY(bill);
            QVERIFY(linesOf(bill->bill, o.second, BillLineKind::Payment).isEmpty());
            // Its refund stays on the day it was made; the other payment is untouched.
            QCOMPARE(linesOf(bill->bill, o.second, BillLineKind::Refund).size(), 1);
            QCOMPARE(linesOf(bill->bill, o.first, BillLineKind::Payment).size(), 1);
        }
        // The next day's bill, a day to come here, is read where the sandbox's clock moves on:
        // tst_reconcile_runs.
    }

    void aBillNotReadyIsAnsweredSoUntilItsTime_data() { providers(); }
    void aBillNotReadyIsAnsweredSoUntilItsTime() {
        QFETCH(QString, provider);
        const qint64 until = QDateTime::currentMSecsSinceEpoch() + 1500;
        QJsonObject fault = billFault(QStringLiteral("bill_not_ready"), provider);
        fault.insert(QStringLiteral("until_ms"), until);
        addFault(fault);
        for (int i = 0; i < 2; ++i) {
            const auto r = download(provider);
            QVERIFY(r);
            QVERIFY2(r->isSuccess(), qPrintable(r->cashierMessage()));
            QCOMPARE(r->value().availability, BillAvailability::NotReadyYet);
            QCOMPARE(r->value().providerCode, provider == u"alipay"
                                                  ? QStringLiteral("isp.bill_not_exist")
                                                  : QStringLiteral("STATEMENT_CREATING"));
            QVERIFY(!r->value().message.isEmpty());
            QVERIFY(r->value().bill.records.isEmpty());
            QVERIFY(r->value().file.isEmpty());
        }
        // Another day's bill is not held up.
        const auto other = download(provider, today().addDays(-1));
        QVERIFY(other);
        QVERIFY(other->isSuccess());
        QVERIFY(other->value().availability != BillAvailability::NotReadyYet);
        QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentMSecsSinceEpoch() > until, 5000);
        const std::optional<DownloadedBill> bill = readyBill(provider);
        QVERIFY(bill);
        QCOMPARE(linesOf(bill->bill, orders(provider).first, BillLineKind::Payment).size(), 1);
    }

    void aTruncatedFileIsRefused_data() { providers(); }
    void aTruncatedFileIsRefused() {
        QFETCH(QString, provider);
        QJsonObject fault = billFault(QStringLiteral("bill_truncated"), provider);
        fault.insert(QStringLiteral("count"), -1);
        addFault(fault);
        const auto r = download(provider);
        QVERIFY(r);
        QVERIFY2(r->isUnknown(), qPrintable(outcomeKindName(r->kind())));
        QCOMPARE(r->unknown().reason.code, provider == u"alipay"
                                               ? QStringLiteral("alipay.bill_zip_corrupt")
                                               : QStringLiteral("wechat.gzip_truncated"));
        QVERIFY(!r->unknown().reason.message.isEmpty());
    }

    void aFaultChangesOnlyItsProvidersBillOfItsDate_data() { providers(); }
    void aFaultChangesOnlyItsProvidersBillOfItsDate() {
        QFETCH(QString, provider);
        const QString other =
            provider == u"alipay" ? QStringLiteral("wechat") : QStringLiteral("alipay");
        addFault(billFault(QStringLiteral("bill_truncated"), other));
        addFault(billFault(QStringLiteral("bill_drop_line"), provider, today().addDays(-1)));
        const std::optional<DownloadedBill> bill = readyBill(provider);
        QVERIFY(bill);
        QCOMPARE(linesOf(bill->bill, orders(provider).first, BillLineKind::Payment).size(), 1);
        QCOMPARE(m_server->faults().rules().size(), 2);
    }

    void aBillFaultNeedsItsDate() {
        const test::HttpResult r =
            m_control->control("POST", QStringLiteral("/sandbox/faults"),
                               R"({"kind":"bill_drop_line","provider":"wechat"})");
        QCOMPARE(r.status, 400);
        QVERIFY(r.body.contains("bill_date"));
        const test::HttpResult late = m_control->control(
            "POST", QStringLiteral("/sandbox/faults"),
            R"({"kind":"bill_not_ready","provider":"alipay","bill_date":"2026-12-01"})");
        QCOMPARE(late.status, 400);
        QVERIFY(late.body.contains("until_ms"));
        QVERIFY(m_server->faults().rules().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSandboxBillFaults)
#include "tst_sandbox_bill_faults.moc"
