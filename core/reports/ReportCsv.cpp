#include "core/reports/ReportCsv.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/orders/Channel.h"
#include "core/reports/CsvSheet.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QStringList>

namespace qpos::reports {

namespace {

QString channelText(const QString& name) {
    const std::optional<Channel> channel = channelFromName(name);
    return channel ? channelLabel(*channel) : name;
}

QString dayText(int day) {
    return china_calendar::dateOfDayNumber(day).toString(Qt::ISODate);
}

CsvField count(qint64 n) {
    return CsvField::number(QString::number(n));
}

CsvField yuan(money::Fen fen) {
    return CsvField::number(money::formatYuan(fen));
}

// The cash lines mix amounts ("-5.00" for a shortfall) with the reason a person typed: only an
// amount as the till prints it goes out unguarded.
CsvField cashValue(const QString& value) {
    static const QRegularExpression amount(QStringLiteral("^-?[0-9]+\\.[0-9]{2}$"));
    return amount.match(value).hasMatch() ? CsvField::number(value) : CsvField(value);
}

QList<CsvField> figureColumns(const Figures& f) {
    return {count(f.saleCount), yuan(f.saleFen), count(f.refundCount), yuan(f.refundFen),
            yuan(f.netFen())};
}

QList<CsvField> figureHeadings(const QString& first) {
    return {first,
            QCoreApplication::translate("qpos::reports::ReportCsv", "Sales"),
            QCoreApplication::translate("qpos::reports::ReportCsv", "Gross (yuan)"),
            QCoreApplication::translate("qpos::reports::ReportCsv", "Refunds"),
            QCoreApplication::translate("qpos::reports::ReportCsv", "Refunded (yuan)"),
            QCoreApplication::translate("qpos::reports::ReportCsv", "Net (yuan)")};
}

} // namespace

QByteArray salesReportCsv(const SalesReport& r, const QString& title) {
    CsvSheet sheet;
    sheet.row({title});
    sheet.row({QCoreApplication::translate("qpos::reports::ReportCsv", "From"), dayText(r.fromDay),
               QCoreApplication::translate("qpos::reports::ReportCsv", "To"), dayText(r.toDay)});
    sheet.gap();

    sheet.row({QCoreApplication::translate("qpos::reports::ReportCsv", "Gross (yuan)"),
               QCoreApplication::translate("qpos::reports::ReportCsv", "Refunded (yuan)"),
               QCoreApplication::translate("qpos::reports::ReportCsv", "Net (yuan)"),
               QCoreApplication::translate("qpos::reports::ReportCsv", "Sales"),
               QCoreApplication::translate("qpos::reports::ReportCsv", "Average ticket (yuan)"),
               QCoreApplication::translate("qpos::reports::ReportCsv", "Refunds")});
    sheet.row({yuan(r.total.saleFen), yuan(r.total.refundFen), yuan(r.total.netFen()),
               count(r.total.saleCount), yuan(r.averageTicketFen()), count(r.total.refundCount)});
    sheet.gap();

    sheet.row(figureHeadings(QCoreApplication::translate("qpos::reports::ReportCsv", "Channel")));
    for (const ChannelFigures& c : r.channels)
        sheet.row(QList<CsvField>{channelText(c.channel)} + figureColumns(c.figures));
    sheet.gap();

    sheet.row(figureHeadings(QCoreApplication::translate("qpos::reports::ReportCsv", "Cashier")));
    for (const CashierFigures& c : r.cashiers) {
        sheet.row(QList<CsvField>{cashierLabel(c)} + figureColumns(c.figures));
    }
    sheet.gap();

    sheet.row(figureHeadings(QCoreApplication::translate("qpos::reports::ReportCsv", "Hour")));
    for (const HourFigures& h : r.hours)
        sheet.row(QList<CsvField>{CsvField::number(
                      QStringLiteral("%1:00").arg(h.hour, 2, 10, QLatin1Char('0')))} +
                  figureColumns(h.figures));
    sheet.gap();

    sheet.row(figureHeadings(QCoreApplication::translate("qpos::reports::ReportCsv", "Day")));
    for (const DayFigures& d : r.days)
        sheet.row(QList<CsvField>{dayText(d.day)} + figureColumns(d.figures));
    sheet.gap();

    sheet.row({QCoreApplication::translate("qpos::reports::ReportCsv", "Refunded at"),
               QCoreApplication::translate("qpos::reports::ReportCsv", "Order"),
               QCoreApplication::translate("qpos::reports::ReportCsv", "Channel"),
               QCoreApplication::translate("qpos::reports::ReportCsv", "Cashier"),
               QCoreApplication::translate("qpos::reports::ReportCsv", "Refunded (yuan)"),
               QCoreApplication::translate("qpos::reports::ReportCsv", "Approved by"),
               QCoreApplication::translate("qpos::reports::ReportCsv", "Reason")});
    for (const RefundLine& l : r.refunds)
        sheet.row({china_calendar::formatTimestamp(l.atMs), l.outTradeNo, channelText(l.channel),
                   l.cashierId, yuan(l.amountFen), l.approvedBy, l.reason});
    if (!r.cash.isEmpty()) {
        sheet.gap();
        sheet.row({QCoreApplication::translate("qpos::reports::ReportCsv", "Cash drawer"),
                   QCoreApplication::translate("qpos::reports::ReportCsv", "Amount (yuan)")});
        for (const CashLine& line : cashLines(r.cash))
            sheet.row({line.label, cashValue(line.value)});
    }
    return sheet.bytes();
}

} // namespace qpos::reports
