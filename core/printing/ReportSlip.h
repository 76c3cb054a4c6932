#pragma once

#include "core/printing/EscPosDocument.h"
#include "core/reports/SalesReport.h"
#include "core/reports/ZReportBook.h"

#include <QString>
#include <QtGlobal>

namespace qpos::printing {

// A report on the receipt roll: the figures exactly as the report function computed them
// (reports::buildSalesReport, or a Z report's frozen snapshot), never computed again here.
// `title` and `subtitle` say which report it is (an X of a shift, a day, a range).
EscPosDocument reportSlipDocument(const reports::SalesReport& report, const QString& title,
                                  const QString& subtitle, const QString& shopName,
                                  qint64 printedAtMs, int columns);

// A Z report from its snapshot: its number, the business day it closed, the days it covers,
// who took it and when.
EscPosDocument zReportSlipDocument(const reports::ZReport& z, const QString& shopName,
                                   qint64 printedAtMs, int columns);

} // namespace qpos::printing
