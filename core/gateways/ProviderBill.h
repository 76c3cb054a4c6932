#pragma once

#include "core/money/Money.h"
#include "core/money/SubFen.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
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
    QMap<QString, QString> columns; // every column by its header, as printed (trimmed)
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
    QList<BillRecord> records;
    QStringList summaryColumnNames;
    QList<BillSummaryRow> summaryRows;
    QStringList summaryNoteLines; // the summary file's '#' lines
};

} // namespace qpos::gateway
