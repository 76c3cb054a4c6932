#include "core/gateways/alipay/AlipayBill.h"

#include "core/gateways/alipay/ZipArchiveReader.h"
#include "core/gateways/BillLineSplitter.h"
#include "core/gateways/BillRowReader.h"
#include "core/gateways/CsvReader.h"
#include "core/text/GbkCodec.h"

#include <QCoreApplication>
#include <QStringDecoder>

#include <functional>
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

// Reads one '#'-framed table of a bill file line by line: the '#' lines before it, its header
// row, each data row (handed to `onRow` as soon as it is complete, never kept), the '#' lines
// after it.
class TableReader {
public:
    using HeaderSink = std::function<Status(const QStringList& columns)>;
    using RowSink = std::function<Status(const CsvRecord& row)>;

    TableReader(QString fileName, HeaderSink onHeader, RowSink onRow)
        : m_fileName(std::move(fileName))
        , m_onHeader(std::move(onHeader))
        , m_onRow(std::move(onRow)) {}

    // One line of the file, decoded to UTF-8, without its '\n'.
    Status feedLine(QByteArrayView line, int lineNumber);
    Status finish();

    QStringList headerLines;
    QStringList footerLines;
    QStringList columns; // header row, trimmed

private:
    Status takeRows();

    enum class Part { Header, Table, Footer };
    QString m_fileName;
    HeaderSink m_onHeader;
    RowSink m_onRow;
    CsvReader m_csv;
    Part m_part = Part::Header;
    bool m_haveHeader = false;
    int m_lastLine = 0;
};

// A line of blanks only (Unicode's, as QString::trimmed() sees them).
bool isBlank(QByteArrayView line) {
    bool ascii = true;
    for (const char c : line) {
        if (static_cast<unsigned char>(c) >= 0x80)
            ascii = false;
        else if (c != ' ' && c != '\t' && c != '\r' && c != '\f' && c != '\v')
            return false;
    }
    return ascii || QString::fromUtf8(line).trimmed().isEmpty();
}

Status TableReader::feedLine(QByteArrayView line, int lineNumber) {
    if (line.endsWith('\r'))
        line.chop(1);
    if (lineNumber == 1 && line.startsWith("\xEF\xBB\xBF"))
        line = line.sliced(3); // U+FEFF
    if (!m_csv.insideRecord()) {
        if (isBlank(line))
            return Status::success();
        if (line.startsWith('#')) {
            const QString text = QString::fromUtf8(line.sliced(1)).trimmed();
            if (m_part == Part::Header) {
                headerLines << text;
            } else {
                m_part = Part::Footer;
                footerLines << text;
            }
            m_lastLine = lineNumber;
            return Status::success();
        }
        if (m_part == Part::Footer)
            return billError(m_fileName, QCoreApplication::translate(
                                             "qpos::alipay::AlipayBill",
                                             "line %1 follows the closing lines of the table")
                                             .arg(lineNumber));
    }
    m_part = Part::Table;
    if (Status fed = m_csv.feedUtf8Line(line, lineNumber); !fed)
        return billError(m_fileName, fed.error().message);
    m_lastLine = lineNumber;
    return takeRows();
}

Status TableReader::takeRows() {
    for (const CsvRecord& row : m_csv.records()) {
        if (!m_haveHeader) {
            m_haveHeader = true;
            for (const QString& name : row.fields.texts())
                columns << name.trimmed();
            if (Status s = m_onHeader(columns); !s.ok())
                return s;
            continue;
        }
        if (row.fields.size() != columns.size())
            return billError(m_fileName,
                             QCoreApplication::translate("qpos::alipay::AlipayBill",
                                                         "line %1 has %2 columns, the header "
                                                         "has %3")
                                 .arg(row.lineNumber)
                                 .arg(row.fields.size())
                                 .arg(columns.size()));
        if (Status s = m_onRow(row); !s.ok())
            return s;
    }
    return Status::success();
}

Status TableReader::finish() {
    if (Status done = m_csv.finish(); !done)
        return billError(m_fileName, done.error().message);
    if (Status s = takeRows(); !s.ok())
        return s;
    // A complete file closes its table with "#-----...列表结束-----"; without it the file was
    // cut short and lines may be missing.
    const bool closed =
        !footerLines.isEmpty() && footerLines.front().contains(QStringLiteral("列表结束"));
    if (!closed)
        return billError(m_fileName, QCoreApplication::translate(
                                         "qpos::alipay::AlipayBill",
                                         "it ends at line %1 without the table's closing line "
                                         "(\"…列表结束…\"): the file is truncated")
                                         .arg(m_lastLine));
    if (!m_haveHeader)
        return billError(m_fileName, QCoreApplication::translate("qpos::alipay::AlipayBill",
                                                                 "it has no column header line"));
    return Status::success();
}

// Feeds a GBK file, whole or in chunks, to a TableReader line by line.
class GbkTableFeed {
public:
    explicit GbkTableFeed(const QString& fileName, TableReader& table)
        : m_splitter([this, fileName, &table](QByteArrayView bytes, int lineNumber) -> Status {
            Result<QByteArrayView> line = m_decoder.decodeToUtf8(bytes, lineNumber);
            if (!line)
                return billError(fileName, line.error().message);
            return table.feedLine(*line, lineNumber);
        }) {}

    Status feed(QByteArrayView chunk) { return m_splitter.feed(chunk); }
    Status finish() { return m_splitter.finish(); }

private:
    gbk::LineDecoder m_decoder;
    gateway::BillLineSplitter m_splitter;
};

// Values are padded with a tab (removed by the CSV reader) and sometimes blanks.
QStringView trimmedValue(QStringView field) {
    return gateway::trimmedField(field);
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

// What the detail lines add up to, for the summary check.
struct DetailCounts {
    qint64 payments = 0;
    qint64 refunds = 0;
    money::Fen received = 0;
    money::SubFen fees;
};

// Turns the detail table's rows into records for a sink, counting them as it goes.
class DetailReader {
public:
    DetailReader(QString fileName, gateway::BillRecordSink& sink)
        : m_fileName(std::move(fileName))
        , m_sink(sink) {}

    Status header(const QStringList& columns);
    Status row(const CsvRecord& row);
    const DetailCounts& counts() const { return m_counts; }

private:
    // The columns a record is read from, found once in the header.
    struct Columns {
        gateway::BillColumn tradeNo, outTradeNo, kind, subject, created, finished, storeId,
            storeName, operatorId, terminalId, buyer, amount, received, fee, requestNo, remark;
    };

    QString m_fileName;
    gateway::BillRecordSink& m_sink;
    QStringList m_columns;
    QStringList m_canonical;
    Columns m_at;
    BillRecord m_record; // the detail line being read
    DetailCounts m_counts;
};

Status DetailReader::header(const QStringList& columns) {
    m_columns = columns;
    for (const QString& name : columns)
        m_canonical << canonicalColumn(name);
    for (const char16_t* required :
         {u"支付宝交易号", u"商户订单号", u"业务类型", u"订单金额（元）"}) {
        if (!m_canonical.contains(col(required)))
            return billError(m_fileName, QCoreApplication::translate("qpos::alipay::AlipayBill",
                                                                     "the column %1 is missing")
                                             .arg(QString::fromUtf16(required)));
    }
    auto at = [this](const char16_t* name) {
        return gateway::BillColumn::find(m_canonical, col(name));
    };
    m_at = Columns{
        at(u"支付宝交易号"),   at(u"商户订单号"),   at(u"业务类型"),          at(u"商品名称"),
        at(u"创建时间"),       at(u"完成时间"),     at(u"门店编号"),          at(u"门店名称"),
        at(u"操作员"),         at(u"终端号"),       at(u"对方账户"),          at(u"订单金额（元）"),
        at(u"商家实收（元）"), at(u"服务费（元）"), at(u"退款批次号/请求号"), at(u"备注")};
    return Status::success();
}

Status DetailReader::row(const CsvRecord& row) {
    gateway::BillRowReader r(m_canonical, row, &trimmedValue, kRowWording);
    // One record refilled line after line, so its strings keep their buffers; every field is
    // set on every line.
    BillRecord& rec = m_record;
    rec.lineNumber = row.lineNumber;
    r.textInto(m_at.tradeNo, rec.providerTradeNo);
    r.textInto(m_at.outTradeNo, rec.outTradeNo);
    r.textInto(m_at.kind, rec.kindText);
    if (rec.kindText == u"交易")
        rec.kind = BillLineKind::Payment;
    else if (rec.kindText == u"退款")
        rec.kind = BillLineKind::Refund;
    else
        rec.kind = BillLineKind::Other;
    r.textInto(m_at.subject, rec.subject);
    rec.createdAtMs = r.time(m_at.created, false);
    rec.finishedAtMs = r.time(m_at.finished, false);
    r.textInto(m_at.storeId, rec.storeId);
    r.textInto(m_at.storeName, rec.storeName);
    r.textInto(m_at.operatorId, rec.operatorId);
    r.textInto(m_at.terminalId, rec.terminalId);
    r.textInto(m_at.buyer, rec.buyerAccount);
    rec.amountFen = r.amount(m_at.amount, true);
    rec.receivedFen = r.amount(m_at.received, false);
    rec.fee = money::SubFen::fromFen(r.amount(m_at.fee, false));
    r.textInto(m_at.requestNo, rec.outRequestNo);
    r.textInto(m_at.remark, rec.remark);
    // On a refund line 商家实收 is the merchant's money given back, printed negative.
    rec.refundFen = rec.kind != BillLineKind::Refund ? 0
                    : rec.receivedFen < 0            ? -rec.receivedFen
                                                     : rec.receivedFen;
    if (rec.providerTradeNo.isEmpty())
        r.fail(QCoreApplication::translate("qpos::alipay::AlipayBill",
                                           "line %1: 支付宝交易号 is empty")
                   .arg(row.lineNumber));
    if (const std::optional<QString>& bad = r.problem())
        return billError(m_fileName, *bad);
    m_counts.payments += rec.kind == BillLineKind::Payment ? 1 : 0;
    m_counts.refunds += rec.kind == BillLineKind::Refund ? 1 : 0;
    m_counts.received += rec.receivedFen;
    m_counts.fees += rec.fee;
    return m_sink.record(rec, gateway::BillRawLine(m_columns, row.fields, &trimmedValue));
}

// The summary file: a small table, kept whole.
struct SummaryTable {
    QStringList headerLines;
    QStringList footerLines;
    QStringList columns;
    QList<CsvRecord> rows;
};

Result<SummaryTable> readSummary(const QString& fileName, QByteArrayView gbkBytes) {
    SummaryTable summary;
    TableReader table(
        fileName, [](const QStringList&) { return Status::success(); },
        [&summary](const CsvRecord& row) {
            summary.rows << row;
            return Status::success();
        });
    GbkTableFeed feed(fileName, table);
    if (Status s = feed.feed(gbkBytes); !s.ok())
        return s.error();
    if (Status s = feed.finish(); !s.ok())
        return s.error();
    if (Status s = table.finish(); !s.ok())
        return s.error();
    summary.headerLines = table.headerLines;
    summary.footerLines = table.footerLines;
    summary.columns = table.columns;
    return summary;
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
Status checkSummaryTotals(const QString& summaryName, const SummaryTable& summary,
                          const DetailCounts& counted, gateway::BillTotals& totals) {
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
    gateway::BillRowReader r(canonical, *total, &trimmedValue, kRowWording);
    auto mismatch = [&](const char16_t* column, const QString& printed, const QString& count) {
        return billError(summaryName,
                         QCoreApplication::translate("qpos::alipay::AlipayBill",
                                                     "line %1 gives %2 = %3, but the detail adds "
                                                     "up to %4: lines are missing or damaged")
                             .arg(total->lineNumber)
                             .arg(QString::fromUtf16(column), printed, count));
    };
    struct Count {
        const char16_t* column;
        qint64 counted;
        std::optional<qint64>* printed;
    };
    for (const Count& count : {Count{u"交易订单总笔数", counted.payments, &totals.paymentCount},
                               Count{u"退款订单总笔数", counted.refunds, &totals.refundCount}}) {
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
        *count.printed = value;
    }
    const money::Fen printedReceived = r.amount(col(u"商家实收（元）"), true);
    const money::SubFen printedFees = r.subFenAmount(col(u"服务费（元）"), true);
    if (const std::optional<QString>& bad = r.problem())
        return billError(summaryName, *bad);
    if (printedReceived != counted.received)
        return mismatch(u"商家实收（元）", money::formatYuan(printedReceived),
                        money::formatYuan(counted.received));
    if (printedFees != counted.fees)
        return mismatch(u"服务费（元）", money::formatSubFenYuan(printedFees),
                        money::formatSubFenYuan(counted.fees));
    totals.receivedFen = printedReceived;
    totals.fee = printedFees;
    return Status::success();
}

QString baseName(const QString& path) {
    return path.mid(path.lastIndexOf(u'/') + 1);
}

} // namespace

namespace {

// Keeps every record with its columns: the whole-bill API over the streaming one.
class CollectingSink final : public gateway::BillRecordSink {
public:
    Status record(const BillRecord& record, const gateway::BillRawLine& line) override {
        records << record;
        records.back().columns = line.columns();
        return Status::success();
    }
    QList<BillRecord> records;
};

// The detail file, streamed through `feedDetail` (which hands its bytes to the feed), then
// the summary, checked against what the detail added up to.
Result<ProviderBill> streamBill(const QString& detailName,
                                const std::function<Status(GbkTableFeed&)>& feedDetail,
                                const QString& summaryName, QByteArrayView summaryGbk,
                                gateway::BillRecordSink& sink) {
    ProviderBill bill;
    bill.detailFileName = detailName;
    bill.summaryFileName = summaryName;

    DetailReader detail(detailName, sink);
    TableReader table(
        detailName, [&detail](const QStringList& columns) { return detail.header(columns); },
        [&detail](const CsvRecord& row) { return detail.row(row); });
    GbkTableFeed feed(detailName, table);
    if (Status s = feedDetail(feed); !s.ok())
        return s.error();
    if (Status s = feed.finish(); !s.ok())
        return s.error();
    if (Status s = table.finish(); !s.ok())
        return s.error();
    bill.detailHeaderLines = table.headerLines;
    bill.detailFooterLines = table.footerLines;
    bill.columnNames = table.columns;

    if (!summaryGbk.isEmpty()) {
        Result<SummaryTable> summary = readSummary(summaryName, summaryGbk);
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
        if (Status totals = checkSummaryTotals(summaryName, *summary, detail.counts(), bill.totals);
            !totals)
            return totals.error();
    }
    return bill;
}

} // namespace

Result<ProviderBill> forEachAlipayRecordInFiles(const QString& detailName, QByteArrayView detailGbk,
                                                const QString& summaryName,
                                                QByteArrayView summaryGbk,
                                                gateway::BillRecordSink& sink) {
    return streamBill(
        detailName, [detailGbk](GbkTableFeed& feed) { return feed.feed(detailGbk); }, summaryName,
        summaryGbk, sink);
}

Result<ProviderBill> parseAlipayBillFiles(const QString& detailName, QByteArrayView detailGbk,
                                          const QString& summaryName, QByteArrayView summaryGbk) {
    CollectingSink sink;
    Result<ProviderBill> bill =
        forEachAlipayRecordInFiles(detailName, detailGbk, summaryName, summaryGbk, sink);
    if (!bill)
        return bill;
    ProviderBill whole = std::move(bill).value();
    whole.records = std::move(sink.records);
    return whole;
}

Result<ProviderBill> forEachAlipayRecord(QByteArrayView zip, qint64 maxFileBytes,
                                         gateway::BillRecordSink& sink) {
    Result<QList<QByteArray>> names = zipEntryNames(zip);
    if (!names)
        return names.error();
    std::optional<QByteArray> detail;
    std::optional<QByteArray> summary;
    QString detailName;
    QString summaryName;
    for (const QByteArray& raw : *names) {
        const QString name = baseName(entryName(raw));
        if (name.endsWith(QStringLiteral("_业务明细.csv"))) {
            detail = raw;
            detailName = name;
        } else if (name.endsWith(QStringLiteral("_业务明细(汇总).csv")) ||
                   name.endsWith(QStringLiteral("_业务明细（汇总）.csv"))) {
            summary = raw;
            summaryName = name;
        }
    }
    if (!detail)
        return Error{QStringLiteral("alipay.bill_malformed"),
                     QCoreApplication::translate("qpos::alipay::AlipayBill",
                                                 "Alipay's bill archive has no detail file "
                                                 "(…_业务明细.csv). Download the bill again.")};
    // The summary is small: read whole. The detail is streamed out of the archive.
    QByteArray summaryGbk;
    if (summary) {
        Status read =
            readZipEntryChunks(zip, *summary, maxFileBytes, [&summaryGbk](QByteArrayView c) {
                summaryGbk.append(c);
                return Status::success();
            });
        if (!read.ok())
            return read.error();
    }
    return streamBill(
        detailName,
        [&](GbkTableFeed& feed) {
            return readZipEntryChunks(zip, *detail, maxFileBytes,
                                      [&feed](QByteArrayView chunk) { return feed.feed(chunk); });
        },
        summaryName, summaryGbk, sink);
}

Result<ProviderBill> parseAlipayBillZip(QByteArrayView zip, qint64 maxFileBytes) {
    CollectingSink sink;
    Result<ProviderBill> bill = forEachAlipayRecord(zip, maxFileBytes, sink);
    if (!bill)
        return bill;
    ProviderBill whole = std::move(bill).value();
    whole.records = std::move(sink.records);
    return whole;
}

} // namespace qpos::alipay
