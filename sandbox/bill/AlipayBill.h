#pragma once

#include "core/common/Result.h"
#include "sandbox/alipay/AlipayTrade.h"
#include "sandbox/bill/ZipArchive.h"

#include <QDate>
#include <QList>
#include <QString>

namespace qpos::sandbox::alipay_bill {

// A bill period as Alipay's bill_date names it: one day ("2024-01-15") or a month
// ("2024-01"), in China dates.
struct Period {
    QDate first;
    QDate afterLast;
    QString label; // "20240115" or "202401", as in the file names

    static std::optional<Period> parse(const QString& billDate);
};

// Alipay's trade bill (当面付 "业务明细"): for the account `pid`, every payment completed and
// every refund made in the period, and a per-store summary.
struct Bill {
    QString zipName;     // <pid>0156_<label>.csv.zip
    QString detailName;  // <pid>0156_<label>_业务明细.csv
    QString summaryName; // <pid>0156_<label>_业务明细(汇总).csv
    QString detailCsv;   // the text before GBK encoding
    QString summaryCsv;
};

Bill build(const QString& pid, const Period& period, const QList<AlipayTrade>& trades,
           qint64 exportMs);

// The zip Alipay serves: both CSV files in GBK, their names in GBK without the zip UTF-8
// flag, as Alipay's own archives are.
Result<QByteArray> toZip(const Bill& bill);

} // namespace qpos::sandbox::alipay_bill
