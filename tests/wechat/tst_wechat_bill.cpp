// WeChat Pay's trade bill: gzip (zlib) with its failure modes, and the backquoted CSV parsed
// into typed records and the summary, whose totals must add up.

#include "core/gateways/wechat/WechatBill.h"

#include <QDateTime>
#include <QTest>

#include <zlib.h>

using namespace qpos;
using namespace qpos::wechat;
using namespace qpos::gateway;

namespace {

const char* const kHeader =
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
    "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
    "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,"
    "费率备注";
const char* const kSummaryHeader =
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";

// One backquoted line from its values.
QString line(const QStringList& values) {
    QStringList quoted;
    for (const QString& v : values)
        quoted << QStringLiteral("`") + v;
    return quoted.join(u',');
}

QString payment(const QString& time, const QString& transactionId, const QString& outTradeNo,
                const QString& amount, const QString& fee) {
    return line({time,
                 QStringLiteral("wxd678efh567hg6787"),
                 QStringLiteral("1230000109"),
                 QString(),
                 QStringLiteral("T01"),
                 transactionId,
                 outTradeNo,
                 QStringLiteral("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
                 QStringLiteral("NATIVE"),
                 QStringLiteral("SUCCESS"),
                 QStringLiteral("OTHERS"),
                 QStringLiteral("CNY"),
                 amount,
                 QStringLiteral("0.00"),
                 QStringLiteral("0"),
                 QStringLiteral("0"),
                 QStringLiteral("0.00"),
                 QStringLiteral("0.00"),
                 QString(),
                 QString(),
                 QString::fromUtf8("可乐 500ml"),
                 QString(),
                 fee,
                 QStringLiteral("0.60%"),
                 amount,
                 QStringLiteral("0.00"),
                 QString()});
}

QString refundLine() {
    return line({QStringLiteral("2026-12-01 11:00:00"),
                 QStringLiteral("wxd678efh567hg6787"),
                 QStringLiteral("1230000109"),
                 QString(),
                 QStringLiteral("T01"),
                 QStringLiteral("4200000000202612010000000001"),
                 QStringLiteral("S01T0120261201000001"),
                 QStringLiteral("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
                 QStringLiteral("NATIVE"),
                 QStringLiteral("REFUND"),
                 QStringLiteral("OTHERS"),
                 QStringLiteral("CNY"),
                 QStringLiteral("0.00"),
                 QStringLiteral("0.00"),
                 QStringLiteral("50300000002026120100000000001"),
                 QStringLiteral("S01T0120261201000001R1"),
                 QStringLiteral("10.00"),
                 QStringLiteral("0.00"),
                 QStringLiteral("ORIGINAL"),
                 QStringLiteral("SUCCESS"),
                 QString::fromUtf8("可乐 500ml"),
                 QString(),
                 QStringLiteral("-0.06000"),
                 QStringLiteral("0.60%"),
                 QStringLiteral("0.00"),
                 QStringLiteral("10.00"),
                 QString()});
}

QStringList detailLines() {
    return {payment(QStringLiteral("2026-12-01 10:00:00"),
                    QStringLiteral("4200000000202612010000000001"),
                    QStringLiteral("S01T0120261201000001"), QStringLiteral("88.88"),
                    QStringLiteral("0.53328")),
            payment(QStringLiteral("2026-12-01 10:30:00"),
                    QStringLiteral("4200000000202612010000000002"),
                    QStringLiteral("S01T0120261201000002"), QStringLiteral("12.00"),
                    QStringLiteral("0.07200")),
            refundLine()};
}

QString summaryLine(const QString& count = QStringLiteral("3"),
                    const QString& settled = QStringLiteral("100.88")) {
    return line({count, settled, QStringLiteral("10.00"), QStringLiteral("0.00"),
                 QStringLiteral("0.54528"), QStringLiteral("100.88"), QStringLiteral("10.00")});
}

// The whole file; WeChat ends it with line breaks to spare.
QByteArray bill(const QStringList& details = detailLines(), const QString& summary = summaryLine(),
                const QString& header = QString::fromUtf8(kHeader)) {
    QStringList lines{header};
    lines << details << QString::fromUtf8(kSummaryHeader) << summary;
    return (lines.join(QStringLiteral("\r\n")) + QStringLiteral("\r\n\r\n")).toUtf8();
}

QByteArray gzip(const QByteArray& data) {
    z_stream z{};
    if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        qFatal("deflateInit2 failed");
    QByteArray out(static_cast<qsizetype>(deflateBound(&z, static_cast<uLong>(data.size()))), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        qFatal("deflate failed");
    out.resize(static_cast<qsizetype>(z.total_out));
    deflateEnd(&z);
    return out;
}

qint64 utcMs(int h, int m, int s) {
    return QDateTime(QDate(2026, 12, 1), QTime(h, m, s), Qt::UTC).toMSecsSinceEpoch();
}

} // namespace

class TestWechatBill : public QObject {
    Q_OBJECT

    void expectError(const Result<ProviderBill>& r, const char* code, const QString& mention) {
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QString::fromLatin1(code));
        QVERIFY2(r.error().message.contains(mention), qPrintable(r.error().message));
    }

    void expectGzipError(const Result<QByteArray>& r, const char* code) {
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QString::fromLatin1(code));
        QVERIFY(!r.error().message.isEmpty());
    }

private slots:
    void parsesBill() {
        Result<ProviderBill> r = parseWechatBill(bill());
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        const ProviderBill& b = *r;
        QCOMPARE(b.columnNames.size(), 27);
        QCOMPARE(b.columnNames.front(), QString::fromUtf8("交易时间"));
        QCOMPARE(b.records.size(), 3);

        const BillRecord& pay = b.records.at(0);
        QCOMPARE(pay.lineNumber, 2);
        QCOMPARE(pay.kind, BillLineKind::Payment);
        QCOMPARE(pay.kindText, QStringLiteral("SUCCESS"));
        QCOMPARE(pay.providerTradeNo, QStringLiteral("4200000000202612010000000001"));
        QCOMPARE(pay.outTradeNo, QStringLiteral("S01T0120261201000001"));
        QCOMPARE(pay.subject, QString::fromUtf8("可乐 500ml"));
        QCOMPARE(pay.finishedAtMs, std::optional<qint64>(utcMs(2, 0, 0)));
        QCOMPARE(pay.terminalId, QStringLiteral("T01"));
        QCOMPARE(pay.buyerAccount, QStringLiteral("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"));
        QCOMPARE(pay.amountFen, money::Fen(8888));
        QCOMPARE(pay.receivedFen, money::Fen(8888));
        QCOMPARE(pay.refundFen, money::Fen(0));
        // Fees have five decimals, kept exactly: 0.53328 yuan is 53.328 fen.
        QCOMPARE(pay.fee, money::SubFen::fromThousandthsOfFen(53328));
        QCOMPARE(pay.fee.exactFen(), std::nullopt);
        QVERIFY(pay.outRequestNo.isEmpty());
        // Every column, without its backquote.
        QCOMPARE(pay.columns.size(), 27);
        QCOMPARE(pay.columns.value(QString::fromUtf8("费率")), QStringLiteral("0.60%"));
        QCOMPARE(pay.columns.value(QString::fromUtf8("特约商户号")), QString());

        const BillRecord& refund = b.records.at(2);
        QCOMPARE(refund.lineNumber, 4);
        QCOMPARE(refund.kind, BillLineKind::Refund);
        QCOMPARE(refund.kindText, QStringLiteral("REFUND"));
        QCOMPARE(refund.refundFen, money::Fen(1000));
        QCOMPARE(refund.receivedFen, money::Fen(-1000));
        QCOMPARE(refund.fee, money::SubFen::fromFen(-6));
        QCOMPARE(refund.outRequestNo, QStringLiteral("S01T0120261201000001R1"));
        QCOMPARE(refund.finishedAtMs, std::optional<qint64>(utcMs(3, 0, 0)));

        QCOMPARE(b.summaryColumnNames.size(), 7);
        QCOMPARE(b.summaryRows.size(), 1);
        QCOMPARE(b.summaryRows.front().lineNumber, 6);
        QCOMPARE(b.summaryRows.front().columns.value(QString::fromUtf8("总交易单数")),
                 QStringLiteral("3"));
        QCOMPARE(b.summaryRows.front().columns.value(QString::fromUtf8("手续费总金额")),
                 QStringLiteral("0.54528"));
    }

    void feesAreExactToFiveDecimals() {
        // Six decimals are more than WeChat prints: refused, never rounded.
        QStringList details = detailLines();
        details[0].replace(QStringLiteral("`0.53328"), QStringLiteral("`0.533281"));
        expectError(parseWechatBill(bill(details)), bill_errc::malformed, QStringLiteral("line 2"));
        // The fee total must match to the last thousandth of a fen.
        QString summary = summaryLine();
        summary.replace(QStringLiteral("`0.54528"), QStringLiteral("`0.54527"));
        expectError(parseWechatBill(bill(detailLines(), summary)), bill_errc::totalsMismatch,
                    QString::fromUtf8("手续费总金额"));
        // Fewer decimals mean the same amount.
        details = detailLines();
        details[1].replace(QStringLiteral("`0.07200"), QStringLiteral("`0.072"));
        Result<ProviderBill> r = parseWechatBill(bill(details));
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        QCOMPARE(r->records.at(1).fee, money::SubFen::fromThousandthsOfFen(7200));
    }

    void otherStatesAndPlainLineBreaks() {
        // A revoked trade is listed as something else; LF-only files parse the same.
        QStringList details = detailLines();
        details[1].replace(QStringLiteral("`SUCCESS"), QStringLiteral("`REVOKED"));
        QByteArray text = bill(details);
        text.replace("\r\n", "\n");
        Result<ProviderBill> r = parseWechatBill(text);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        QCOMPARE(r->records.at(1).kind, BillLineKind::Other);
        QCOMPARE(r->records.at(1).kindText, QStringLiteral("REVOKED"));
        QCOMPARE(r->records.at(1).receivedFen, money::Fen(1200));
    }

    void emptyDayBill() {
        Result<ProviderBill> r = parseWechatBill(
            bill({}, line({QStringLiteral("0"), QStringLiteral("0.00"), QStringLiteral("0.00"),
                           QStringLiteral("0.00"), QStringLiteral("0.00"), QStringLiteral("0.00"),
                           QStringLiteral("0.00")})));
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        QVERIFY(r->records.isEmpty());
    }

    void gzipRoundTrip() {
        const QByteArray plain = bill();
        const QByteArray gz = gzip(plain);
        QVERIFY(gz.startsWith("\x1f\x8b"));
        Result<QByteArray> out = gunzip(gz, 1 << 20);
        QVERIFY2(out.ok(), out.ok() ? "" : qPrintable(out.error().message));
        QCOMPARE(*out, plain);
        QVERIFY(parseWechatBill(*out).ok());
        // Exactly at the limit is fine.
        QVERIFY(gunzip(gz, plain.size()).ok());
        // Two members, as `cat a.gz b.gz` makes, give both contents.
        Result<QByteArray> joined = gunzip(gz + gzip("tail\n"), 1 << 20);
        QVERIFY(joined.ok());
        QCOMPARE(*joined, plain + "tail\n");
        // A large file inflates across many output chunks.
        QByteArray big;
        for (int i = 0; i < 20000; ++i)
            big += QByteArray::number(i) + ",";
        Result<QByteArray> bigOut = gunzip(gzip(big), 1 << 20);
        QVERIFY(bigOut.ok());
        QCOMPARE(*bigOut, big);
    }

    void gzipRefusals() {
        const QByteArray gz = gzip(bill());
        expectGzipError(gunzip(gz.left(gz.size() - 4), 1 << 20), bill_errc::gzipTruncated);
        expectGzipError(gunzip(gz.left(gz.size() / 2), 1 << 20), bill_errc::gzipTruncated);
        expectGzipError(gunzip(gz.left(5), 1 << 20), bill_errc::gzipTruncated);
        expectGzipError(gunzip(QByteArray(), 1 << 20), bill_errc::gzipTruncated);

        expectGzipError(gunzip(bill(), 1 << 20), bill_errc::gzipCorrupt); // not gzip
        QByteArray damaged = gz;
        damaged[damaged.size() - 6] = static_cast<char>(damaged[damaged.size() - 6] ^ 0x55); // CRC
        expectGzipError(gunzip(damaged, 1 << 20), bill_errc::gzipCorrupt);
        expectGzipError(gunzip(gz + "garbage!", 1 << 20), bill_errc::gzipCorrupt);

        // A bomb: 64 MiB of zeros in about 64 KiB, refused at the 1 MiB limit.
        const QByteArray bomb = gzip(QByteArray(64 << 20, '\0'));
        QVERIFY(bomb.size() < 100 * 1024);
        expectGzipError(gunzip(bomb, 1 << 20), bill_errc::gzipTooLarge);
        expectGzipError(gunzip(gz, bill().size() - 1), bill_errc::gzipTooLarge);
    }

    void wrongHeader() {
        expectError(parseWechatBill(bill(detailLines(), summaryLine(),
                                         QString::fromUtf8("支付宝交易号,商户订单号,业务类型"))),
                    bill_errc::notWechat, QStringLiteral("line 1"));
        // WeChat's header with a column missing.
        QString header = QString::fromUtf8(kHeader);
        header.replace(QString::fromUtf8(",商户订单号"), QString());
        expectError(parseWechatBill(bill(detailLines(), summaryLine(), header)),
                    bill_errc::notWechat, QString::fromUtf8("商户订单号"));
        expectError(parseWechatBill(QByteArray("\n\n")), bill_errc::truncated, QString());
    }

    void wrongColumnCount() {
        QStringList details = detailLines();
        details[1] += QStringLiteral(",`extra");
        expectError(parseWechatBill(bill(details)), bill_errc::malformed, QStringLiteral("line 3"));
        expectError(parseWechatBill(bill(detailLines(), QStringLiteral("`3,`100.88"))),
                    bill_errc::malformed, QStringLiteral("line 6"));
    }

    // Found by fuzzing (tests/fuzz/regressions/alipay_bill_csv): a lone carriage return inside
    // a line split it into two records, and the damaged file read as a valid bill.
    void carriageReturnInsideALine() {
        QStringList details = detailLines();
        details[0] += QStringLiteral("\r") + details[1];
        details.removeAt(1);
        expectError(parseWechatBill(bill(details)), bill_errc::malformed, QStringLiteral("line 2"));
    }

    void badValues() {
        QStringList details = detailLines();
        details[0].replace(QStringLiteral("`88.88"), QStringLiteral("`88.888"));
        expectError(parseWechatBill(bill(details)), bill_errc::malformed, QStringLiteral("line 2"));
        details = detailLines();
        details[2].replace(QStringLiteral("`10.00"), QStringLiteral("`ten"));
        expectError(parseWechatBill(bill(details)), bill_errc::malformed, QStringLiteral("line 4"));
        details = detailLines();
        details[1].replace(QStringLiteral("2026-12-01 10:30:00"),
                           QStringLiteral("2026-12-32 10:30:00"));
        expectError(parseWechatBill(bill(details)), bill_errc::malformed, QStringLiteral("line 3"));
        expectError(parseWechatBill(bill(detailLines(), summaryLine(QStringLiteral("three")))),
                    bill_errc::malformed, QStringLiteral("line 6"));
        // Not UTF-8 (你好 in GBK on line 3).
        QByteArray text = bill();
        const qsizetype third = text.indexOf("\r\n", text.indexOf("\r\n") + 2) + 2;
        text.insert(third + 1, "\xc4\xe3\xba\xc3");
        expectError(parseWechatBill(text), bill_errc::notUtf8, QStringLiteral("line 3"));
        // Anything after the summary.
        expectError(parseWechatBill(bill() + "`1,`2\r\n"), bill_errc::malformed,
                    QStringLiteral("line 8"));
    }

    void truncatedAndMismatchedTotals() {
        // Cut before the summary.
        QByteArray text = bill();
        text.truncate(text.indexOf(kSummaryHeader));
        expectError(parseWechatBill(text), bill_errc::truncated, QStringLiteral("line 4"));
        // A line lost in the middle: the summary no longer adds up.
        QStringList details = detailLines();
        details.removeAt(1);
        expectError(parseWechatBill(bill(details)), bill_errc::totalsMismatch,
                    QString::fromUtf8("总交易单数"));
        // The count is right but an amount is not.
        expectError(parseWechatBill(bill(
                        detailLines(), summaryLine(QStringLiteral("3"), QStringLiteral("100.87")))),
                    bill_errc::totalsMismatch, QString::fromUtf8("应结订单总金额"));
        expectError(parseWechatBill(bill(detailLines(), summaryLine(QStringLiteral("4")))),
                    bill_errc::totalsMismatch, QString::fromUtf8("总交易单数 = 4"));
    }
};

QTEST_GUILESS_MAIN(TestWechatBill)
#include "tst_wechat_bill.moc"
