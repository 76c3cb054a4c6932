#include "core/reports/ReportCsv.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/orders/Channel.h"

#include <QCoreApplication>
#include <QStringList>

#include <csv.h>

namespace qpos::reports {

namespace {

// One field, quoted and with its quotes doubled by libcsv.
QByteArray field(const QString& text) {
    const QByteArray utf8 = text.toUtf8();
    const std::size_t needed = csv_write(nullptr, 0, utf8.constData(), std::size_t(utf8.size()));
    QByteArray out(qsizetype(needed), Qt::Uninitialized);
    csv_write(out.data(), needed, utf8.constData(), std::size_t(utf8.size()));
    return out;
}

class Sheet {
public:
    void row(const QStringList& fields) {
        for (qsizetype i = 0; i < fields.size(); ++i) {
            if (i > 0)
                m_bytes += ',';
            m_bytes += field(fields[i]);
        }
        m_bytes += "\r\n";
    }
    void gap() { m_bytes += "\r\n"; }
    QByteArray bytes() const { return m_bytes; }

private:
    QByteArray m_bytes = QByteArray("\xEF\xBB\xBF");
};

QString channelText(const QString& name) {
    const std::optional<Channel> channel = channelFromName(name);
    return channel ? channelLabel(*channel) : name;
}

QString dayText(int day) {
    return china_calendar::dateOfDayNumber(day).toString(Qt::ISODate);
}

QStringList figureColumns(const Figures& f) {
    return {QString::number(f.saleCount), money::formatYuan(f.saleFen),
            QString::number(f.refundCount), money::formatYuan(f.refundFen),
            money::formatYuan(f.netFen())};
}

QStringList figureHeadings(const QString& first) {
    return {first,
            QCoreApplication::translate("qpos::reports::ReportCsv", "Sales"),
            QCoreApplication::translate("qpos::reports::ReportCsv", "Gross (yuan)"),
            QCoreApplication::translate("qpos::reports::ReportCsv", "Refunds"),
            QCoreApplication::translate("qpos::reports::ReportCsv", "Refunded (yuan)"),
            QCoreApplication::translate("qpos::reports::ReportCsv", "Net (yuan)")};
}

} // namespace

QByteArray salesReportCsv(const SalesReport& r, const QString& title) {
    Sheet sheet;
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
    sheet.row({money::formatYuan(r.total.saleFen), money::formatYuan(r.total.refundFen),
               money::formatYuan(r.total.netFen()), QString::number(r.total.saleCount),
               money::formatYuan(r.averageTicketFen()), QString::number(r.total.refundCount)});
    sheet.gap();

    sheet.row(figureHeadings(QCoreApplication::translate("qpos::reports::ReportCsv", "Channel")));
    for (const ChannelFigures& c : r.channels)
        sheet.row(QStringList{channelText(c.channel)} + figureColumns(c.figures));
    sheet.gap();

    sheet.row(figureHeadings(QCoreApplication::translate("qpos::reports::ReportCsv", "Cashier")));
    for (const CashierFigures& c : r.cashiers) {
        const QString who = c.name.isEmpty() ? c.cashierId : c.name + u' ' + c.cashierId;
        sheet.row(QStringList{who} + figureColumns(c.figures));
    }
    sheet.gap();

    sheet.row(figureHeadings(QCoreApplication::translate("qpos::reports::ReportCsv", "Hour")));
    for (const HourFigures& h : r.hours)
        sheet.row(QStringList{QStringLiteral("%1:00").arg(h.hour, 2, 10, QLatin1Char('0'))} +
                  figureColumns(h.figures));
    sheet.gap();

    sheet.row(figureHeadings(QCoreApplication::translate("qpos::reports::ReportCsv", "Day")));
    for (const DayFigures& d : r.days)
        sheet.row(QStringList{dayText(d.day)} + figureColumns(d.figures));
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
                   l.cashierId, money::formatYuan(l.amountFen), l.approvedBy, l.reason});
    if (!r.cash.isEmpty()) {
        sheet.gap();
        sheet.row({QCoreApplication::translate("qpos::reports::ReportCsv", "Cash drawer"),
                   QCoreApplication::translate("qpos::reports::ReportCsv", "Amount (yuan)")});
        for (const CashLine& line : cashLines(r.cash))
            sheet.row({line.label, line.value});
    }
    return sheet.bytes();
}

} // namespace qpos::reports
