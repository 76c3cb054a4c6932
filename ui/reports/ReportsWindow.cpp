#include "ui/reports/ReportsWindow.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/orders/Channel.h"
#include "ui/reports/ReportCharts.h"
#include "ui/reports/ReportExport.h"
#include "ui/support/RequestIds.h"
#include "ui/support/YuanText.h"

#include <QButtonGroup>
#include <QChartView>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPrinter>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>

namespace qpos::ui {

namespace {

// Beyond this a table scrolls inside the page.
constexpr int kMaxTableRows = 12;

QString channelText(const QString& name) {
    const std::optional<Channel> channel = channelFromName(name);
    return channel ? channelLabel(*channel) : name;
}

QString dayText(int day) {
    return china_calendar::dateOfDayNumber(day).toString(Qt::ISODate);
}

QTableWidget* makeTable(const QStringList& headings, const char* name, QWidget* parent) {
    auto* table = new QTableWidget(0, int(headings.size()), parent);
    table->setObjectName(QString::fromLatin1(name));
    table->setHorizontalHeaderLabels(headings);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

// Columns firstNumber to lastNumber hold amounts or counts: aligned right.
void setRow(QTableWidget* table, int row, const QStringList& texts, int firstNumber,
            int lastNumber = 99) {
    for (int c = 0; c < texts.size(); ++c) {
        auto* item = new QTableWidgetItem(texts[c]);
        if (c >= firstNumber && c <= lastNumber)
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        table->setItem(row, c, item);
    }
}

// The page scrolls as a whole: a table is as tall as its rows, up to maxRows, so a manager
// never has to scroll a small table inside the page to find the third channel.
void fitToRows(QTableWidget* table, int maxRows) {
    const int rows = qMin(table->rowCount(), maxRows);
    const int rowHeight = table->verticalHeader()->defaultSectionSize();
    table->setFixedHeight(table->horizontalHeader()->sizeHint().height() + rows * rowHeight +
                          2 * table->frameWidth() +
                          table->horizontalScrollBar()->sizeHint().height());
}

QStringList figureTexts(const reports::Figures& f) {
    return {QString::number(f.saleCount), money::formatYuan(f.saleFen),
            QString::number(f.refundCount), money::formatYuan(f.refundFen),
            money::formatYuan(f.netFen())};
}

QLabel* figure(const QString& caption, const char* name, QGridLayout* grid, int column,
               QWidget* parent) {
    auto* title = new QLabel(caption, parent);
    auto* value = new QLabel(QStringLiteral("—"), parent);
    value->setObjectName(QString::fromLatin1(name));
    QFont big = value->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    value->setFont(big);
    grid->addWidget(title, 0, column);
    grid->addWidget(value, 1, column);
    return value;
}

} // namespace

ReportsWindow::ReportsWindow(service::PosService& till, const QString& shopName,
                             std::function<qint64()> clock, qint64 shiftId, QWidget* parent)
    : QDialog(parent)
    , m_till(till)
    , m_shopName(shopName)
    , m_clock(std::move(clock))
    , m_shiftId(shiftId)
    , m_printer(std::make_unique<QPrinter>(QPrinter::HighResolution)) {
    setWindowTitle(shiftId > 0 ? tr("X report") : tr("Reports"));
    setObjectName(QStringLiteral("reportsWindow"));
    resize(1100, 800);

    auto* outer = new QVBoxLayout(this);

    // The period: one button each, or two dates and Show.
    auto* periodRow = new QHBoxLayout;
    m_periods = new QButtonGroup(this);
    const struct {
        reports::PeriodKind kind;
        QString text;
        const char* name;
    } periods[] = {
        {reports::PeriodKind::Today, tr("Today"), "periodToday"},
        {reports::PeriodKind::Yesterday, tr("Yesterday"), "periodYesterday"},
        {reports::PeriodKind::ThisWeek, tr("This week"), "periodWeek"},
        {reports::PeriodKind::ThisMonth, tr("This month"), "periodMonth"},
    };
    for (const auto& p : periods) {
        auto* button = new QPushButton(p.text, this);
        button->setObjectName(QString::fromLatin1(p.name));
        button->setCheckable(true);
        button->setAutoDefault(false);
        m_periods->addButton(button, int(p.kind));
        periodRow->addWidget(button);
    }
    periodRow->addSpacing(16);
    const QDate today = china_calendar::dateOf(now());
    m_from = new QDateEdit(today, this);
    m_from->setObjectName(QStringLiteral("fromDate"));
    m_from->setCalendarPopup(true);
    m_from->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_to = new QDateEdit(today, this);
    m_to->setObjectName(QStringLiteral("toDate"));
    m_to->setCalendarPopup(true);
    m_to->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_custom = new QPushButton(tr("Show these dates"), this);
    m_custom->setObjectName(QStringLiteral("periodCustom"));
    m_custom->setCheckable(true);
    m_custom->setAutoDefault(false);
    m_periods->addButton(m_custom, int(reports::PeriodKind::Custom));
    periodRow->addWidget(new QLabel(tr("From"), this));
    periodRow->addWidget(m_from);
    periodRow->addWidget(new QLabel(tr("to"), this));
    periodRow->addWidget(m_to);
    periodRow->addWidget(m_custom);
    periodRow->addStretch(1);
    m_scope = new QComboBox(this);
    m_scope->setObjectName(QStringLiteral("reportScope"));
    m_scope->addItem(tr("This terminal"));
    m_scope->addItem(tr("Whole store"));
    m_scope->setVisible(false);
    periodRow->addWidget(m_scope);
    connect(m_scope, &QComboBox::currentIndexChanged, this, [this] { showPeriod(m_kind); });
    auto* periodBar = new QWidget(this);
    periodBar->setObjectName(QStringLiteral("periodBar"));
    periodRow->setContentsMargins(0, 0, 0, 0);
    periodBar->setLayout(periodRow);
    periodBar->setVisible(shiftId == 0); // a shift's X has no period to choose
    outer->addWidget(periodBar);
    connect(m_periods, &QButtonGroup::idClicked, this,
            [this](int id) { showPeriod(reports::PeriodKind(id)); });

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("reportStatus"));
    m_status->setWordWrap(true);
    outer->addWidget(m_status);

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    auto* page = new QWidget(scroll);
    auto* body = new QVBoxLayout(page);

    auto* figures = new QGridLayout;
    m_gross = figure(tr("Gross"), "grossValue", figures, 0, page);
    m_refunds = figure(tr("Refunded"), "refundsValue", figures, 1, page);
    m_net = figure(tr("Net"), "netValue", figures, 2, page);
    m_count = figure(tr("Sales"), "countValue", figures, 3, page);
    m_average = figure(tr("Average ticket"), "averageValue", figures, 4, page);
    body->addLayout(figures);

    m_charts = new QVBoxLayout;
    body->addLayout(m_charts);

    const QStringList figureHeads{tr("Sales"), tr("Gross"), tr("Refunds"), tr("Refunded"),
                                  tr("Net")};
    auto* tables = new QHBoxLayout;
    auto* left = new QVBoxLayout;
    left->addWidget(new QLabel(tr("By channel"), page));
    m_channels = makeTable(QStringList{tr("Channel")} + figureHeads, "channelTable", page);
    left->addWidget(m_channels);
    left->addStretch(); // both tables start under their headings, whatever their heights
    tables->addLayout(left);
    auto* right = new QVBoxLayout;
    right->addWidget(new QLabel(tr("By cashier"), page));
    m_cashiers = makeTable(QStringList{tr("Cashier")} + figureHeads, "cashierTable", page);
    right->addWidget(m_cashiers);
    right->addStretch();
    tables->addLayout(right);
    body->addLayout(tables);

    m_cashHeading = new QLabel(tr("Cash drawer"), page);
    body->addWidget(m_cashHeading);
    m_cash = makeTable({tr("Cash drawer"), tr("Amount")}, "cashTable", page);
    body->addWidget(m_cash);

    body->addWidget(new QLabel(tr("Refunds made"), page));
    m_refundList = makeTable({tr("Refunded at"), tr("Order"), tr("Channel"), tr("Amount"),
                              tr("Approved by"), tr("Reason")},
                             "refundTable", page);
    body->addWidget(m_refundList);
    scroll->setWidget(page);
    outer->addWidget(scroll, 1);

    auto* actions = new QHBoxLayout;
    m_csv = new QPushButton(tr("Export CSV…"), this);
    m_csv->setObjectName(QStringLiteral("exportCsv"));
    m_pdf = new QPushButton(tr("Export PDF…"), this);
    m_pdf->setObjectName(QStringLiteral("exportPdf"));
    m_print = new QPushButton(tr("Print…"), this);
    m_print->setObjectName(QStringLiteral("printReport"));
    m_thermal = new QPushButton(tr("Receipt printer"), this);
    m_thermal->setObjectName(QStringLiteral("printReportOnReceiptPrinter"));
    m_thermal->setToolTip(tr("Print the report on the till's receipt printer"));
    auto* close = new QPushButton(tr("Close"), this);
    close->setObjectName(QStringLiteral("closeReports"));
    for (QPushButton* b : {m_csv, m_pdf, m_print, m_thermal, close}) {
        b->setAutoDefault(false);
        actions->addWidget(b);
    }
    actions->insertStretch(4, 1);
    outer->addLayout(actions);
    connect(m_csv, &QPushButton::clicked, this, &ReportsWindow::chooseCsvFile);
    connect(m_pdf, &QPushButton::clicked, this, &ReportsWindow::choosePdfFile);
    connect(m_print, &QPushButton::clicked, this, &ReportsWindow::print);
    connect(m_thermal, &QPushButton::clicked, this, &ReportsWindow::printOnReceiptPrinter);
    connect(&m_till, &service::PosService::printFinished, this,
            [this](const QString& requestId, const service::PrintReply& reply) {
                if (m_printRequestId.isEmpty() || requestId != m_printRequestId)
                    return;
                m_printRequestId.clear();
                m_thermal->setEnabled(m_report.has_value());
                m_status->setText(reply.error.isEmpty()
                                      ? tr("The report was printed on the receipt printer.")
                                      : tr("The report was not printed: %1").arg(reply.error));
            });
    connect(close, &QPushButton::clicked, this, &QDialog::reject);

    connect(&m_till, &service::PosService::salesReportLoaded, this, &ReportsWindow::onLoaded);
    setBusy(false);
    for (QPushButton* b : {m_csv, m_pdf, m_print, m_thermal})
        b->setEnabled(false);
    if (shiftId > 0) {
        m_requestId = newRequestId();
        m_status->setText(tr("Counting…"));
        m_till.loadSalesReport(m_requestId, reports::ReportScope{0, 0, shiftId});
    } else {
        showPeriod(reports::PeriodKind::Today);
    }
}

ReportsWindow::~ReportsWindow() = default;

qint64 ReportsWindow::now() const {
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

void ReportsWindow::showPeriod(reports::PeriodKind kind) {
    m_periods->button(int(kind))->setChecked(true);
    const Result<reports::DayRange> range =
        resolvePeriod(kind, now(), m_from->date(), m_to->date());
    if (!range) {
        m_status->setText(range.error().message);
        return;
    }
    m_kind = kind;
    m_requestId = newRequestId();
    m_requestedWholeStore = m_scope->currentIndex() == 1;
    setBusy(true);
    const reports::ReportScope scope{range->fromDay, range->toDay, 0};
    if (m_requestedWholeStore) {
        m_status->setText(tr("Asking the store server…"));
        m_till.loadStoreSalesReport(m_requestId, scope);
    } else {
        m_status->setText(tr("Counting…"));
        m_till.loadSalesReport(m_requestId, scope);
    }
}

void ReportsWindow::offerWholeStore() {
    m_scope->setVisible(m_shiftId == 0);
}

void ReportsWindow::setBusy(bool busy) {
    for (QAbstractButton* b : m_periods->buttons())
        b->setEnabled(!busy);
    m_scope->setEnabled(!busy);
}

void ReportsWindow::onLoaded(const QString& requestId, const service::SalesReportReply& reply) {
    if (requestId != m_requestId)
        return;
    m_requestId.clear();
    setBusy(false);
    if (!reply.error.isEmpty()) {
        m_status->setText(reply.error);
        // The choice says what the screen still shows; choosing again asks again.
        const QSignalBlocker quiet(m_scope);
        m_scope->setCurrentIndex(m_wholeStore ? 1 : 0);
        emit reportShown();
        return;
    }
    m_wholeStore = m_requestedWholeStore;
    showReport(reply.report);
    if (m_wholeStore)
        m_status->setText(
            tr("Whole store, every till, from the store server. %1").arg(m_status->text()));
    emit reportShown();
}

void ReportsWindow::showReport(const reports::SalesReport& r) {
    m_report = r;
    if (m_shiftId > 0 && r.total == reports::Figures{})
        m_status->setText(tr("Nothing sold or refunded in this shift yet."));
    else
        m_status->setText(
            r.fromDay == r.toDay
                ? tr("Business day %1.").arg(dayText(r.fromDay))
                : tr("Business days %1 to %2.").arg(dayText(r.fromDay), dayText(r.toDay)));
    m_gross->setText(yuanText(r.total.saleFen));
    m_refunds->setText(yuanText(r.total.refundFen));
    m_net->setText(yuanText(r.total.netFen()));
    m_count->setText(QString::number(r.total.saleCount));
    m_average->setText(yuanText(r.averageTicketFen()));

    delete m_hourChart;
    delete m_dayChart;
    m_hourChart = makeHourChart(r, this);
    m_dayChart = makeDayChart(r, this);
    m_charts->addWidget(m_hourChart);
    m_charts->addWidget(m_dayChart);

    m_channels->setRowCount(int(r.channels.size()));
    for (int i = 0; i < r.channels.size(); ++i)
        setRow(m_channels, i,
               QStringList{channelText(r.channels[i].channel)} + figureTexts(r.channels[i].figures),
               1);
    m_cashiers->setRowCount(int(r.cashiers.size()));
    for (int i = 0; i < r.cashiers.size(); ++i) {
        const reports::CashierFigures& c = r.cashiers[i];
        setRow(m_cashiers, i, QStringList{reports::cashierLabel(c)} + figureTexts(c.figures), 1);
    }
    fitToRows(m_channels, kMaxTableRows);
    fitToRows(m_cashiers, kMaxTableRows);
    // The drawer's figures come from the report function like every other figure.
    const QList<reports::CashLine> cash = reports::cashLines(r.cash);
    m_cash->setRowCount(int(cash.size()));
    for (int i = 0; i < cash.size(); ++i)
        setRow(m_cash, i, {cash[i].label, cash[i].value}, 1, 1);
    fitToRows(m_cash, kMaxTableRows);
    m_cash->setVisible(!r.cash.isEmpty());
    m_cashHeading->setVisible(!r.cash.isEmpty());
    m_refundList->setRowCount(int(r.refunds.size()));
    for (int i = 0; i < r.refunds.size(); ++i) {
        const reports::RefundLine& l = r.refunds[i];
        setRow(m_refundList, i,
               {china_calendar::formatTimestamp(l.atMs), l.outTradeNo, channelText(l.channel),
                money::formatYuan(l.amountFen), l.approvedBy, l.reason},
               3, 3);
    }
    fitToRows(m_refundList, kMaxTableRows);
    for (QPushButton* b : {m_csv, m_pdf, m_print, m_thermal})
        b->setEnabled(true);
}

QString ReportsWindow::title() const {
    if (m_shiftId > 0)
        return tr("X report — shift %1 (running totals)").arg(m_shiftId);
    return m_wholeStore ? tr("Sales report — whole store (every till)") : tr("Sales report");
}

QString ReportsWindow::subtitle() const {
    if (!m_report)
        return QString();
    const QString period =
        m_report->fromDay == m_report->toDay
            ? dayText(m_report->fromDay)
            : tr("%1 to %2").arg(dayText(m_report->fromDay), dayText(m_report->toDay));
    return tr("%1 — %2 — made %3 (China time)")
        .arg(m_shopName, period, china_calendar::formatTimestamp(now()));
}

QString ReportsWindow::fileStem() const {
    return m_shiftId > 0 ? QStringLiteral("qpos-x-shift-%1").arg(m_shiftId)
                         : QStringLiteral("qpos-report-%1%2-%3")
                               .arg(m_wholeStore ? QStringLiteral("store-") : QString())
                               .arg(m_report->fromDay)
                               .arg(m_report->toDay);
}

void ReportsWindow::chooseCsvFile() {
    if (m_report)
        report_export::saveCsv(this, *m_report, title(), subtitle(), fileStem(),
                               [this](const QString& message) { m_status->setText(message); });
}

void ReportsWindow::choosePdfFile() {
    if (m_report)
        report_export::savePdf(this, *m_report, title(), subtitle(), fileStem(),
                               [this](const QString& message) { m_status->setText(message); });
}

void ReportsWindow::print() {
    if (m_report)
        report_export::print(this, *m_printer, *m_report, title(), subtitle(),
                             [this](const QString& message) { m_status->setText(message); });
}

void ReportsWindow::printOnReceiptPrinter() {
    if (!m_report || !m_printRequestId.isEmpty())
        return;
    m_printRequestId = newRequestId();
    m_thermal->setEnabled(false);
    m_status->setText(tr("Printing on the receipt printer…"));
    // The figures shown, as the report function returned them: the slip cannot differ.
    m_till.printSalesReport(m_printRequestId, *m_report, title(), subtitle());
}

} // namespace qpos::ui
