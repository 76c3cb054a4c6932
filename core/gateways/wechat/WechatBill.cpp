#include "core/gateways/wechat/WechatBill.h"

#include "core/gateways/BillRowReader.h"
#include "core/gateways/CsvReader.h"

#include <QCoreApplication>
#include <QStringDecoder>

#include <zlib.h>

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
QString valueOf(const QString& field) {
    QString value = field.trimmed();
    if (value.startsWith(u'`'))
        value.remove(0, 1);
    return value.trimmed();
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

Result<QByteArray> gunzip(QByteArrayView gz, qsizetype maxBytes) {
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
    QByteArray out;
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
        if (produced > maxBytes - out.size())
            return gzipError(
                bill_errc::gzipTooLarge,
                QCoreApplication::translate("qpos::wechat", "it unpacks to more than %1 bytes")
                    .arg(maxBytes));
        out.append(reinterpret_cast<const char*>(buffer.data()), produced);

        const bool inputLeft = z.stream.avail_in > 0 || remaining > 0;
        if (status == Z_STREAM_END) {
            if (!inputLeft)
                return out;
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

Result<ProviderBill> parseWechatBill(QByteArrayView csvUtf8) {
    // Decode line by line so an invalid byte is reported with its line.
    CsvReader csv;
    const QList<QByteArrayView> lines = [&csvUtf8] {
        QList<QByteArrayView> result;
        qsizetype start = 0;
        for (qsizetype i = 0; i <= csvUtf8.size(); ++i) {
            if (i == csvUtf8.size() || csvUtf8[i] == '\n') {
                result << QByteArrayView(csvUtf8.data() + start, i - start);
                start = i + 1;
            }
        }
        return result;
    }();
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const int lineNumber = static_cast<int>(i) + 1;
        QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        QString line = utf8.decode(lines[i]);
        if (utf8.hasError())
            return billError(bill_errc::notUtf8, QCoreApplication::translate(
                                                     "qpos::wechat", "line %1 is not UTF-8 text")
                                                     .arg(lineNumber));
        if (line.endsWith(u'\r'))
            line.chop(1);
        if (Status fed = csv.feedLine(line, lineNumber); !fed)
            return billError(bill_errc::malformed, fed.error().message);
    }
    if (Status done = csv.finish(); !done)
        return billError(bill_errc::truncated, done.error().message);

    const QList<CsvRecord>& records = csv.records();
    if (records.isEmpty())
        return billError(bill_errc::truncated,
                         QCoreApplication::translate("qpos::wechat", "the file is empty"));

    ProviderBill bill;
    for (const QString& name : records.front().fields)
        bill.columnNames << headerName(name);
    // The header must be WeChat's: its first column, and every column read below.
    const QStringList required{kTime,        kTransactionId,   kOutTradeNo,   kState,
                               kSettlement,  kRefund,          kCouponRefund, kFee,
                               kOrderAmount, kRefundRequested, kOutRefundNo};
    if (bill.columnNames.value(0) != kTime)
        return billError(bill_errc::notWechat,
                         QCoreApplication::translate("qpos::wechat",
                                                     "line %1 is not the header of a WeChat Pay "
                                                     "trade bill (it must start with 交易时间)")
                             .arg(records.front().lineNumber));
    for (const QString& column : required) {
        if (!bill.columnNames.contains(column))
            return billError(bill_errc::notWechat,
                             QCoreApplication::translate("qpos::wechat",
                                                         "line %1 is not the header of a WeChat "
                                                         "Pay trade bill (the column %2 is "
                                                         "missing)")
                                 .arg(records.front().lineNumber)
                                 .arg(column));
    }

    // The detail lines, up to the summary's header.
    qsizetype index = 1;
    QMap<QString, money::Fen> columnSums;
    money::SubFen feeSum;
    for (; index < records.size(); ++index) {
        const CsvRecord& row = records[index];
        if (valueOf(headerName(row.fields.value(0))) == kSummaryCount)
            break;
        if (row.fields.size() != bill.columnNames.size())
            return columnCountError(row, bill.columnNames.size());
        gateway::BillRowReader r(bill.columnNames, row, &valueOf, kRowWording);
        BillRecord rec;
        rec.lineNumber = row.lineNumber;
        rec.kindText = r.text(kState);
        rec.kind = rec.kindText == u"SUCCESS"  ? BillLineKind::Payment
                   : rec.kindText == u"REFUND" ? BillLineKind::Refund
                                               : BillLineKind::Other;
        rec.finishedAtMs = r.time(kTime, true);
        rec.terminalId = r.text(kDevice);
        rec.providerTradeNo = r.text(kTransactionId);
        rec.outTradeNo = r.text(kOutTradeNo);
        rec.buyerAccount = r.text(kBuyer);
        rec.subject = r.text(kSubject);
        rec.amountFen = r.amount(kOrderAmount, true);
        rec.fee = r.subFenAmount(kFee, false);
        feeSum += rec.fee;
        const money::Fen settlement = r.amount(kSettlement, true);
        const money::Fen refund = r.amount(kRefund, false);
        if (rec.kind == BillLineKind::Refund) {
            rec.refundFen = refund < 0 ? -refund : refund;
            rec.receivedFen = -rec.refundFen;
            rec.outRequestNo = r.text(kOutRefundNo);
        } else {
            rec.receivedFen = settlement;
        }
        if (rec.providerTradeNo.isEmpty() || rec.outTradeNo.isEmpty())
            r.fail(QCoreApplication::translate("qpos::wechat",
                                               "line %1: 微信订单号 or 商户订单号 is empty")
                       .arg(row.lineNumber));
        for (const SummaryTotal& total : summaryTotals())
            columnSums[total.detailColumn] += r.amount(total.detailColumn, false);
        if (const std::optional<QString>& bad = r.problem())
            return billError(bill_errc::malformed, *bad);
        for (qsizetype i = 0; i < bill.columnNames.size(); ++i)
            rec.columns.insert(bill.columnNames[i], valueOf(row.fields[i]));
        bill.records << rec;
    }

    // The summary: its header and exactly one row. Without them the file was cut short.
    if (index + 1 >= records.size())
        return billError(bill_errc::truncated,
                         QCoreApplication::translate("qpos::wechat",
                                                     "it ends at line %1 without its summary "
                                                     "(总交易单数…): the download was cut short")
                             .arg(records.back().lineNumber));
    const CsvRecord& summaryHeader = records[index];
    const CsvRecord& summaryRow = records[index + 1];
    for (const QString& name : summaryHeader.fields)
        bill.summaryColumnNames << valueOf(headerName(name));
    if (summaryRow.fields.size() != bill.summaryColumnNames.size())
        return columnCountError(summaryRow, bill.summaryColumnNames.size());
    if (index + 2 < records.size())
        return billError(bill_errc::malformed,
                         QCoreApplication::translate("qpos::wechat", "line %1 follows the summary")
                             .arg(records[index + 2].lineNumber));
    BillSummaryRow summary;
    summary.lineNumber = summaryRow.lineNumber;
    for (qsizetype i = 0; i < bill.summaryColumnNames.size(); ++i)
        summary.columns.insert(bill.summaryColumnNames[i], valueOf(summaryRow.fields[i]));
    bill.summaryRows << summary;

    // The summary is WeChat's own count of the same lines. A download cut short or damaged
    // in transit can lose lines and still parse (the hash is checked by the caller only when
    // it has one); reconciling against such a bill would report paid orders as missing, so
    // the totals must add up.
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
    const QString countText = summary.columns.value(kSummaryCount);
    bool countOk = false;
    const qlonglong count = countText.toLongLong(&countOk);
    if (!bill.summaryColumnNames.contains(kSummaryCount) || !countOk || count < 0)
        return billError(
            bill_errc::malformed,
            QCoreApplication::translate("qpos::wechat", "line %1: 总交易单数 \"%2\" is not a count")
                .arg(summary.lineNumber)
                .arg(countText));
    if (count != bill.records.size())
        return mismatch(kSummaryCount, countText, QString::number(bill.records.size()));
    for (const SummaryTotal& total : summaryTotals()) {
        if (!bill.summaryColumnNames.contains(total.summaryColumn))
            return billError(bill_errc::malformed,
                             QCoreApplication::translate("qpos::wechat",
                                                         "the summary on line %1 has no column "
                                                         "%2")
                                 .arg(summary.lineNumber)
                                 .arg(total.summaryColumn));
        const QString printed = summary.columns.value(total.summaryColumn);
        Result<money::Fen> fen = gateway::parseBillYuan(printed, total.summaryColumn);
        if (!fen)
            return billError(bill_errc::malformed,
                             QCoreApplication::translate("qpos::wechat", "line %1: %2")
                                 .arg(summary.lineNumber)
                                 .arg(fen.error().message));
        const money::Fen counted = columnSums.value(total.detailColumn);
        if (*fen != counted)
            return mismatch(total.summaryColumn, printed, money::formatYuan(counted));
    }
    if (!bill.summaryColumnNames.contains(kSummaryFee))
        return billError(
            bill_errc::malformed,
            QCoreApplication::translate("qpos::wechat", "the summary on line %1 has no column %2")
                .arg(summary.lineNumber)
                .arg(kSummaryFee));
    const QString printedFee = summary.columns.value(kSummaryFee);
    Result<money::SubFen> fee = money::parseSubFenYuan(printedFee, kSummaryFee);
    if (!fee)
        return billError(bill_errc::malformed,
                         QCoreApplication::translate("qpos::wechat", "line %1: %2")
                             .arg(summary.lineNumber)
                             .arg(fee.error().message));
    if (*fee != feeSum)
        return mismatch(kSummaryFee, printedFee, money::formatSubFenYuan(feeSum));
    return bill;
}

} // namespace qpos::wechat
