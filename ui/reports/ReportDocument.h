#pragma once

#include "core/common/Result.h"
#include "core/reports/SalesReport.h"

#include <QString>

class QPagedPaintDevice;
class QTextDocument;

namespace qpos::ui {

// The report as a printed page: the same sections as the window, as tables, in a CJK font
// (Noto Sans CJK SC from fonts-noto-cjk), so Chinese names and reasons print and are
// embedded in a PDF.
class ReportDocument {
public:
    // `title` heads the page ("Sales report", "X report — shift 3", "Z report No. 12");
    // `subtitle` says the shop, the period and when it was made.
    ReportDocument(const reports::SalesReport& report, const QString& title,
                   const QString& subtitle);
    ~ReportDocument();
    ReportDocument(const ReportDocument&) = delete;
    ReportDocument& operator=(const ReportDocument&) = delete;

    QString html() const { return m_html; }
    // Lays the report out on `device` (a QPdfWriter or a QPrinter) and paints it.
    void paint(QPagedPaintDevice& device) const;
    // Writes an A4 PDF; a file that cannot be written is an error that names it.
    Status writePdf(const QString& path) const;

private:
    QString m_title;
    QString m_html;
};

} // namespace qpos::ui
