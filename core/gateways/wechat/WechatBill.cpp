#include "core/gateways/wechat/WechatBill.h"

#include "core/gateways/BillLineSplitter.h"
#include "core/gateways/BillRowReader.h"
#include "core/gateways/CsvReader.h"

#include <QCoreApplication>
#include <QStringDecoder>

#include <zlib.h>

#include <QCryptographicHash>

#include <algorithm>
#include <array>
#include <optional>

namespace qpos::wechat {

using gateway::BillLineKind;
using gateway::BillRecord;
using gateway::BillSummaryRow;
using gateway::CsvReader;
using gateway::CsvRecord;
using gateway::ProviderBill;

namespace {

// ---- gzip

Error gzipError(const char* code, const QString& detail) {
    return Error{QString::fromLatin1(code),
                 QCoreApplication::translate("qpos::wechat",
                                             "WeChat Pay's compressed bill cannot be unpacked: "
                                             "%1. Download the bill again.")
                     .arg(detail)};
}

// inflateEnd() on every way out.
struct InflateStream {
    z_stream stream{};
    bool open = false;
    ~InflateStream() {
        if (open)
            inflateEnd(&stream);
    }
};

// ---- the bill

Error billError(const char* code, const QString& detail) {
    return Error{QString::fromLatin1(code),
                 QCoreApplication::translate("qpos::wechat",
                                             "WeChat Pay's bill cannot be read: %1. Download the "
                                             "bill again; if this stays, keep the file for "
                                             "support.")
                     .arg(detail)};
}

// Every value is printed as "`value" so spreadsheets keep long numbers as text.
QStringView valueViewOf(QStringView field) {
    QStringView value = gateway::trimmedField(field);
    if (value.startsWith(u'`'))
        value = gateway::trimmedField(value.sliced(1));
    return value;
}

QString valueOf(const QString& field) {
    const QStringView value = valueViewOf(field);
    return value.size() == field.size() ? field : value.toString();
}

QString headerName(QString name) {
    name = name.trimmed();
    if (name.startsWith(QChar(0xFEFF)))
        name.remove(0, 1);
    return name;
}

const QString kTime = QStringLiteral("交易时间");
const QString kDevice = QStringLiteral("设备号");
const QString kTransactionId = QStringLiteral("微信订单号");
const QString kOutTradeNo = QStringLiteral("商户订单号");
const QString kBuyer = QStringLiteral("用户标识");
const QString kState = QStringLiteral("交易状态");
const QString kSettlement = QStringLiteral("应结订单金额");
const QString kOutRefundNo = QStringLiteral("商户退款单号");
const QString kRefund = QStringLiteral("退款金额");
const QString kCouponRefund = QStringLiteral("充值券退款金额");
const QString kSubject = QStringLiteral("商品名称");
const QString kFee = QStringLiteral("手续费");
const QString kOrderAmount = QStringLiteral("订单金额");
const QString kRefundRequested = QStringLiteral("申请退款金额");

const QString kSummaryCount = QStringLiteral("总交易单数");

// The summary's header row (总交易单数…) rather than a detail line. A first field of ASCII
// alone cannot be that word, so a detail line's is not made text.
bool isSummaryHeader(const CsvRecord& row) {
    if (row.fields.isEmpty())
        return false;
    const QByteArrayView first = row.fields.utf8(0);
    if (std::all_of(first.begin(), first.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        return false;
    return valueOf(headerName(row.fields[0])) == kSummaryCount;
}

// A summary total and the detail column it adds up.
struct SummaryTotal {
    QString summaryColumn;
    QString detailColumn;
};

// The fee total is kept apart: fees have five decimals (SubFen), the rest whole fen.
const QString kSummaryFee = QStringLiteral("手续费总金额");

const std::array<SummaryTotal, 5>& summaryTotals() {
    static const std::array<SummaryTotal, 5> totals{{
        {QStringLiteral("应结订单总金额"), kSettlement},
        {QStringLiteral("退款总金额"), kRefund},
        {QStringLiteral("充值券退款总金额"), kCouponRefund},
        {QStringLiteral("订单总金额"), kOrderAmount},
        {QStringLiteral("申请退款总金额"), kRefundRequested},
    }};
    return totals;
}

QString emptyValue(int line, const QString& column) {
    return QCoreApplication::translate("qpos::wechat", "line %1: %2 is empty")
        .arg(line)
        .arg(column);
}

QString badValue(int line, const QString& reason) {
    return QCoreApplication::translate("qpos::wechat", "line %1: %2").arg(line).arg(reason);
}

QString badTime(int line, const QString& column, const QString& value) {
    return QCoreApplication::translate("qpos::wechat", "line %1: %2 \"%3\" is not a time "
                                                       "(yyyy-MM-dd HH:mm:ss)")
        .arg(line)
        .arg(column, value);
}

constexpr gateway::BillRowWording kRowWording{&emptyValue, &badValue, &badTime};

Error columnCountError(const CsvRecord& row, qsizetype expected) {
    return billError(
        bill_errc::malformed,
        QCoreApplication::translate("qpos::wechat", "line %1 has %2 columns, its header has %3")
            .arg(row.lineNumber)
            .arg(row.fields.size())
            .arg(expected));
}

} // namespace

Status gunzipChunks(QByteArrayView gz, qsizetype maxBytes,
                    const std::function<Status(QByteArrayView chunk)>& chunk) {
    if (gz.isEmpty())
        return gzipError(bill_errc::gzipTruncated,
                         QCoreApplication::translate("qpos::wechat", "the file is empty"));
    InflateStream z;
    // 16 + MAX_WBITS: a gzip wrapper (header, CRC-32 and length checked), not raw zlib.
    if (inflateInit2(&z.stream, 16 + MAX_WBITS) != Z_OK)
        return gzipError(bill_errc::gzipFailed,
                         QCoreApplication::translate("qpos::wechat", "zlib cannot start"));
    z.open = true;

    const auto* next = reinterpret_cast<const Bytef*>(gz.data());
    qsizetype remaining = gz.size();
    qsizetype total = 0;
    std::array<Bytef, 64 * 1024> buffer{};
    for (;;) {
        if (z.stream.avail_in == 0 && remaining > 0) {
            // avail_in is 32 bits: feed large input in slices.
            const qsizetype slice = std::min<qsizetype>(remaining, qsizetype(1) << 30);
            z.stream.next_in = const_cast<Bytef*>(next);
            z.stream.avail_in = static_cast<uInt>(slice);
            next += slice;
            remaining -= slice;
        }
        z.stream.next_out = buffer.data();
        z.stream.avail_out = static_cast<uInt>(buffer.size());
        const int status = inflate(&z.stream, Z_NO_FLUSH);
        const auto produced = static_cast<qsizetype>(buffer.size() - z.stream.avail_out);
        if (produced > maxBytes - total)
            return gzipError(
                bill_errc::gzipTooLarge,
                QCoreApplication::translate("qpos::wechat", "it unpacks to more than %1 bytes")
                    .arg(maxBytes));
        total += produced;
        if (produced > 0) {
            Status s =
                chunk(QByteArrayView(reinterpret_cast<const char*>(buffer.data()), produced));
            if (!s.ok())
                return s;
        }

        const bool inputLeft = z.stream.avail_in > 0 || remaining > 0;
        if (status == Z_STREAM_END) {
            if (!inputLeft)
                return Status::success();
            // Another gzip member follows (as `cat a.gz b.gz` makes); garbage fails below.
            if (inflateReset(&z.stream) != Z_OK)
                return gzipError(bill_errc::gzipFailed,
                                 QCoreApplication::translate("qpos::wechat", "zlib failed"));
            continue;
        }
        if (status == Z_OK)
            continue;
        if (status == Z_BUF_ERROR && !inputLeft)
            return gzipError(bill_errc::gzipTruncated,
                             QCoreApplication::translate("qpos::wechat",
                                                         "the compressed data stops before its "
                                                         "end: the download was cut short"));
        if (status == Z_MEM_ERROR)
            return gzipError(bill_errc::gzipFailed,
                             QCoreApplication::translate("qpos::wechat", "out of memory"));
        return gzipError(
            bill_errc::gzipCorrupt,
            QCoreApplication::translate("qpos::wechat", "the data is not gzip or is damaged (%1)")
                .arg(QString::fromLatin1(z.stream.msg ? z.stream.msg : "")));
    }
}

Result<QByteArray> gunzip(QByteArrayView gz, qsizetype maxBytes) {
    QByteArray out;
    Status s = gunzipChunks(gz, maxBytes, [&out](QByteArrayView chunk) {
        out.append(chunk);
        return Status::success();
    });
    if (!s.ok())
        return s.error();
    return out;
}

namespace {

// Reads the bill line by line: its header, each detail line (handed to the sink as soon as it
// is read, never kept), the summary's header and row.
class BillReader {
public:
    explicit BillReader(gateway::BillRecordSink& sink)
        : m_sink(sink) {}

    Status feedLine(QByteArrayView bytes, int lineNumber);
    Result<ProviderBill> finish();

private:
    Status take();
    Status header(const CsvRecord& row);
    Status detail(const CsvRecord& row);
    Status checkTotals();

    // The columns a record is read from, found once in the header.
    struct Columns {
        gateway::BillColumn state, time, device, transactionId, outTradeNo, buyer, subject,
            orderAmount, fee, settlement, refund, outRefundNo, couponRefund, refundRequested;
    };

    enum class Part { Header, Detail, SummaryRow, Done };
    gateway::BillRecordSink& m_sink;
    CsvReader m_csv;
    Columns m_at;
    Part m_part = Part::Header;
    ProviderBill m_bill;
    BillRecord m_record; // the detail line being read
    int m_lastRecordLine = 0;
    qint64 m_lines = 0;
    std::array<money::Fen, 5> m_columnSums{}; // as summaryTotals()
    money::SubFen m_feeSum;
};

Status BillReader::feedLine(QByteArrayView bytes, int lineNumber) {
    if (bytes.endsWith('\r'))
        bytes.chop(1);
    // A byte-order mark opening a line is not text (as a stateless UTF-8 decoder drops it).
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes = bytes.sliced(3);
    // The bytes go to the CSV reader as they are; it checks the UTF-8 of each field, so an
    // invalid byte is still reported with its line.
    if (Status fed = m_csv.feedUtf8Line(bytes, lineNumber); !fed) {
        if (fed.error().code == u"csv.not_utf8")
            return billError(bill_errc::notUtf8, QCoreApplication::translate(
                                                     "qpos::wechat", "line %1 is not UTF-8 text")
                                                     .arg(lineNumber));
        return billError(bill_errc::malformed, fed.error().message);
    }
    return take();
}

Status BillReader::take() {
    for (const CsvRecord& row : m_csv.records()) {
        m_lastRecordLine = row.lineNumber;
        Status s = Status::success();
        switch (m_part) {
        case Part::Header:
            s = header(row);
            m_part = Part::Detail;
            break;
        case Part::Detail:
            if (isSummaryHeader(row)) {
                for (const QString& name : row.fields.texts())
                    m_bill.summaryColumnNames << valueOf(headerName(name));
                m_part = Part::SummaryRow;
            } else {
                s = detail(row);
            }
            break;
        case Part::SummaryRow: {
            if (row.fields.size() != m_bill.summaryColumnNames.size())
                return columnCountError(row, m_bill.summaryColumnNames.size());
            BillSummaryRow summary;
            summary.lineNumber = row.lineNumber;
            for (qsizetype i = 0; i < m_bill.summaryColumnNames.size(); ++i)
                summary.columns.insert(m_bill.summaryColumnNames[i], valueOf(row.fields[i]));
            m_bill.summaryRows << summary;
            m_part = Part::Done;
            break;
        }
        case Part::Done:
            return billError(
                bill_errc::malformed,
                QCoreApplication::translate("qpos::wechat", "line %1 follows the summary")
                    .arg(row.lineNumber));
        }
        if (!s.ok())
            return s;
    }
    return Status::success();
}

Status BillReader::header(const CsvRecord& row) {
    for (const QString& name : row.fields.texts())
        m_bill.columnNames << headerName(name);
    // The header must be WeChat's: its first column, and every column read below.
    const QStringList required{kTime,        kTransactionId,   kOutTradeNo,   kState,
                               kSettlement,  kRefund,          kCouponRefund, kFee,
                               kOrderAmount, kRefundRequested, kOutRefundNo};
    if (m_bill.columnNames.value(0) != kTime)
        return billError(bill_errc::notWechat,
                         QCoreApplication::translate("qpos::wechat",
                                                     "line %1 is not the header of a WeChat Pay "
                                                     "trade bill (it must start with 交易时间)")
                             .arg(row.lineNumber));
    for (const QString& column : required) {
        if (!m_bill.columnNames.contains(column))
            return billError(bill_errc::notWechat,
                             QCoreApplication::translate("qpos::wechat",
                                                         "line %1 is not the header of a WeChat "
                                                         "Pay trade bill (the column %2 is "
                                                         "missing)")
                                 .arg(row.lineNumber)
                                 .arg(column));
    }
    auto at = [this](const QString& name) {
        return gateway::BillColumn::find(m_bill.columnNames, name);
    };
    m_at = Columns{at(kState),        at(kTime),           at(kDevice),  at(kTransactionId),
                   at(kOutTradeNo),   at(kBuyer),          at(kSubject), at(kOrderAmount),
                   at(kFee),          at(kSettlement),     at(kRefund),  at(kOutRefundNo),
                   at(kCouponRefund), at(kRefundRequested)};
    return Status::success();
}

Status BillReader::detail(const CsvRecord& row) {
    const QStringList& columns = m_bill.columnNames;
    if (row.fields.size() != columns.size())
        return columnCountError(row, columns.size());
    gateway::BillRowReader r(columns, row, &valueViewOf, kRowWording);
    // One record refilled line after line, so its strings keep their buffers; every field is
    // set on every line.
    BillRecord& rec = m_record;
    rec.lineNumber = row.lineNumber;
    r.textInto(m_at.state, rec.kindText);
    rec.kind = rec.kindText == u"SUCCESS"  ? BillLineKind::Payment
               : rec.kindText == u"REFUND" ? BillLineKind::Refund
                                           : BillLineKind::Other;
    rec.finishedAtMs = r.time(m_at.time, true);
    r.textInto(m_at.device, rec.terminalId);
    r.textInto(m_at.transactionId, rec.providerTradeNo);
    r.textInto(m_at.outTradeNo, rec.outTradeNo);
    r.textInto(m_at.buyer, rec.buyerAccount);
    r.textInto(m_at.subject, rec.subject);
    rec.amountFen = r.amount(m_at.orderAmount, true);
    rec.fee = r.subFenAmount(m_at.fee, false);
    const money::Fen settlement = r.amount(m_at.settlement, true);
    const money::Fen refund = r.amount(m_at.refund, false);
    if (rec.kind == BillLineKind::Refund) {
        rec.refundFen = refund < 0 ? -refund : refund;
        rec.receivedFen = -rec.refundFen;
        r.textInto(m_at.outRefundNo, rec.outRequestNo);
    } else {
        rec.refundFen = 0;
        rec.receivedFen = settlement;
        rec.outRequestNo = QString();
    }
    if (rec.providerTradeNo.isEmpty() || rec.outTradeNo.isEmpty())
        r.fail(QCoreApplication::translate("qpos::wechat",
                                           "line %1: 微信订单号 or 商户订单号 is empty")
                   .arg(row.lineNumber));
    // As summaryTotals(); the columns read above are not parsed again.
    const std::array<money::Fen, 5> sums{settlement, refund, r.amount(m_at.couponRefund, false),
                                         rec.amountFen, r.amount(m_at.refundRequested, false)};
    if (const std::optional<QString>& bad = r.problem())
        return billError(bill_errc::malformed, *bad);
    for (std::size_t i = 0; i < sums.size(); ++i)
        m_columnSums[i] += sums[i];
    m_feeSum += rec.fee;
    ++m_lines;
    return m_sink.record(rec, gateway::BillRawLine(columns, row.fields, &valueViewOf));
}

Result<ProviderBill> BillReader::finish() {
    if (Status done = m_csv.finish(); !done)
        return billError(bill_errc::truncated, done.error().message);
    if (Status s = take(); !s.ok())
        return s.error();
    if (m_part == Part::Header)
        return billError(bill_errc::truncated,
                         QCoreApplication::translate("qpos::wechat", "the file is empty"));
    // The summary: its header and exactly one row. Without them the file was cut short.
    if (m_part != Part::Done)
        return billError(bill_errc::truncated,
                         QCoreApplication::translate("qpos::wechat",
                                                     "it ends at line %1 without its summary "
                                                     "(总交易单数…): the download was cut short")
                             .arg(m_lastRecordLine));
    if (Status s = checkTotals(); !s.ok())
        return s.error();
    return std::move(m_bill);
}

// The summary is WeChat's own count of the same lines. A download cut short or damaged in
// transit can lose lines and still parse (the hash is checked by the caller only when it has
// one); reconciling against such a bill would report paid orders as missing, so the totals
// must add up.
Status BillReader::checkTotals() {
    const BillSummaryRow& summary = m_bill.summaryRows.front();
    const QStringList& names = m_bill.summaryColumnNames;
    auto mismatch = [&summary](const QString& column, const QString& printed,
                               const QString& counted) {
        return billError(bill_errc::totalsMismatch,
                         QCoreApplication::translate("qpos::wechat",
                                                     "the summary on line %1 gives %2 = %3, but "
                                                     "the lines above add up to %4: lines are "
                                                     "missing")
                             .arg(summary.lineNumber)
                             .arg(column, printed, counted));
    };
    auto noColumn = [&summary](const QString& column) {
        return billError(
            bill_errc::malformed,
            QCoreApplication::translate("qpos::wechat", "the summary on line %1 has no column %2")
                .arg(summary.lineNumber)
                .arg(column));
    };
    const QString countText = summary.columns.value(kSummaryCount);
    bool countOk = false;
    const qlonglong count = countText.toLongLong(&countOk);
    if (!names.contains(kSummaryCount) || !countOk || count < 0)
        return billError(
            bill_errc::malformed,
            QCoreApplication::translate("qpos::wechat", "line %1: 总交易单数 \"%2\" is not a count")
                .arg(summary.lineNumber)
                .arg(countText));
    if (count != m_lines)
        return mismatch(kSummaryCount, countText, QString::number(m_lines));
    m_bill.totals.lineCount = count;
    for (std::size_t i = 0; i < summaryTotals().size(); ++i) {
        const SummaryTotal& total = summaryTotals()[i];
        if (!names.contains(total.summaryColumn))
            return noColumn(total.summaryColumn);
        const QString printed = summary.columns.value(total.summaryColumn);
        Result<money::Fen> fen = gateway::parseBillYuan(printed, total.summaryColumn);
        if (!fen)
            return billError(bill_errc::malformed,
                             QCoreApplication::translate("qpos::wechat", "line %1: %2")
                                 .arg(summary.lineNumber)
                                 .arg(fen.error().message));
        if (*fen != m_columnSums[i])
            return mismatch(total.summaryColumn, printed, money::formatYuan(m_columnSums[i]));
        if (total.detailColumn == kRefund)
            m_bill.totals.refundFen = *fen;
    }
    if (!names.contains(kSummaryFee))
        return noColumn(kSummaryFee);
    const QString printedFee = summary.columns.value(kSummaryFee);
    Result<money::SubFen> fee = money::parseSubFenYuan(printedFee, kSummaryFee);
    if (!fee)
        return billError(bill_errc::malformed,
                         QCoreApplication::translate("qpos::wechat", "line %1: %2")
                             .arg(summary.lineNumber)
                             .arg(fee.error().message));
    if (*fee != m_feeSum)
        return mismatch(kSummaryFee, printedFee, money::formatSubFenYuan(m_feeSum));
    m_bill.totals.fee = *fee;
    return Status::success();
}

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

} // namespace

Result<ProviderBill> forEachWechatRecord(QByteArrayView csvUtf8, gateway::BillRecordSink& sink) {
    BillReader reader(sink);
    gateway::BillLineSplitter lines(
        [&reader](QByteArrayView line, int number) { return reader.feedLine(line, number); });
    if (Status s = lines.feed(csvUtf8); !s.ok())
        return s.error();
    if (Status s = lines.finish(); !s.ok())
        return s.error();
    return reader.finish();
}

Result<ProviderBill> forEachWechatRecordGzip(QByteArrayView gz, qsizetype maxBytes,
                                             gateway::BillRecordSink& sink,
                                             QCryptographicHash* unpackedDigest) {
    BillReader reader(sink);
    gateway::BillLineSplitter lines(
        [&reader](QByteArrayView line, int number) { return reader.feedLine(line, number); });
    Status inflated = gunzipChunks(gz, maxBytes, [&](QByteArrayView chunk) {
        if (unpackedDigest)
            unpackedDigest->addData(chunk);
        return lines.feed(chunk);
    });
    if (!inflated.ok())
        return inflated.error();
    if (Status s = lines.finish(); !s.ok())
        return s.error();
    return reader.finish();
}

Result<ProviderBill> parseWechatBill(QByteArrayView csvUtf8) {
    CollectingSink sink;
    Result<ProviderBill> bill = forEachWechatRecord(csvUtf8, sink);
    if (!bill)
        return bill;
    ProviderBill whole = std::move(bill).value();
    whole.records = std::move(sink.records);
    return whole;
}

} // namespace qpos::wechat
