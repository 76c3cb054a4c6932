// The bill file: alipay.data.dataservice.bill.downloadurl.query answers a URL back into the
// sandbox, which serves a zip of GBK CSV files in Alipay's 业务明细 format.
#include "core/calendar/ChinaCalendar.h"
#include "core/text/GbkCodec.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/bill/ZipArchive.h"
#include "sandbox/SandboxServer.h"
#include "tests/sandbox/AlipayTestClient.h"

#include <QJsonDocument>
#include <QTest>
#include <QUrlQuery>

using namespace qpos;
using namespace qpos::sandbox;
using namespace qpos::test;

namespace {

const QString kApp = QStringLiteral("2021000000000004");
const QString kBill = QStringLiteral("alipay.data.dataservice.bill.downloadurl.query");

QString chinaToday(int addDays = 0) {
    return china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch())
        .addDays(addDays)
        .toString(QStringLiteral("yyyy-MM-dd"));
}

QJsonObject billBiz(const QString& date, const QString& type = QStringLiteral("trade")) {
    return QJsonObject{{QStringLiteral("bill_type"), type}, {QStringLiteral("bill_date"), date}};
}

} // namespace

class TestSandboxAlipayBill : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxServer> m_server;
    std::unique_ptr<AlipayTestClient> m_client;
    QString m_paid;
    QString m_refunded;
    QString m_unpaid;

    AlipaySimulator& alipay() { return m_server->alipay(); }

    // The files of today's bill, decoded: name -> text.
    QMap<QString, QString> todaysBill() {
        const GatewayResult r = m_client->call(kBill, billBiz(chinaToday()));
        if (r.code() != u"10000" || !r.signatureOk)
            return {};
        const HttpResult file = m_client->get(QUrl(r.field("bill_download_url")));
        if (file.status != 200)
            return {};
        Result<QList<zip_archive::Entry>> entries = zip_archive::read(file.body);
        if (!entries)
            return {};
        QMap<QString, QString> out;
        for (const zip_archive::Entry& e : *entries) {
            Result<QString> name = gbk::decode(e.name);
            Result<QString> text = gbk::decode(e.data);
            if (name && text)
                out.insert(*name, *text);
        }
        return out;
    }

private slots:
    void initTestCase() {
        m_server = std::make_unique<SandboxServer>();
        QVERIFY(m_server->listen().ok());
        Result<crypto::RsaPrivateKey> key =
            alipay().createApp(kApp, QStringLiteral("2088102100000042"));
        QVERIFY(key.ok());
        m_client = std::make_unique<AlipayTestClient>(m_server->baseUrl(), kApp, *key,
                                                      alipay().alipayPublicKey());
        const QString stamp = QString::number(QDateTime::currentMSecsSinceEpoch());
        m_paid = QStringLiteral("BILL_PAID_") + stamp;
        m_refunded = QStringLiteral("BILL_REFUNDED_") + stamp;
        m_unpaid = QStringLiteral("BILL_UNPAID_") + stamp;
        const QJsonObject paid{{QStringLiteral("out_trade_no"), m_paid},
                               {QStringLiteral("total_amount"), QStringLiteral("12.50")},
                               {QStringLiteral("subject"), QStringLiteral("拿铁咖啡, 大杯")},
                               {QStringLiteral("store_id"), QStringLiteral("S01")},
                               {QStringLiteral("terminal_id"), QStringLiteral("T01")}};
        QCOMPARE(m_client->call(QStringLiteral("alipay.trade.precreate"), paid).code(),
                 QStringLiteral("10000"));
        QVERIFY(alipay().buyerPay(m_paid).ok());
        QCOMPARE(m_client->precreate(m_refunded, QStringLiteral("8.00")).code(),
                 QStringLiteral("10000"));
        QVERIFY(alipay().buyerPay(m_refunded).ok());
        QCOMPARE(m_client
                     ->call(QStringLiteral("alipay.trade.refund"),
                            QJsonObject{{QStringLiteral("out_trade_no"), m_refunded},
                                        {QStringLiteral("refund_amount"), QStringLiteral("3.00")},
                                        {QStringLiteral("out_request_no"), QStringLiteral("RQ1")}})
                     .code(),
                 QStringLiteral("10000"));
        QCOMPARE(m_client->precreate(m_unpaid, QStringLiteral("99.00")).code(),
                 QStringLiteral("10000"));
        QVERIFY(alipay().buyerScan(m_unpaid).ok());
    }

    void theUrlPointsBackAtTheSandbox() {
        const GatewayResult r = m_client->call(kBill, billBiz(chinaToday()));
        QCOMPARE(r.code(), QStringLiteral("10000"));
        QVERIFY(r.signatureOk);
        const QUrl url(r.field("bill_download_url"));
        QCOMPARE(url.host(), m_server->baseUrl().host());
        QCOMPARE(url.port(), m_server->baseUrl().port());
        QCOMPARE(url.path(), QStringLiteral("/downloadBillFile.resource"));
        // "/" escaped in the signed text, as everywhere in Alipay's answers.
        QVERIFY(r.raw.signedText.contains("http:\\/\\/"));
        const HttpResult file = m_client->get(url);
        QCOMPARE(file.status, 200);
        QVERIFY(file.body.startsWith("PK"));
    }

    void theZipHoldsGbkCsvInAlipaysFormat() {
        const QMap<QString, QString> files = todaysBill();
        QCOMPARE(files.size(), 2);
        const QString stem = QStringLiteral("20881021000000420156_") + chinaToday().remove(u'-');
        QVERIFY2(files.contains(stem + QStringLiteral("_业务明细.csv")),
                 qPrintable(files.keys().join(u' ')));
        QVERIFY(files.contains(stem + QStringLiteral("_业务明细(汇总).csv")));

        const QStringList detail =
            files.value(stem + QStringLiteral("_业务明细.csv")).split(QStringLiteral("\r\n"));
        QCOMPARE(detail[0], QStringLiteral("#支付宝业务明细查询"));
        QCOMPARE(detail[1], QStringLiteral("#账号：[20881021000000420156]"));
        QVERIFY(detail[2].startsWith(QStringLiteral("#起始日期：[")));
        QVERIFY(detail[3].contains(QStringLiteral("业务明细列表")));
        const QStringList header = detail[4].split(u',');
        QCOMPARE(header.size(), 25);
        QCOMPARE(header.first(), QStringLiteral("支付宝交易号"));
        QCOMPARE(header[11], QStringLiteral("订单金额（元）"));
        QCOMPARE(header[21], QStringLiteral("退款批次号/请求号"));
        QCOMPARE(header.last(), QStringLiteral("备注"));

        // Rows: the two payments and the refund; not the unpaid order.
        QStringList rows;
        for (const QString& line : detail.mid(5)) {
            if (line.startsWith(u'#'))
                break;
            rows.append(line);
        }
        QCOMPARE(rows.size(), 3);
        const QString all = rows.join(u'\n');
        QVERIFY(!all.contains(m_unpaid));
        const QString paidRow = rows.filter(m_paid).value(0);
        QVERIFY(paidRow.startsWith(alipay().trade(m_paid)->tradeNo + QStringLiteral("\t,") +
                                   m_paid + QStringLiteral("\t,交易\t,")));
        QVERIFY(paidRow.contains(QStringLiteral("\"拿铁咖啡, 大杯\"")));
        QVERIFY(paidRow.contains(QStringLiteral(",S01\t,")));
        QVERIFY(paidRow.contains(QStringLiteral(",12.50,12.50,")));
        const QStringList refundRows = rows.filter(QStringLiteral("退款\t"));
        QCOMPARE(refundRows.size(), 1);
        const QStringList refund = refundRows.first().split(u',');
        QCOMPARE(refund.size(), 25);
        QCOMPARE(refund[1], m_refunded + u'\t');
        QCOMPARE(refund[11], QStringLiteral("-3.00"));
        QCOMPARE(refund[12], QStringLiteral("-3.00"));
        QCOMPARE(refund[21], QStringLiteral("RQ1\t"));

        const QStringList footer = detail.mid(5 + rows.size());
        QVERIFY(footer[0].contains(QStringLiteral("业务明细列表结束")));
        QCOMPARE(footer[1],
                 QStringLiteral("#交易合计：2笔，商家实收共：20.50元，商家优惠共：0.00元"));
        QCOMPARE(footer[2],
                 QStringLiteral("#退款合计：1笔，商家实收退款共：-3.00元，商家优惠退款共：0.00元"));
        QVERIFY(footer[3].startsWith(QStringLiteral("#导出时间：[")));

        const QStringList summary =
            files.value(stem + QStringLiteral("_业务明细(汇总).csv")).split(QStringLiteral("\r\n"));
        QCOMPARE(summary[0], QStringLiteral("#支付宝业务汇总查询"));
        QVERIFY(summary[4].startsWith(
            QStringLiteral("门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）")));
        const QString total = summary.filter(QRegularExpression(QStringLiteral("^合计,"))).value(0);
        QCOMPARE(total, QStringLiteral("合计,,2,1,17.50,17.50,0.00,0.00,0.00,0.00,0.00,17.50"));
    }

    void billDatesAreChecked() {
        auto sub = [this](const QJsonObject& biz) {
            return m_client->call(kBill, biz).subCode();
        };
        const QString refused = QStringLiteral("isv.invalid_arguments");
        QCOMPARE(sub(billBiz(chinaToday(1))), refused);
        QCOMPARE(sub(billBiz(QStringLiteral("2024-02-30"))), refused);
        QCOMPARE(sub(billBiz(QStringLiteral("20240101"))), refused);
        QCOMPARE(sub(billBiz(chinaToday(-1), QStringLiteral("signcustomer"))), refused);
        QCOMPARE(m_client->call(kBill, billBiz(chinaToday().left(7))).code(),
                 QStringLiteral("10000"));
        QCOMPARE(m_client->call(kBill, billBiz(chinaToday(-1))).code(), QStringLiteral("10000"));
        // Strict dates: today and this month are not ready yet, as on Alipay.
        AlipayOptions o = alipay().options();
        o.strictBillDates = true;
        alipay().setOptions(o);
        QCOMPARE(sub(billBiz(chinaToday())), refused);
        QCOMPARE(sub(billBiz(chinaToday().left(7))), refused);
        QCOMPARE(m_client->call(kBill, billBiz(chinaToday(-1))).code(), QStringLiteral("10000"));
        o.strictBillDates = false;
        alipay().setOptions(o);
    }

    void theUrlExpires() {
        AlipayOptions o = alipay().options();
        o.billUrlTtlMs = 100;
        alipay().setOptions(o);
        const GatewayResult r = m_client->call(kBill, billBiz(chinaToday()));
        QTest::qWait(200);
        QCOMPARE(m_client->get(QUrl(r.field("bill_download_url"))).status, 404);
        QUrl forged(r.field("bill_download_url"));
        QUrlQuery q(forged);
        q.removeQueryItem(QStringLiteral("bigFileId"));
        q.addQueryItem(QStringLiteral("bigFileId"), QStringLiteral("0123"));
        forged.setQuery(q);
        QCOMPARE(m_client->get(forged).status, 404);
        o.billUrlTtlMs = 30000;
        alipay().setOptions(o);
    }

    void gbkRoundTrip() {
        const QString text = QStringLiteral("支付宝交易号,订单金额（元）,退款批次号/请求号");
        const QByteArray bytes = *gbk::encode(text);
        QCOMPARE(bytes.size(), 21 * 2 + 3); // two bytes a Chinese character, one for ASCII
        QCOMPARE(*gbk::decode(bytes), text);
        // What GBK cannot hold becomes '?'.
        QCOMPARE(*gbk::decode(*gbk::encodeReplacing(QStringLiteral("咖啡☕!"))),
                 QStringLiteral("咖啡?!"));
        QVERIFY(!gbk::decode(QByteArray("\x81", 1)).ok());
    }
};

QTEST_GUILESS_MAIN(TestSandboxAlipayBill)
#include "tst_sandbox_alipay_bill.moc"
