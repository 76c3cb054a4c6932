#pragma once

#include "core/common/Result.h"
#include "core/gateways/CsvReader.h"
#include "core/money/Money.h"
#include "core/money/SubFen.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <QtGlobal>

#include <optional>

namespace qpos::gateway {

// A provider's daily (or monthly) trade bill, parsed: the input of reconciliation
// (docs/architecture.md, "Reconciliation"). Amounts are fen as printed in the bill (refund lines
// are negative where the provider prints them so); times are UTC milliseconds.

enum class BillLineKind {
    Payment, // a payment (Alipay 业务类型 "交易")
    Refund,  // a refund (Alipay "退款")
    Other,   // anything else the provider lists; see BillRecord::kindText
};

struct BillRecord {
    int lineNumber = 0; // 1-based line of the detail file, for messages
    BillLineKind kind = BillLineKind::Other;
    QString kindText; // the provider's word for the kind
    QString providerTradeNo;
    QString outTradeNo;
    QString outRequestNo; // refund lines: the refund's request number (Alipay 退款批次号/请求号)
    QString subject;
    std::optional<qint64> createdAtMs;
    std::optional<qint64> finishedAtMs;
    QString storeId;
    QString storeName;
    QString operatorId;
    QString terminalId;
    QString buyerAccount;
    money::Fen amountFen = 0;   // order amount
    money::Fen receivedFen = 0; // what the merchant received (negative on refund lines)
    money::Fen refundFen = 0;   // refund lines: the amount given back (positive); else 0
    money::SubFen fee;          // the provider's service fee (WeChat Pay prints it to 10^-5 yuan)
    QString remark;
    // Every column by its header, as printed (trimmed). Filled by the whole-bill API only:
    // the streaming API leaves it empty (a million maps are what a large bill must not cost).
    QMap<QString, QString> columns;
};

// The printed values of one detail line, for a sink that wants columns the typed record does
// not carry. Valid only during BillRecordSink::record().
class BillRawLine {
public:
    // `valueOf` turns a printed field into its value (trimming, the provider's prefix).
    BillRawLine(const QStringList& columnNames, const CsvFields& fields,
                QStringView (*valueOf)(QStringView field))
        : m_columnNames(columnNames)
        , m_fields(fields)
        , m_valueOf(valueOf) {}

    // Every column by its header, as BillRecord::columns holds them.
    QMap<QString, QString> columns() const {
        QMap<QString, QString> map;
        for (qsizetype i = 0; i < m_columnNames.size() && i < m_fields.size(); ++i) {
            const QString field = m_fields[i];
            const QStringView value = m_valueOf(field);
            map.insert(m_columnNames[i], value.size() == field.size() ? field : value.toString());
        }
        return map;
    }

private:
    const QStringList& m_columnNames;
    const CsvFields& m_fields;
    QStringView (*m_valueOf)(QStringView field);
};

// Receives a bill's detail lines one at a time, in file order, as a parser reads them.
class BillRecordSink {
public:
    virtual ~BillRecordSink() = default;
    // A failure stops the parse; the parser returns it.
    virtual Status record(const BillRecord& record, const BillRawLine& line) = 0;
};

// The provider's own totals of the detail lines, as its summary or footer prints them. Each
// is what the named sum of BillRecord fields must come to; a provider that does not print one
// leaves it empty.
struct BillTotals {
    std::optional<qint64> lineCount;       // every detail line (WeChat Pay 总交易单数)
    std::optional<qint64> paymentCount;    // Payment lines (Alipay 交易订单总笔数)
    std::optional<qint64> refundCount;     // Refund lines (Alipay 退款订单总笔数)
    std::optional<money::Fen> receivedFen; // sum of receivedFen (Alipay 商家实收)
    std::optional<money::Fen> refundFen;   // sum of refundFen (WeChat Pay 退款总金额)
    std::optional<money::SubFen> fee; // sum of fee (Alipay 服务费, WeChat Pay 手续费总金额)
};

// One row of the provider's summary (Alipay: one per store, then 合计), kept as printed.
struct BillSummaryRow {
    int lineNumber = 0;
    QMap<QString, QString> columns;
};

struct ProviderBill {
    QString detailFileName;
    QString summaryFileName;
    QStringList detailHeaderLines; // the '#' lines before the detail table, without '#'
    QStringList detailFooterLines; // the '#' lines after it (totals, export time)
    QStringList columnNames;       // the detail table's header row
    QList<BillRecord> records;     // empty when the records were streamed to a sink
    QStringList summaryColumnNames;
    QList<BillSummaryRow> summaryRows;
    QStringList summaryNoteLines; // the summary file's '#' lines
    BillTotals totals;            // from the summary; empty when the bill has none
};

} // namespace qpos::gateway
