#pragma once

#include "core/reports/SalesReport.h"

class QChartView;
class QWidget;

namespace qpos::ui {

// The report's two charts (Qt Charts). Sales are drawn in yuan: a chart's axis is a reading
// aid, the exact figures are in the tables beside it.
// Gross sales by China hour, one bar per hour 0-23.
QChartView* makeHourChart(const reports::SalesReport& report, QWidget* parent);
// Net sales by business day, a line over the report's days.
QChartView* makeDayChart(const reports::SalesReport& report, QWidget* parent);

} // namespace qpos::ui
