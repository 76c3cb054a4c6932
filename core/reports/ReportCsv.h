#pragma once

#include "core/reports/SalesReport.h"

#include <QByteArray>
#include <QString>

namespace qpos::reports {

// The report as a spreadsheet file: UTF-8 with a byte-order mark (so spreadsheet programs
// in China read the Chinese text), CRLF line ends, every field quoted by libcsv. Sections
// follow one another, each with its own heading row, separated by an empty line. Amounts
// are yuan with two decimals, exactly as the till shows them.
QByteArray salesReportCsv(const SalesReport& report, const QString& title);

} // namespace qpos::reports
