#include "core/printing/ReportSlip.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/orders/Channel.h"
#include "core/printing/SaleReceipt.h"
#include "core/staff/StaffLabel.h"

#include <QCoreApplication>

namespace qpos::printing {

namespace {

QString channelText(const QString& name) {
    const std::optional<Channel> channel = channelFromName(name);
    return channel ? channelLabel(*channel) : name;
}

QString dayText(int day) {
    return china_calendar::dateOfDayNumber(day).toString(Qt::ISODate);
}

// One slice: its name and net on the first line, its sales and refunds below.
void figureLines(EscPosDocument& doc, const QString& name, const reports::Figures& f) {
    doc.twoColumns(name, receiptYuan(f.netFen()));
    doc.twoColumns(QCoreApplication::translate("qpos::printing::ReportSlip", "  %n sale(s)",
                                               nullptr, int(f.saleCount)),
                   receiptYuan(f.saleFen));
    if (f.refundCount > 0)
        doc.twoColumns(QCoreApplication::translate("qpos::printing::ReportSlip", "  %n refund(s)",
                                                   nullptr, int(f.refundCount)),
                       receiptYuan(-f.refundFen));
}

void heading(EscPosDocument& doc, const QString& text) {
    doc.rule().bold(true).text(text).bold(false);
}

} // namespace

EscPosDocument reportSlipDocument(const reports::SalesReport& r, const QString& title,
                                  const QString& subtitle, const QString& shopName,
                                  qint64 printedAtMs, int columns) {
    EscPosDocument doc(columns);
    doc.initialize();
    doc.align(Alignment::Center);
    if (!shopName.isEmpty())
        doc.text(shopName);
    doc.doubleSize(true).bold(true).text(title).doubleSize(false).bold(false);
    for (const QString& line : subtitle.split(u'\n', Qt::SkipEmptyParts))
        doc.text(line);
    doc.align(Alignment::Left).rule();

    doc.twoColumns(QCoreApplication::translate("qpos::printing::ReportSlip", "Gross"),
                   receiptYuan(r.total.saleFen));
    doc.twoColumns(QCoreApplication::translate("qpos::printing::ReportSlip", "Refunded"),
                   receiptYuan(r.total.refundFen));
    doc.bold(true);
    doc.twoColumns(QCoreApplication::translate("qpos::printing::ReportSlip", "Net"),
                   receiptYuan(r.total.netFen()));
    doc.bold(false);
    doc.twoColumns(QCoreApplication::translate("qpos::printing::ReportSlip", "Sales"),
                   QString::number(r.total.saleCount));
    doc.twoColumns(QCoreApplication::translate("qpos::printing::ReportSlip", "Refunds"),
                   QString::number(r.total.refundCount));
    doc.twoColumns(QCoreApplication::translate("qpos::printing::ReportSlip", "Average ticket"),
                   receiptYuan(r.averageTicketFen()));

    heading(doc, QCoreApplication::translate("qpos::printing::ReportSlip", "By channel"));
    for (const reports::ChannelFigures& c : r.channels)
        figureLines(doc, channelText(c.channel), c.figures);

    heading(doc, QCoreApplication::translate("qpos::printing::ReportSlip", "By cashier"));
    for (const reports::CashierFigures& c : r.cashiers)
        figureLines(doc, reports::cashierLabel(c), c.figures);

    heading(doc, QCoreApplication::translate("qpos::printing::ReportSlip", "By hour"));
    for (const reports::HourFigures& h : r.hours) {
        if (h.figures == reports::Figures{})
            continue; // the roll lists the hours that had business
        figureLines(doc, QStringLiteral("%1:00").arg(h.hour, 2, 10, QLatin1Char('0')), h.figures);
    }

    if (r.days.size() > 1) {
        heading(doc, QCoreApplication::translate("qpos::printing::ReportSlip", "By day"));
        for (const reports::DayFigures& d : r.days)
            figureLines(doc, dayText(d.day), d.figures);
    }

    heading(doc, QCoreApplication::translate("qpos::printing::ReportSlip", "Refunds"));
    if (r.refunds.isEmpty())
        doc.text(QCoreApplication::translate("qpos::printing::ReportSlip", "None"));
    for (const reports::RefundLine& l : r.refunds) {
        doc.twoColumns(china_calendar::formatTimestamp(l.atMs), receiptYuan(l.amountFen));
        doc.text(QStringLiteral("  %1 %2").arg(channelText(l.channel), l.outTradeNo));
        doc.text(QCoreApplication::translate("qpos::printing::ReportSlip", "  Approved by %1: %2")
                     .arg(l.approvedBy, l.reason));
    }

    doc.rule();
    doc.twoColumns(QCoreApplication::translate("qpos::printing::ReportSlip", "Printed"),
                   china_calendar::formatTimestamp(printedAtMs));
    doc.feed(3).cut();
    return doc;
}

EscPosDocument zReportSlipDocument(const reports::ZReport& z, const QString& shopName,
                                   qint64 printedAtMs, int columns) {
    const QString title =
        QCoreApplication::translate("qpos::printing::ReportSlip", "Z report No. %1").arg(z.seq);
    QString subtitle = QCoreApplication::translate("qpos::printing::ReportSlip", "Business day %1")
                           .arg(dayText(z.businessDay));
    if (z.fromDay != z.businessDay)
        subtitle +=
            u'\n' + QCoreApplication::translate("qpos::printing::ReportSlip", "Covers %1 to %2")
                        .arg(dayText(z.fromDay), dayText(z.businessDay));
    subtitle += u'\n' + QCoreApplication::translate("qpos::printing::ReportSlip", "Taken %1 by %2")
                            .arg(china_calendar::formatTimestamp(z.takenAtMs),
                                 staffLabel(z.takenBy, z.takenByName));
    return reportSlipDocument(z.snapshot, title, subtitle, shopName, printedAtMs, columns);
}

} // namespace qpos::printing
