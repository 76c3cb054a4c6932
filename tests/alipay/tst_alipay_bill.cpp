// Alipay's trade bill: a real zip (libzip) of GBK CSV files (iconv), parsed into typed
// records; damaged archives and truncated or malformed files give errors naming the line;
// the client's URL query + download, with a retry.

#include "core/crypto/RsaPrivateKey.h"
#include "core/gateways/alipay/AlipayBill.h"
#include "core/gateways/alipay/AlipayBillUrl.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "core/gateways/alipay/AlipaySignature.h"
#include "core/text/GbkCodec.h"
#include "tests/support/ScriptedHttpServer.h"
#include "tests/support/TempDir.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <optional>
#include <zip.h>

using namespace qpos;
using namespace qpos::alipay;
using namespace qpos::gateway;
using qpos::test::ScriptedAction;
using qpos::test::ScriptedHttpServer;

namespace {

const char* const kDetailName = "20881021776494500156_20261122_业务明细.csv";
const char* const kSummaryName = "20881021776494500156_20261122_业务明细(汇总).csv";

QString detailText() {
    return QString::fromUtf8(
        "#支付宝业务明细查询\r\n"
        "#账号：[20881021776494500156]\r\n"
        "#起始日期：[2026年11月22日 00:00:00]   终止日期：[2026年11月23日 00:00:00]\r\n"
        "#-----------------------------------------业务明细列表------------------------------------"
        "----\r\n"
        "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,"
        "终端号,"
        "对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,"
        "商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
        "退款批次号/请求号,服务费（元）,分润（元）,备注\r\n"
        "2026112222001446880500012345\t,S01T0120261122000001\t,交易\t,\"Iphone6 16G, 黑色\"\t,"
        "2026-11-22 10:21:00\t,2026-11-22 10:21:05\t,S01\t,旗舰店\t,cashier7\t,T01\t,"
        "159****5620\t,88.88\t,88.88\t,0.00\t,0.00\t,0.00\t,0.00\t,0.00\t,\t,0.00\t,0.00\t,\t,"
        "-0.53\t,0.00\t,\t\r\n"
        "2026112222001446880500012345\t,S01T0120261122000001\t,退款\t,Iphone6 16G\t,"
        "2026-11-22 10:21:00\t,2026-11-22 11:00:00\t,S01\t,旗舰店\t,cashier7\t,T01\t,"
        "159****5620\t,88.88\t,-10.00\t,0.00\t,0.00\t,0.00\t,0.00\t,0.00\t,\t,0.00\t,0.00\t,"
        "S01T0120261122000001R1\t,0.06\t,0.00\t,部分退款\t\r\n"
        "#-----------------------------------------业务明细列表结束--------------------------------"
        "----\r\n"
        "#交易合计：1笔，商家实收共88.88元，商家优惠共0.00元\r\n"
        "#退款合计：1笔，商家实收退款共-10.00元，商家优惠退款共0.00元\r\n"
        "#导出时间：[2026年11月23日 09:00:00]\r\n");
}

QString summaryText() {
    return QString::fromUtf8(
        "#支付宝业务汇总查询\r\n"
        "#账号：[20881021776494500156]\r\n"
        "#起始日期：[2026年11月22日 00:00:00]   终止日期：[2026年11月23日 00:00:00]\r\n"
        "#-----------------------------------------业务汇总列表------------------------------------"
        "----\r\n"
        "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,"
        "支付宝优惠（元）,"
        "商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）\r\n"
        "S01\t,旗舰店\t,1\t,1\t,88.88\t,78.88\t,0.00\t,0.00\t,0.00\t,-0.47\t,0.00\t,78.41\t\r\n"
        "合计\t,\t,1\t,1\t,88.88\t,78.88\t,0.00\t,0.00\t,0.00\t,-0.47\t,0.00\t,78.41\t\r\n"
        "#-----------------------------------------业务汇总列表结束--------------------------------"
        "---\r\n"
        "#导出时间：[2026年11月23日 09:00:00]\r\n");
}

QByteArray gbkBytes(const QString& text) {
    Result<QByteArray> bytes = gbk::encode(text);
    if (!bytes)
        qFatal("%s", qPrintable(bytes.error().message));
    return *bytes;
}

// A zip built with libzip, with the entry names' raw bytes stored as given (Alipay stores
// GBK names without the UTF-8 flag).
QByteArray makeZip(const QList<QPair<QByteArray, QByteArray>>& files) {
    qpos::test::TempDir dir;
    const QString path = dir.file(QStringLiteral("bill.zip"));
    int error = 0;
    zip_t* archive =
        zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (archive == nullptr)
        qFatal("zip_open failed");
    for (const auto& [name, data] : files) {
        zip_source_t* source =
            zip_source_buffer(archive, data.constData(), static_cast<zip_uint64_t>(data.size()), 0);
        // Raw GBK bytes are stored as given (no UTF-8 flag), as Alipay's archives are.
        const QString asUtf8 = QString::fromUtf8(name);
        const bool utf8 = asUtf8.toUtf8() == name && !asUtf8.contains(QChar::ReplacementCharacter);
        if (source == nullptr ||
            zip_file_add(archive, name.constData(), source,
                         (utf8 ? ZIP_FL_ENC_UTF_8 : ZIP_FL_ENC_CP437) | ZIP_FL_OVERWRITE) < 0)
            qFatal("zip_file_add failed: %s", zip_strerror(archive));
    }
    if (zip_close(archive) != 0)
        qFatal("zip_close failed");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read the zip");
    return file.readAll();
}

QByteArray billZip(const QString& detail = detailText(), const QString& summary = summaryText()) {
    return makeZip({{gbkBytes(QString::fromUtf8(kDetailName)), gbkBytes(detail)},
                    {gbkBytes(QString::fromUtf8(kSummaryName)), gbkBytes(summary)}});
}

qint64 utcMs(int h, int m, int s) {
    return QDateTime(QDate(2026, 11, 22), QTime(h, m, s), Qt::UTC).toMSecsSinceEpoch();
}

} // namespace

class TestAlipayBill : public QObject {
    Q_OBJECT

    void expectBillError(const Result<ProviderBill>& r, const QString& code,
                         const QString& mustMention) {
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, code);
        QVERIFY2(r.error().message.contains(mustMention), qPrintable(r.error().message));
    }

private slots:
    void gbkCodec() {
        const QByteArray known("\xd6\xa7\xb8\xb6\xb1\xa6"); // 支付宝 in GBK
        Result<QString> text = gbk::decode(known);
        QVERIFY(text.ok());
        QCOMPARE(*text, QString::fromUtf8("支付宝"));
        QCOMPARE(gbkBytes(QString::fromUtf8("支付宝")), known);
        // Invalid and truncated sequences are errors naming the line, never replaced.
        Result<QString> bad = gbk::decode(QByteArray("ok\nline two \xff\xff"));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, QStringLiteral("alipay.gbk_invalid"));
        QVERIFY2(bad.error().message.contains(u"line 2"), qPrintable(bad.error().message));
        Result<QString> cut = gbk::decode(QByteArray("\xd6\xa7\xb8"));
        QVERIFY(!cut.ok());
        QVERIFY(cut.error().message.contains(u"truncated"));
    }

    void parsesAlipayBillZip() {
        Result<ProviderBill> r = parseAlipayBillZip(billZip(), 1 << 20);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        const ProviderBill& bill = *r;
        QCOMPARE(bill.detailFileName, QString::fromUtf8(kDetailName));
        QCOMPARE(bill.summaryFileName, QString::fromUtf8(kSummaryName));
        QCOMPARE(bill.detailHeaderLines.size(), 4);
        QCOMPARE(bill.detailHeaderLines.at(0), QString::fromUtf8("支付宝业务明细查询"));
        QCOMPARE(bill.detailFooterLines.size(), 4);
        QVERIFY(bill.detailFooterLines.at(1).startsWith(QString::fromUtf8("交易合计")));
        QCOMPARE(bill.columnNames.size(), 25);
        QCOMPARE(bill.records.size(), 2);

        const BillRecord& pay = bill.records.at(0);
        QCOMPARE(pay.lineNumber, 6);
        QCOMPARE(pay.kind, BillLineKind::Payment);
        QCOMPARE(pay.kindText, QString::fromUtf8("交易"));
        QCOMPARE(pay.providerTradeNo, QStringLiteral("2026112222001446880500012345"));
        QCOMPARE(pay.outTradeNo, QStringLiteral("S01T0120261122000001"));
        QCOMPARE(pay.subject, QString::fromUtf8("Iphone6 16G, 黑色")); // quoted, with a comma
        QCOMPARE(pay.createdAtMs, std::optional<qint64>(utcMs(2, 21, 0)));
        QCOMPARE(pay.finishedAtMs, std::optional<qint64>(utcMs(2, 21, 5)));
        QCOMPARE(pay.storeId, QStringLiteral("S01"));
        QCOMPARE(pay.storeName, QString::fromUtf8("旗舰店"));
        QCOMPARE(pay.operatorId, QStringLiteral("cashier7"));
        QCOMPARE(pay.terminalId, QStringLiteral("T01"));
        QCOMPARE(pay.buyerAccount, QStringLiteral("159****5620"));
        QCOMPARE(pay.amountFen, money::Fen(8888));
        QCOMPARE(pay.receivedFen, money::Fen(8888));
        QCOMPARE(pay.refundFen, money::Fen(0));
        QCOMPARE(pay.fee, money::SubFen::fromFen(-53));
        QVERIFY(pay.outRequestNo.isEmpty());
        QCOMPARE(pay.columns.value(QString::fromUtf8("支付宝红包（元）")), QStringLiteral("0.00"));

        const BillRecord& refund = bill.records.at(1);
        QCOMPARE(refund.lineNumber, 7);
        QCOMPARE(refund.kind, BillLineKind::Refund);
        QCOMPARE(refund.receivedFen, money::Fen(-1000));
        QCOMPARE(refund.refundFen, money::Fen(1000));
        QCOMPARE(refund.outRequestNo, QStringLiteral("S01T0120261122000001R1"));
        QCOMPARE(refund.finishedAtMs, std::optional<qint64>(utcMs(3, 0, 0)));
        QCOMPARE(refund.remark, QString::fromUtf8("部分退款"));

        QCOMPARE(bill.summaryColumnNames.size(), 12);
        QCOMPARE(bill.summaryRows.size(), 2);
        QCOMPARE(bill.summaryRows.at(1).columns.value(QString::fromUtf8("门店编号")),
                 QString::fromUtf8("合计"));
        QCOMPARE(bill.summaryRows.at(0).columns.value(QString::fromUtf8("实收净额（元）")),
                 QStringLiteral("78.41"));
        QVERIFY(bill.summaryNoteLines.first().contains(QString::fromUtf8("汇总")));
    }

    void summaryTotalsGuardTheBill() {
        // A refund line lost in transit: the 合计 line's counts no longer match.
        QString detail = detailText();
        const qsizetype refund = detail.indexOf(QString::fromUtf8("\t,退款\t,"));
        QVERIFY(refund > 0);
        const qsizetype start = detail.lastIndexOf(u'\n', refund) + 1;
        detail.remove(start, detail.indexOf(u'\n', refund) + 1 - start);
        expectBillError(parseAlipayBillZip(billZip(detail), 1 << 20),
                        QStringLiteral("alipay.bill_malformed"),
                        QString::fromUtf8("退款订单总笔数 = 1"));
        // An amount changed: the merchant's receipts, then the fees.
        QString summary = summaryText();
        summary.replace(QStringLiteral("1\t,1\t,88.88\t,78.88"),
                        QStringLiteral("1\t,1\t,88.88\t,79.88"));
        expectBillError(parseAlipayBillZip(billZip(detailText(), summary), 1 << 20),
                        QStringLiteral("alipay.bill_malformed"), QString::fromUtf8("商家实收"));
        summary = summaryText();
        summary.replace(QStringLiteral("0.00\t,-0.47\t,0.00\t,78.41\t\r\n#"),
                        QStringLiteral("0.00\t,-0.48\t,0.00\t,78.41\t\r\n#"));
        expectBillError(parseAlipayBillZip(billZip(detailText(), summary), 1 << 20),
                        QStringLiteral("alipay.bill_malformed"), QString::fromUtf8("服务费"));
        // A summary without its 合计 line proves nothing.
        summary = summaryText();
        summary.remove(summary.indexOf(QString::fromUtf8("合计")),
                       summary.indexOf(u'\n', summary.indexOf(QString::fromUtf8("合计"))) + 1 -
                           summary.indexOf(QString::fromUtf8("合计")));
        expectBillError(parseAlipayBillZip(billZip(detailText(), summary), 1 << 20),
                        QStringLiteral("alipay.bill_malformed"), QString::fromUtf8("合计"));
    }

    void billUrlsAreHttpsOrAlipaysBillHost() {
        const QStringList none;
        QVERIFY(isAllowedBillUrl(
            QUrl(QStringLiteral("http://dwbillcenter.alipay.com/downloadBillFile.resource?"
                                "bizType=trade&userId=20881234567890120156")),
            none));
        QVERIFY(isAllowedBillUrl(QUrl(QStringLiteral("HTTP://DWBILLCENTER.ALIPAY.COM/x")), none));
        QVERIFY(isAllowedBillUrl(QUrl(QStringLiteral("https://bills.example.com/x.zip")), none));
        // Plain http anywhere else is refused, loopback included unless configured.
        QVERIFY(!isAllowedBillUrl(QUrl(QStringLiteral("http://openapi.alipay.com/x")), none));
        QVERIFY(!isAllowedBillUrl(
            QUrl(QStringLiteral("http://dwbillcenter.alipay.com.evil.example/x")), none));
        QVERIFY(!isAllowedBillUrl(QUrl(QStringLiteral("http://127.0.0.1:8080/x")), none));
        QVERIFY(isAllowedBillUrl(QUrl(QStringLiteral("http://127.0.0.1:8080/x")),
                                 {QStringLiteral("127.0.0.1")}));
        QVERIFY(!isAllowedBillUrl(QUrl(QStringLiteral("ftp://dwbillcenter.alipay.com/x")), none));
        QVERIFY(
            !isAllowedBillUrl(QUrl(QStringLiteral("http://u:p@dwbillcenter.alipay.com/x")), none));
        QVERIFY(!isAllowedBillUrl(QUrl(), none));
    }

    void utf8NamesAndBareNewlinesAlsoWork() {
        QString lf = detailText();
        lf.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
        const QByteArray zip =
            makeZip({{QByteArray("bill/") + kDetailName, gbkBytes(lf)}}); // UTF-8 name, in a folder
        Result<ProviderBill> r = parseAlipayBillZip(zip, 1 << 20);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        QCOMPARE(r->records.size(), 2);
        QVERIFY(r->summaryRows.isEmpty());
    }

    void corruptZipIsAClearError() {
        expectBillError(parseAlipayBillZip(QByteArray("PK\x03\x04 definitely not a zip"), 1 << 20),
                        QStringLiteral("alipay.bill_zip_corrupt"), QStringLiteral("damaged"));
        expectBillError(parseAlipayBillZip(QByteArray(), 1 << 20),
                        QStringLiteral("alipay.bill_zip_corrupt"), QStringLiteral("damaged"));
        // A zip cut short loses its central directory.
        const QByteArray zip = billZip();
        expectBillError(parseAlipayBillZip(zip.left(zip.size() - 30), 1 << 20),
                        QStringLiteral("alipay.bill_zip_corrupt"), QStringLiteral("damaged"));
        // A flipped byte inside the first file's data: the CRC check (or inflate) catches it.
        QByteArray flipped = makeZip({{QByteArray(kDetailName), gbkBytes(detailText())}});
        QVERIFY(flipped.startsWith("PK\x03\x04"));
        const int nameLength = quint8(flipped[26]) | (quint8(flipped[27]) << 8);
        const int extraLength = quint8(flipped[28]) | (quint8(flipped[29]) << 8);
        const qsizetype at = 30 + nameLength + extraLength + 20;
        flipped[at] = char(flipped[at] ^ 0x55);
        Result<ProviderBill> r = parseAlipayBillZip(flipped, 1 << 20);
        QVERIFY(!r.ok());
        QVERIFY(r.error().code == u"alipay.bill_zip_corrupt" ||
                r.error().code == u"alipay.bill_malformed");
        // Too large once uncompressed: refused before reading.
        expectBillError(parseAlipayBillZip(billZip(), 100), QStringLiteral("alipay.bill_too_large"),
                        QStringLiteral("100"));
        // No detail file.
        expectBillError(parseAlipayBillZip(makeZip({{"readme.txt", "hello"}}), 1 << 20),
                        QStringLiteral("alipay.bill_malformed"), QStringLiteral("detail"));
    }

    void truncatedCsvIsAClearError() {
        const QString full = detailText();
        // Cut after the second data line: the closing line is missing.
        const QString cut =
            full.left(full.indexOf(QStringLiteral("#------")
                                       .append(QString(35, u'-'))
                                       .append(QString::fromUtf8("业务明细列表结束"))));
        QVERIFY(cut.size() < full.size());
        Result<ProviderBill> r =
            parseAlipayBillFiles(QStringLiteral("detail.csv"), gbkBytes(cut), {}, {});
        expectBillError(r, QStringLiteral("alipay.bill_malformed"), QStringLiteral("truncated"));
        QVERIFY(r.error().message.contains(u"line 7"));
        QVERIFY(r.error().message.contains(u"detail.csv"));

        // Cut in the middle of a data line: too few columns, named by line.
        const QString midLine = full.left(full.indexOf(QStringLiteral("S01T0120261122000001R1")));
        r = parseAlipayBillFiles(QStringLiteral("detail.csv"), gbkBytes(midLine), {}, {});
        expectBillError(r, QStringLiteral("alipay.bill_malformed"), QStringLiteral("line 7"));

        // Cut inside a quoted field.
        const QString inQuote = full.left(full.indexOf(QStringLiteral(", 黑色")));
        r = parseAlipayBillFiles(QStringLiteral("detail.csv"), gbkBytes(inQuote), {}, {});
        expectBillError(r, QStringLiteral("alipay.bill_malformed"), QStringLiteral("line 6"));
        QVERIFY(r.error().message.contains(u"truncated"));
    }

    void malformedLinesNameTheirLine() {
        QString text = detailText();
        text.replace(QStringLiteral("\t,88.88\t,88.88\t,"), QStringLiteral("\t,88.8.8\t,88.88\t,"));
        expectBillError(parseAlipayBillFiles(QStringLiteral("d.csv"), gbkBytes(text), {}, {}),
                        QStringLiteral("alipay.bill_malformed"), QStringLiteral("line 6"));

        text = detailText();
        text.replace(QStringLiteral("2026-11-22 11:00:00"), QStringLiteral("2026/11/22 11:00"));
        expectBillError(parseAlipayBillFiles(QStringLiteral("d.csv"), gbkBytes(text), {}, {}),
                        QStringLiteral("alipay.bill_malformed"), QStringLiteral("line 7"));

        text = detailText();
        text.replace(QStringLiteral("cashier7\t,T01\t,159****5620\t,88.88\t,-10.00"),
                     QStringLiteral("cashier\"7\t,T01\t,159****5620\t,88.88\t,-10.00"));
        expectBillError(parseAlipayBillFiles(QStringLiteral("d.csv"), gbkBytes(text), {}, {}),
                        QStringLiteral("alipay.bill_malformed"), QStringLiteral("line 7"));

        text = detailText();
        text.replace(QString::fromUtf8("支付宝交易号,"), QString::fromUtf8("交易号,"));
        expectBillError(parseAlipayBillFiles(QStringLiteral("d.csv"), gbkBytes(text), {}, {}),
                        QStringLiteral("alipay.bill_malformed"), QString::fromUtf8("支付宝交易号"));

        text = detailText() + QStringLiteral("stray,line\r\n");
        expectBillError(parseAlipayBillFiles(QStringLiteral("d.csv"), gbkBytes(text), {}, {}),
                        QStringLiteral("alipay.bill_malformed"), QStringLiteral("line 12"));

        // Not GBK at all.
        expectBillError(
            parseAlipayBillFiles(QStringLiteral("d.csv"), QByteArray("#x\n\xff\xfe"), {}, {}),
            QStringLiteral("alipay.bill_malformed"), QStringLiteral("line 2"));
    }

    void clientDownloadsTheBill() {
        Result<crypto::RsaPrivateKey> alipay = crypto::RsaPrivateKey::generate();
        QVERIFY(alipay.ok());
        Result<crypto::RsaPrivateKey> app = crypto::RsaPrivateKey::generate();
        QVERIFY(app.ok());
        ScriptedHttpServer server;
        QVERIFY(server.listen());

        AlipayClientSettings s;
        s.gatewayUrl = server.url();
        s.appId = QStringLiteral("2021000117600000");
        s.appPrivateKey = *app;
        s.alipayPublicKey = alipay->publicKey();
        s.requestTimeout = std::chrono::milliseconds(2000);
        s.retry.initialBackoff = std::chrono::milliseconds(10);
        s.retry.maxBackoff = std::chrono::milliseconds(40);
        s.retry.deadline = std::chrono::milliseconds(8000);
        // The file comes over plain http from this host, as from Alipay's bill host.
        s.billHttpHosts = {server.url().host()};
        Result<std::unique_ptr<AlipayClient>> made = AlipayClient::create(s);
        QVERIFY(made.ok());
        AlipayClient& client = **made;

        const QString method = QStringLiteral("alipay.data.dataservice.bill.downloadurl.query");
        const QByteArray urlAnswer =
            "{\"code\":\"10000\",\"msg\":\"Success\",\"bill_download_url\":\"" +
            server.url(QStringLiteral("/bill.zip"))
                .toString()
                .replace(u'/', QStringLiteral("\\/"))
                .toUtf8() +
            "\"}";
        const QByteArray signedUrl = *buildSignedResponse(responseKey(method), urlAnswer, *alipay);
        // First round: the file server fails (transient); the whole bill call is repeated,
        // URL query included (a download URL lives only 30 seconds).
        server.enqueue(ScriptedAction::respond(200, signedUrl));
        server.enqueue(ScriptedAction::respond(503, "busy", "text/plain"));
        server.enqueue(ScriptedAction::respond(200, signedUrl));
        const QByteArray zipFile = billZip();
        server.enqueue(ScriptedAction::respond(200, zipFile, "application/zip"));

        std::optional<GatewayResult<DownloadedBill>> result;
        QObject context;
        client.downloadBill(BillRequest{QDate(2026, 11, 22), BillRequest::Period::Day}, &context,
                            [&result](GatewayResult<DownloadedBill> r) { result = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000);
        QVERIFY2(result->isSuccess(), qPrintable(result->cashierMessage()));
        QCOMPARE(result->value().availability, BillAvailability::Ready);
        QCOMPARE(result->value().bill.records.size(), 2);
        // The zip as it came, and its SHA-256, beside the bill.
        QCOMPARE(result->value().file, zipFile);
        QCOMPARE(result->value().fileSha256Hex,
                 QCryptographicHash::hash(zipFile, QCryptographicHash::Sha256).toHex());
        QCOMPARE(server.requestCount(), 4);
        QCOMPARE(server.requests().at(1).method, QByteArray("GET"));
        QCOMPARE(server.requests().at(3).target, QByteArray("/bill.zip"));
        Result<Params> form = parseForm(server.requests().at(0).body);
        QVERIFY(form.ok());
        QCOMPARE(form->value(QStringLiteral("method")), method);
        const QJsonObject biz =
            QJsonDocument::fromJson(form->value(QStringLiteral("biz_content")).toUtf8()).object();
        QCOMPARE(biz.value(u"bill_type").toString(), QStringLiteral("trade"));
        QCOMPARE(biz.value(u"bill_date").toString(), QStringLiteral("2026-11-22"));

        // No bill for that day yet: not a failure, "not ready yet", to be asked again later.
        server.clearRequests();
        server.enqueue(ScriptedAction::respond(
            200, *buildSignedResponse(responseKey(method),
                                      "{\"code\":\"40004\",\"msg\":\"Business Failed\","
                                      "\"sub_code\":\"isp.bill_not_exist\",\"sub_msg\":"
                                      "\"账单不存在\"}",
                                      *alipay)));
        result.reset();
        client.downloadBill(BillRequest{QDate(2026, 11, 23), BillRequest::Period::Month}, &context,
                            [&result](GatewayResult<DownloadedBill> r) { result = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000);
        QVERIFY2(result->isSuccess(), qPrintable(result->cashierMessage()));
        QCOMPARE(result->value().availability, BillAvailability::NotReadyYet);
        QCOMPARE(result->value().providerCode, QStringLiteral("isp.bill_not_exist"));
        QVERIFY(result->value().message.contains(u"10:00"));
        QVERIFY(result->value().file.isEmpty());
        QCOMPARE(server.requestCount(), 1);
        const QJsonObject monthBiz =
            QJsonDocument::fromJson(parseForm(server.requests().at(0).body)
                                        ->value(QStringLiteral("biz_content"))
                                        .toUtf8())
                .object();
        QCOMPARE(monthBiz.value(u"bill_date").toString(), QStringLiteral("2026-11"));

        // A damaged archive is an error, not a bill.
        server.clearRequests();
        server.enqueue(ScriptedAction::respond(200, signedUrl));
        server.enqueue(ScriptedAction::respond(200, "PK\x03\x04 garbage", "application/zip"));
        result.reset();
        client.downloadBill(BillRequest{QDate(2026, 11, 22), BillRequest::Period::Day}, &context,
                            [&result](GatewayResult<DownloadedBill> r) { result = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000);
        QVERIFY(result->isUnknown());
        QCOMPARE(result->unknown().reason.code, QStringLiteral("alipay.bill_zip_corrupt"));

        // A client not told that host may use plain http never fetches from it.
        s.billHttpHosts.clear();
        Result<std::unique_ptr<AlipayClient>> strict = AlipayClient::create(s);
        QVERIFY(strict.ok());
        server.clearRequests();
        server.enqueue(ScriptedAction::respond(200, signedUrl));
        result.reset();
        (*strict)->downloadBill(
            BillRequest{QDate(2026, 11, 22), BillRequest::Period::Day}, &context,
            [&result](GatewayResult<DownloadedBill> r) { result = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 10000);
        QVERIFY(result->isUnknown());
        QCOMPARE(result->unknown().reason.code, QStringLiteral("alipay.bill_url_insecure"));
        QCOMPARE(server.requestCount(), 1);
    }
};

QTEST_GUILESS_MAIN(TestAlipayBill)
#include "tst_alipay_bill.moc"
