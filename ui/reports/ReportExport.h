#pragma once

#include "core/reports/SalesReport.h"

#include <QString>

#include <functional>

class QPrinter;
class QWidget;

namespace qpos::ui {

// Saving and printing a report, shared by the reports window and the Z reports. Each asks
// where (a file dialog or the print dialog, opened window-modal), does it, and tells
// `done` what happened in a sentence for the status line.
namespace report_export {

using Done = std::function<void(const QString& message)>;

void saveCsv(QWidget* parent, const reports::SalesReport& report, const QString& title,
             const QString& subtitle, const QString& fileStem, Done done);
void savePdf(QWidget* parent, const reports::SalesReport& report, const QString& title,
             const QString& subtitle, const QString& fileStem, Done done);
void print(QWidget* parent, QPrinter& printer, const reports::SalesReport& report,
           const QString& title, const QString& subtitle, Done done);

} // namespace report_export
} // namespace qpos::ui
