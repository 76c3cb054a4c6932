#include "ui/reports/ReportCharts.h"

#include "core/calendar/ChinaCalendar.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCoreApplication>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QValueAxis>

#include <cmath>

namespace qpos::ui {

namespace {

// Drawing only: the exact amounts are integer fen everywhere else.
double yuan(money::Fen fen) {
    return double(fen) / 100.0;
}

QValueAxis* amountAxis(double largest) {
    auto* axis = new QValueAxis;
    axis->setMin(0);
    axis->setMax(largest > 0 ? std::ceil(largest * 1.1) : 1.0);
    axis->setLabelFormat(QStringLiteral("%.0f"));
    axis->setTitleText(QCoreApplication::translate("qpos::ui::ReportCharts", "yuan"));
    return axis;
}

QChartView* view(QChart* chart, QWidget* parent, const char* name) {
    chart->legend()->hide();
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto* v = new QChartView(chart, parent);
    v->setObjectName(QString::fromLatin1(name));
    v->setRenderHint(QPainter::Antialiasing);
    v->setMinimumHeight(220);
    return v;
}

} // namespace

QChartView* makeHourChart(const reports::SalesReport& report, QWidget* parent) {
    auto* bars = new QBarSet(QCoreApplication::translate("qpos::ui::ReportCharts", "Sales"));
    QStringList hours;
    double largest = 0;
    for (const reports::HourFigures& h : report.hours) {
        bars->append(yuan(h.figures.saleFen));
        largest = qMax(largest, yuan(h.figures.saleFen));
        hours << QString::number(h.hour);
    }
    auto* series = new QBarSeries;
    series->append(bars);
    auto* chart = new QChart;
    chart->addSeries(series);
    chart->setTitle(QCoreApplication::translate("qpos::ui::ReportCharts", "Sales by hour"));
    auto* x = new QBarCategoryAxis;
    x->append(hours);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    QValueAxis* y = amountAxis(largest);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    return view(chart, parent, "hourChart");
}

QChartView* makeDayChart(const reports::SalesReport& report, QWidget* parent) {
    auto* series = new QLineSeries;
    series->setName(QCoreApplication::translate("qpos::ui::ReportCharts", "Net sales"));
    series->setPointsVisible(true); // a one-day range is a single point, no line
    double largest = 0;
    double smallest = 0;
    for (const reports::DayFigures& d : report.days) {
        const QDate date = china_calendar::dateOfDayNumber(d.day);
        const double net = yuan(d.figures.netFen());
        series->append(double(QDateTime(date, QTime(12, 0)).toMSecsSinceEpoch()), net);
        largest = qMax(largest, net);
        smallest = qMin(smallest, net);
    }
    auto* chart = new QChart;
    chart->addSeries(series);
    chart->setTitle(QCoreApplication::translate("qpos::ui::ReportCharts", "Net sales by day"));
    auto* x = new QDateTimeAxis;
    x->setFormat(QStringLiteral("MM-dd"));
    if (!report.days.isEmpty()) {
        const QDate first = china_calendar::dateOfDayNumber(report.days.first().day);
        const QDate last = china_calendar::dateOfDayNumber(report.days.last().day);
        x->setRange(QDateTime(first, QTime(0, 0)), QDateTime(last, QTime(23, 59)));
        x->setTickCount(int(qBound(qint64(2), first.daysTo(last) + 1, qint64(8))));
    }
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    QValueAxis* y = amountAxis(largest);
    if (smallest < 0)
        y->setMin(std::floor(smallest * 1.1));
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);
    return view(chart, parent, "dayChart");
}

} // namespace qpos::ui
