// Both bill parsers stream: each detail line reaches the sink as it is read, with its typed
// fields and no map of columns; the summary's totals come back at the end; a sink's failure
// stops the parse; and the whole-bill API, now a sink over the stream, still fills every
// record's columns.

#include "core/calendar/ChinaCalendar.h"
#include "core/gateways/alipay/AlipayBill.h"
#include "core/gateways/wechat/WechatBill.h"
#include "sandbox/bill/AlipayBill.h"
#include "sandbox/bill/WechatBill.h"

#include <QCryptographicHash>
#include <QTest>

using namespace qpos;
using gateway::BillLineKind;
using gateway::BillRecord;

namespace {

const QDate kDay(2026, 11, 20);

qint64 at(int h, int m = 0) {
    return china_calendar::dayStartMs(kDay) + (h * 60 + m) * 60'000LL;
}

// Keeps what it is given; fails on the line `failAt` when set.
class RecordingSink final : public gateway::BillRecordSink {
public:
    Status record(const BillRecord& record, const gateway::BillRawLine& line) override {
        if (record.lineNumber == failAt)
            return Error{QStringLiteral("test.stop"), QStringLiteral("stopped")};
        records << record;
        columns << line.columns();
        return Status::success();
    }
    int failAt = -1;
    QList<BillRecord> records;
    QList<QMap<QString, QString>> columns;
};

QList<sandbox::AlipayTrade> alipayTrades() {
    QList<sandbox::AlipayTrade> trades;
    for (int i = 0; i < 3; ++i) {
        sandbox::AlipayTrade t;
        t.appId = QStringLiteral("2021000000000888");
        t.outTradeNo = QStringLiteral("A%1").arg(i);
        t.tradeNo = QStringLiteral("2026112022001%1").arg(i);
        t.status = sandbox::AlipayTradeStatus::Success;
        t.total = 1000 + i;
        t.subject = QStringLiteral("茶");
        t.storeId = QStringLiteral("S01");
        t.createdMs = at(9 + i);
        t.paidMs = at(9 + i, 1);
        trades << t;
    }
    trades[1].refunds << sandbox::AlipayRefund{QStringLiteral("A1R1"), 300, 300, at(15),
                                               QStringLiteral("returned")};
    return trades;
}

QByteArray alipayZip() {
    const sandbox::alipay_bill::Bill bill = sandbox::alipay_bill::build(
        QStringLiteral("2088000000000888"), *sandbox::alipay_bill::Period::parse(u"2026-11-20"_qs),
        alipayTrades(), at(23));
    Result<QByteArray> zip = sandbox::alipay_bill::toZip(bill);
    if (!zip)
        qFatal("%s", qPrintable(zip.error().message));
    return *zip;
}

sandbox::wechat_bill::Bill wechatBill() {
    QList<sandbox::WechatTrade> trades;
    for (int i = 0; i < 2; ++i) {
        sandbox::WechatTrade t;
        t.mchId = QStringLiteral("1900000109");
        t.appId = QStringLiteral("wx8888888888888888");
        t.outTradeNo = QStringLiteral("W%1").arg(i);
        t.transactionId = QStringLiteral("4200%1").arg(i);
        t.state = sandbox::WechatTradeState::Success;
        t.total = 1234 + i;
        t.description = QStringLiteral("Tea");
        t.createdMs = at(10 + i);
        t.paidMs = at(10 + i, 1);
        trades << t;
    }
    return sandbox::wechat_bill::build(kDay, sandbox::wechat_bill::BillType::All, trades);
}

} // namespace

class TestBillStreaming : public QObject {
    Q_OBJECT

private slots:
    void alipayStreamsEachLine() {
        RecordingSink sink;
        Result<gateway::ProviderBill> bill =
            alipay::forEachAlipayRecord(alipayZip(), 1 << 20, sink);
        QVERIFY2(bill.ok(), qPrintable(bill.ok() ? QString() : bill.error().message));
        QVERIFY(bill->records.isEmpty());
        QCOMPARE(sink.records.size(), 4);
        QCOMPARE(sink.records[0].outTradeNo, QStringLiteral("A0"));
        QCOMPARE(sink.records[3].kind, BillLineKind::Refund);
        QCOMPARE(sink.records[3].outRequestNo, QStringLiteral("A1R1"));
        QCOMPARE(sink.records[3].refundFen, money::Fen(300));
        for (qsizetype i = 0; i < sink.records.size(); ++i) {
            QVERIFY(sink.records[i].columns.isEmpty());
            QCOMPARE(sink.columns[i].value(QStringLiteral("商户订单号")),
                     sink.records[i].outTradeNo);
            if (i > 0)
                QVERIFY(sink.records[i].lineNumber > sink.records[i - 1].lineNumber);
        }
        QCOMPARE(bill->totals.paymentCount, 3);
        QCOMPARE(bill->totals.refundCount, 1);
        QCOMPARE(bill->totals.receivedFen, money::Fen(1000 + 1001 + 1002 - 300));
        QVERIFY(!bill->totals.lineCount);

        // The whole-bill API is the same parse, with every column kept.
        Result<gateway::ProviderBill> whole = alipay::parseAlipayBillZip(alipayZip(), 1 << 20);
        QVERIFY(whole.ok());
        QCOMPARE(whole->records.size(), 4);
        QCOMPARE(whole->records[3].columns.value(QStringLiteral("退款批次号/请求号")),
                 QStringLiteral("A1R1"));
        QCOMPARE(whole->totals.paymentCount, 3);
    }

    void aSinkFailureStopsTheParse() {
        RecordingSink sink;
        Result<gateway::ProviderBill> first =
            alipay::forEachAlipayRecord(alipayZip(), 1 << 20, sink);
        QVERIFY(first.ok());
        RecordingSink stopping;
        stopping.failAt = sink.records[1].lineNumber;
        Result<gateway::ProviderBill> bill =
            alipay::forEachAlipayRecord(alipayZip(), 1 << 20, stopping);
        QVERIFY(!bill.ok());
        QCOMPARE(bill.error().code, QStringLiteral("test.stop"));
        QCOMPARE(stopping.records.size(), 1);
    }

    void wechatStreamsFromGzipAndDigestsTheUnpackedBill() {
        const sandbox::wechat_bill::Bill source = wechatBill();
        const QByteArray csv = source.csv.toUtf8();
        Result<QByteArray> gz = sandbox::wechat_bill::gzip(csv);
        QVERIFY(gz.ok());
        RecordingSink sink;
        QCryptographicHash sha1(QCryptographicHash::Sha1);
        Result<gateway::ProviderBill> bill =
            wechat::forEachWechatRecordGzip(*gz, 1 << 20, sink, &sha1);
        QVERIFY2(bill.ok(), qPrintable(bill.ok() ? QString() : bill.error().message));
        QCOMPARE(sha1.result(), QCryptographicHash::hash(csv, QCryptographicHash::Sha1));
        QCOMPARE(sink.records.size(), 2);
        QVERIFY(sink.records[0].columns.isEmpty());
        QCOMPARE(sink.columns[1].value(QStringLiteral("商户订单号")), QStringLiteral("W1"));
        QCOMPARE(bill->totals.lineCount, 2);
        QCOMPARE(bill->totals.fee, money::SubFen::fromThousandthsOfFen((1234 + 1235) * 6));
        QCOMPARE(bill->totals.refundFen, money::Fen(0));

        // Cut short: the records read so far reached the sink, the bill is refused.
        RecordingSink cut;
        Result<gateway::ProviderBill> truncated =
            wechat::forEachWechatRecord(csv.first(csv.lastIndexOf("总交易单数")), cut);
        QVERIFY(!truncated.ok());
        QCOMPARE(truncated.error().code, QString::fromLatin1(wechat::bill_errc::truncated));
        QCOMPARE(cut.records.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestBillStreaming)
#include "tst_bill_streaming.moc"
