#include "core/gateways/alipay/AlipayBill.h"

#include "core/gateways/alipay/ZipArchiveReader.h"
#include "core/gateways/BillRowReader.h"
#include "core/gateways/CsvReader.h"
#include "core/text/GbkCodec.h"

#include <QCoreApplication>
#include <QStringDecoder>

#include <optional>

namespace qpos::alipay {

using gateway::BillLineKind;
using gateway::BillRecord;
using gateway::BillSummaryRow;
using gateway::CsvReader;
using gateway::CsvRecord;
using gateway::ProviderBill;

namespace {

Error billError(const QString& file, const QString& detail) {
    return Error{QStringLiteral("alipay.bill_malformed"),
                 QCoreApplication::translate("qpos::alipay::AlipayBill",
                                             "Alipay's bill %1 cannot be read: %2. Download the "
                                             "bill again; if this stays, keep the file for "
                                             "support.")
                     .arg(file, detail)};
}

// One '#'-framed table of a bill file.
struct BillTable {
    QStringList headerLines;
    QStringList footerLines;
    QStringList columns;   // header row, trimmed
    QList<CsvRecord> rows; // data rows, same width as the header
};

// Header names are compared without surrounding blanks and with ASCII parentheses made
// full-width, since both spellings have been seen in Alipay's files.
QString canonicalColumn(QString name) {
    name = name.trimmed();
    if (name.startsWith(QChar(0xFEFF)))
        name.remove(0, 1);
    name.replace(u'(', QChar(0xFF08));
    name.replace(u')', QChar(0xFF09));
    return name;
}

Result<BillTable> readTable(const QString& fileName, const QString& text) {
    BillTable table;
    CsvReader csv;
    enum class Part { Header, Table, Footer } part = Part::Header;
    const QStringList lines = text.split(u'\n');
    int lastLine = 0;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNumber = static_cast<int>(i) + 1;
        QString line = lines[i];
        if (line.endsWith(u'\r'))
            line.chop(1);
        if (i == 0 && line.startsWith(QChar(0xFEFF)))
            line.remove(0, 1);
        if (!csv.insideRecord()) {
            if (line.trimmed().isEmpty())
                continue;
            if (line.startsWith(u'#')) {
                if (part == Part::Header) {
                    table.headerLines << line.mid(1).trimmed();
                } else {
                    part = Part::Footer;
                    table.footerLines << line.mid(1).trimmed();
                }
                lastLine = lineNumber;
                continue;
            }
            if (part == Part::Footer)
                return billError(fileName, QCoreApplication::translate(
                                               "qpos::alipay::AlipayBill",
                                               "line %1 follows the closing lines of the table")
                                               .arg(lineNumber));
        }
        part = Part::Table;
        if (Status fed = csv.feedLine(line, lineNumber); !fed)
            return billError(fileName, fed.error().message);
        lastLine = lineNumber;
    }
    if (Status done = csv.finish(); !done)
        return billError(fileName, done.error().message);

    // A complete file closes its table with "#-----...列表结束-----"; without it the file was
    // cut short and lines may be missing.
    const bool closed = !table.footerLines.isEmpty() &&
                        table.footerLines.front().contains(QStringLiteral("列表结束"));
    if (!closed)
        return billError(fileName, QCoreApplication::translate(
                                       "qpos::alipay::AlipayBill",
                                       "it ends at line %1 without the table's closing line "
                                       "(\"…列表结束…\"): the file is truncated")
                                       .arg(lastLine));
    if (csv.records().isEmpty())
        return billError(fileName, QCoreApplication::translate("qpos::alipay::AlipayBill",
                                                               "it has no column header line"));
    for (const QString& name : csv.records().front().fields)
        table.columns << name.trimmed();
    for (qsizetype i = 1; i < csv.records().size(); ++i) {
        const CsvRecord& row = csv.records()[i];
        if (row.fields.size() != table.columns.size())
            return billError(fileName,
                             QCoreApplication::translate("qpos::alipay::AlipayBill",
                                                         "line %1 has %2 columns, the header "
                                                         "has %3")
                                 .arg(row.lineNumber)
                                 .arg(row.fields.size())
                                 .arg(table.columns.size()));
        table.rows << row;
    }
    return table;
}

// Values are padded with a tab (removed by the CSV reader) and sometimes blanks.
QString trimmedValue(const QString& field) {
    return field.trimmed();
}

QString emptyValue(int line, const QString& column) {
    return QCoreApplication::translate("qpos::alipay::AlipayBill", "line %1: %2 is empty")
        .arg(line)
        .arg(column);
}

QString badValue(int line, const QString& reason) {
    return QCoreApplication::translate("qpos::alipay::AlipayBill", "line %1: %2")
        .arg(line)
        .arg(reason);
}

QString badTime(int line, const QString& column, const QString& value) {
    return QCoreApplication::translate("qpos::alipay::AlipayBill",
                                       "line %1: %2 \"%3\" is not a time "
                                       "(yyyy-MM-dd HH:mm:ss)")
        .arg(line)
        .arg(column, value);
}

constexpr gateway::BillRowWording kRowWording{&emptyValue, &badValue, &badTime};

// A column name as canonicalColumn() spells it.
QString col(const char16_t* name) {
    return canonicalColumn(QString::fromUtf16(name));
}

Result<QList<BillRecord>> readDetailRecords(const QString& fileName, const BillTable& table) {
    QStringList canonical;
    for (const QString& name : table.columns)
        canonical << canonicalColumn(name);
    for (const char16_t* required :
         {u"支付宝交易号", u"商户订单号", u"业务类型", u"订单金额（元）"}) {
        if (!canonical.contains(col(required)))
            return billError(fileName, QCoreApplication::translate("qpos::alipay::AlipayBill",
                                                                   "the column %1 is missing")
                                           .arg(QString::fromUtf16(required)));
    }

    QList<BillRecord> records;
    records.reserve(table.rows.size());
    for (const CsvRecord& row : table.rows) {
        gateway::BillRowReader r(canonical, row, &trimmedValue, kRowWording);
        BillRecord rec;
        rec.lineNumber = row.lineNumber;
        rec.providerTradeNo = r.text(col(u"支付宝交易号"));
        rec.outTradeNo = r.text(col(u"商户订单号"));
        rec.kindText = r.text(col(u"业务类型"));
        if (rec.kindText == u"交易")
            rec.kind = BillLineKind::Payment;
        else if (rec.kindText == u"退款")
            rec.kind = BillLineKind::Refund;
        else
            rec.kind = BillLineKind::Other;
        rec.subject = r.text(col(u"商品名称"));
        rec.createdAtMs = r.time(col(u"创建时间"), false);
        rec.finishedAtMs = r.time(col(u"完成时间"), false);
        rec.storeId = r.text(col(u"门店编号"));
        rec.storeName = r.text(col(u"门店名称"));
        rec.operatorId = r.text(col(u"操作员"));
        rec.terminalId = r.text(col(u"终端号"));
        rec.buyerAccount = r.text(col(u"对方账户"));
        rec.amountFen = r.amount(col(u"订单金额（元）"), true);
        rec.receivedFen = r.amount(col(u"商家实收（元）"), false);
        rec.fee = money::SubFen::fromFen(r.amount(col(u"服务费（元）"), false));
        rec.outRequestNo = r.text(col(u"退款批次号/请求号"));
        rec.remark = r.text(col(u"备注"));
        // On a refund line 商家实收 is the merchant's money given back, printed negative.
        if (rec.kind == BillLineKind::Refund)
            rec.refundFen = rec.receivedFen < 0 ? -rec.receivedFen : rec.receivedFen;
        if (rec.providerTradeNo.isEmpty())
            r.fail(QCoreApplication::translate("qpos::alipay::AlipayBill",
                                               "line %1: 支付宝交易号 is empty")
                       .arg(row.lineNumber));
        for (qsizetype i = 0; i < table.columns.size(); ++i)
            rec.columns.insert(table.columns[i], row.fields[i].trimmed());
        if (const std::optional<QString>& bad = r.problem())
            return billError(fileName, *bad);
        records << rec;
    }
    return records;
}

// Zip entry names: UTF-8 when they are valid UTF-8, else GBK (what Alipay writes).
QString entryName(const QByteArray& raw) {
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString name = utf8.decode(raw);
    if (!utf8.hasError())
        return name;
    Result<QString> decoded = gbk::decode(raw);
    return decoded ? *decoded : QString::fromLatin1(raw);
}

// The summary's 合计 line is Alipay's own count of the detail: a bill damaged or cut short in
// transit (its address may be plain http) must not pass for a complete one, so the counts, the
// merchant's receipts and the fees must add up. 订单金额 is not compared: refund lines repeat
// the order's amount, which the summary counts once.
Status checkSummaryTotals(const QString& summaryName, const BillTable& summary,
                          const QList<BillRecord>& records) {
    QStringList canonical;
    for (const QString& name : summary.columns)
        canonical << canonicalColumn(name);
    const CsvRecord* total = nullptr;
    for (const CsvRecord& row : summary.rows) {
        if (row.fields.value(0).trimmed() == u"合计")
            total = &row;
    }
    if (total == nullptr)
        return billError(summaryName, QCoreApplication::translate("qpos::alipay::AlipayBill",
                                                                  "it has no 合计 (total) line"));
    qint64 payments = 0;
    qint64 refunds = 0;
    money::Fen received = 0;
    money::SubFen fees;
    for (const BillRecord& rec : records) {
        payments += rec.kind == BillLineKind::Payment ? 1 : 0;
        refunds += rec.kind == BillLineKind::Refund ? 1 : 0;
        received += rec.receivedFen;
        fees += rec.fee;
    }
    gateway::BillRowReader r(canonical, *total, &trimmedValue, kRowWording);
    auto mismatch = [&](const char16_t* column, const QString& printed, const QString& counted) {
        return billError(summaryName,
                         QCoreApplication::translate("qpos::alipay::AlipayBill",
                                                     "line %1 gives %2 = %3, but the detail adds "
                                                     "up to %4: lines are missing or damaged")
                             .arg(total->lineNumber)
                             .arg(QString::fromUtf16(column), printed, counted));
    };
    struct Count {
        const char16_t* column;
        qint64 counted;
    };
    for (const Count& count :
         {Count{u"交易订单总笔数", payments}, Count{u"退款订单总笔数", refunds}}) {
        const QString printed = r.text(col(count.column));
        bool numeric = false;
        const qint64 value = printed.toLongLong(&numeric);
        if (!numeric || value < 0)
            return billError(summaryName, QCoreApplication::translate("qpos::alipay::AlipayBill",
                                                                      "line %1: %2 \"%3\" is not "
                                                                      "a count")
                                              .arg(total->lineNumber)
                                              .arg(QString::fromUtf16(count.column), printed));
        if (value != count.counted)
            return mismatch(count.column, printed, QString::number(count.counted));
    }
    const money::Fen printedReceived = r.amount(col(u"商家实收（元）"), true);
    const money::SubFen printedFees = r.subFenAmount(col(u"服务费（元）"), true);
    if (const std::optional<QString>& bad = r.problem())
        return billError(summaryName, *bad);
    if (printedReceived != received)
        return mismatch(u"商家实收（元）", money::formatYuan(printedReceived),
                        money::formatYuan(received));
    if (printedFees != fees)
        return mismatch(u"服务费（元）", money::formatSubFenYuan(printedFees),
                        money::formatSubFenYuan(fees));
    return Status::success();
}

QString baseName(const QString& path) {
    return path.mid(path.lastIndexOf(u'/') + 1);
}

} // namespace

Result<ProviderBill> parseAlipayBillFiles(const QString& detailName, QByteArrayView detailGbk,
                                          const QString& summaryName, QByteArrayView summaryGbk) {
    ProviderBill bill;
    bill.detailFileName = detailName;
    bill.summaryFileName = summaryName;

    Result<QString> detailText = gbk::decode(detailGbk);
    if (!detailText)
        return billError(detailName, detailText.error().message);
    Result<BillTable> detail = readTable(detailName, *detailText);
    if (!detail)
        return detail.error();
    Result<QList<BillRecord>> records = readDetailRecords(detailName, *detail);
    if (!records)
        return records.error();
    bill.detailHeaderLines = detail->headerLines;
    bill.detailFooterLines = detail->footerLines;
    bill.columnNames = detail->columns;
    bill.records = std::move(*records);

    if (!summaryGbk.isEmpty()) {
        Result<QString> summaryText = gbk::decode(summaryGbk);
        if (!summaryText)
            return billError(summaryName, summaryText.error().message);
        Result<BillTable> summary = readTable(summaryName, *summaryText);
        if (!summary)
            return summary.error();
        bill.summaryColumnNames = summary->columns;
        bill.summaryNoteLines = summary->headerLines + summary->footerLines;
        for (const CsvRecord& row : summary->rows) {
            BillSummaryRow out;
            out.lineNumber = row.lineNumber;
            for (qsizetype i = 0; i < summary->columns.size(); ++i)
                out.columns.insert(summary->columns[i], row.fields[i].trimmed());
            bill.summaryRows << out;
        }
        if (Status totals = checkSummaryTotals(summaryName, *summary, bill.records); !totals)
            return totals.error();
    }
    return bill;
}

Result<ProviderBill> parseAlipayBillZip(QByteArrayView zip, qint64 maxFileBytes) {
    Result<QList<ZipEntry>> entries = readZipEntries(zip, maxFileBytes);
    if (!entries)
        return entries.error();
    const ZipEntry* detail = nullptr;
    const ZipEntry* summary = nullptr;
    QString detailName;
    QString summaryName;
    for (const ZipEntry& entry : *entries) {
        const QString name = baseName(entryName(entry.rawName));
        if (name.endsWith(QStringLiteral("_业务明细.csv"))) {
            detail = &entry;
            detailName = name;
        } else if (name.endsWith(QStringLiteral("_业务明细(汇总).csv")) ||
                   name.endsWith(QStringLiteral("_业务明细（汇总）.csv"))) {
            summary = &entry;
            summaryName = name;
        }
    }
    if (detail == nullptr)
        return Error{QStringLiteral("alipay.bill_malformed"),
                     QCoreApplication::translate("qpos::alipay::AlipayBill",
                                                 "Alipay's bill archive has no detail file "
                                                 "(…_业务明细.csv). Download the bill again.")};
    return parseAlipayBillFiles(detailName, detail->data, summaryName,
                                summary ? QByteArrayView(summary->data) : QByteArrayView());
}

} // namespace qpos::alipay
