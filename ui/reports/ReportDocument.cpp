#include "ui/reports/ReportDocument.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/orders/Channel.h"

#include <QCoreApplication>
#include <QFile>
#include <QFont>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QTextDocument>

namespace qpos::ui {

namespace {

QString esc(const QString& text) {
    return text.toHtmlEscaped();
}

QString cell(const QString& text, bool number = false) {
    return number ? QStringLiteral("<td align=\"right\">%1</td>").arg(esc(text))
                  : QStringLiteral("<td>%1</td>").arg(esc(text));
}

QString headings(const QStringList& names) {
    QString row = QStringLiteral("<tr>");
    for (const QString& n : names)
        row += QStringLiteral("<th>%1</th>").arg(esc(n));
    return row + QStringLiteral("</tr>");
}

QString figureCells(const reports::Figures& f) {
    return cell(QString::number(f.saleCount), true) + cell(money::formatYuan(f.saleFen), true) +
           cell(QString::number(f.refundCount), true) + cell(money::formatYuan(f.refundFen), true) +
           cell(money::formatYuan(f.netFen()), true);
}

QStringList figureHeadings(const QString& first) {
    return {first,
            QCoreApplication::translate("qpos::ui::ReportDocument", "Sales"),
            QCoreApplication::translate("qpos::ui::ReportDocument", "Gross"),
            QCoreApplication::translate("qpos::ui::ReportDocument", "Refunds"),
            QCoreApplication::translate("qpos::ui::ReportDocument", "Refunded"),
            QCoreApplication::translate("qpos::ui::ReportDocument", "Net")};
}

QString channelText(const QString& name) {
    const std::optional<Channel> channel = channelFromName(name);
    return channel ? channelLabel(*channel) : name;
}

QString table(const QString& caption, const QStringList& head, const QString& rows) {
    return QStringLiteral("<h3>%1</h3><table border=\"1\" cellspacing=\"0\" cellpadding=\"3\" "
                          "width=\"100%\">%2%3</table>")
        .arg(esc(caption), headings(head), rows);
}

} // namespace

ReportDocument::ReportDocument(const reports::SalesReport& r, const QString& title,
                               const QString& subtitle)
    : m_title(title) {
    QString html = QStringLiteral("<h2>%1</h2><p>%2</p>").arg(esc(title), esc(subtitle));

    html +=
        table(QCoreApplication::translate("qpos::ui::ReportDocument", "Summary"),
              {QCoreApplication::translate("qpos::ui::ReportDocument", "Gross"),
               QCoreApplication::translate("qpos::ui::ReportDocument", "Refunded"),
               QCoreApplication::translate("qpos::ui::ReportDocument", "Net"),
               QCoreApplication::translate("qpos::ui::ReportDocument", "Sales"),
               QCoreApplication::translate("qpos::ui::ReportDocument", "Average ticket")},
              QStringLiteral("<tr>") + cell(money::formatYuan(r.total.saleFen), true) +
                  cell(money::formatYuan(r.total.refundFen), true) +
                  cell(money::formatYuan(r.total.netFen()), true) +
                  cell(QString::number(r.total.saleCount), true) +
                  cell(money::formatYuan(r.averageTicketFen()), true) + QStringLiteral("</tr>"));

    QString rows;
    for (const reports::ChannelFigures& c : r.channels)
        rows += QStringLiteral("<tr>") + cell(channelText(c.channel)) + figureCells(c.figures) +
                QStringLiteral("</tr>");
    html += table(
        QCoreApplication::translate("qpos::ui::ReportDocument", "By channel"),
        figureHeadings(QCoreApplication::translate("qpos::ui::ReportDocument", "Channel")), rows);

    if (!r.cash.isEmpty()) {
        rows.clear();
        for (const reports::CashLine& line : reports::cashLines(r.cash))
            rows += QStringLiteral("<tr>") + cell(line.label) + cell(line.value, true) +
                    QStringLiteral("</tr>");
        html += table(QCoreApplication::translate("qpos::ui::ReportDocument", "Cash"),
                      {QCoreApplication::translate("qpos::ui::ReportDocument", "Cash drawer"),
                       QCoreApplication::translate("qpos::ui::ReportDocument", "Amount")},
                      rows);
    }

    rows.clear();
    for (const reports::CashierFigures& c : r.cashiers)
        rows += QStringLiteral("<tr>") + cell(reports::cashierLabel(c)) + figureCells(c.figures) +
                QStringLiteral("</tr>");
    html += table(
        QCoreApplication::translate("qpos::ui::ReportDocument", "By cashier"),
        figureHeadings(QCoreApplication::translate("qpos::ui::ReportDocument", "Cashier")), rows);

    rows.clear();
    for (const reports::HourFigures& h : r.hours) {
        if (h.figures == reports::Figures{})
            continue; // a printed page lists the hours that had business
        rows += QStringLiteral("<tr>") +
                cell(QStringLiteral("%1:00").arg(h.hour, 2, 10, QLatin1Char('0'))) +
                figureCells(h.figures) + QStringLiteral("</tr>");
    }
    html += table(QCoreApplication::translate("qpos::ui::ReportDocument", "By hour"),
                  figureHeadings(QCoreApplication::translate("qpos::ui::ReportDocument", "Hour")),
                  rows);

    if (r.days.size() > 1) {
        rows.clear();
        for (const reports::DayFigures& d : r.days)
            rows += QStringLiteral("<tr>") +
                    cell(china_calendar::dateOfDayNumber(d.day).toString(Qt::ISODate)) +
                    figureCells(d.figures) + QStringLiteral("</tr>");
        html += table(
            QCoreApplication::translate("qpos::ui::ReportDocument", "By day"),
            figureHeadings(QCoreApplication::translate("qpos::ui::ReportDocument", "Day")), rows);
    }

    rows.clear();
    for (const reports::RefundLine& l : r.refunds)
        rows += QStringLiteral("<tr>") + cell(china_calendar::formatTimestamp(l.atMs)) +
                cell(l.outTradeNo) + cell(channelText(l.channel)) +
                cell(money::formatYuan(l.amountFen), true) + cell(l.approvedBy) + cell(l.reason) +
                QStringLiteral("</tr>");
    html += table(QCoreApplication::translate("qpos::ui::ReportDocument", "Refunds"),
                  {QCoreApplication::translate("qpos::ui::ReportDocument", "Refunded at"),
                   QCoreApplication::translate("qpos::ui::ReportDocument", "Order"),
                   QCoreApplication::translate("qpos::ui::ReportDocument", "Channel"),
                   QCoreApplication::translate("qpos::ui::ReportDocument", "Amount"),
                   QCoreApplication::translate("qpos::ui::ReportDocument", "Approved by"),
                   QCoreApplication::translate("qpos::ui::ReportDocument", "Reason")},
                  rows);
    m_html = html;
}

ReportDocument::~ReportDocument() = default;

void ReportDocument::paint(QPagedPaintDevice& device) const {
    QTextDocument doc;
    QFont font(QStringLiteral("Noto Sans CJK SC"));
    font.setPointSizeF(9);
    doc.setDefaultFont(font);
    doc.setHtml(m_html);
    doc.print(&device);
}

Status ReportDocument::writePdf(const QString& path) const {
    QFile probe(path);
    if (!probe.open(QIODevice::WriteOnly))
        return Error{QStringLiteral("report.pdf"),
                     QCoreApplication::translate("qpos::ui::ReportDocument",
                                                 "Cannot write %1: %2. Choose another folder.")
                         .arg(path, probe.errorString())};
    probe.close();
    QPdfWriter writer(path);
    writer.setTitle(m_title);
    writer.setCreator(QStringLiteral("qpos"));
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
    paint(writer);
    return Status::success();
}

} // namespace qpos::ui
