#pragma once

#include "core/reports/ReportPeriod.h"
#include "core/reports/SalesReport.h"
#include "core/service/PosService.h"

#include <QDialog>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

class QButtonGroup;
class QComboBox;
class QDateEdit;
class QLabel;
class QPrinter;
class QPushButton;
class QTableWidget;
class QVBoxLayout;

namespace qpos::ui {

// The manager's reports (docs/reports.md): a period (today, yesterday, this week, this
// month, or two China dates), its figures, a bar chart by hour and a line chart by day,
// totals by channel and by cashier, the refunds with who approved them and why; export to
// CSV and PDF and print. The figures are computed on the till's worker by the one report
// function (PosService::loadSalesReport); the window only shows them. On an enrolled till the
// same report can cover every till of the store, computed by the store server with the same
// report code (PosService::loadStoreSalesReport). The same window is a shift's X report.
class ReportsWindow : public QDialog {
    Q_OBJECT

public:
    // `clock` gives UTC ms (the system clock when empty): it decides what "today" is. With a
    // `shiftId` the window is that shift's X report: its running totals, no period to choose.
    ReportsWindow(service::PosService& till, const QString& shopName,
                  std::function<qint64()> clock = {}, qint64 shiftId = 0,
                  QWidget* parent = nullptr);
    ~ReportsWindow() override;

    // An enrolled till: offers "This terminal" or "Whole store" (every till's sales, from the
    // store server); not for a shift's X report.
    void offerWholeStore();
    // Whether the report on the screen is the whole store's.
    bool showsWholeStore() const { return m_wholeStore; }

    // The report on the screen, once one arrived.
    const std::optional<reports::SalesReport>& report() const { return m_report; }
    // Where Print… prints; a test points it at a file.
    QPrinter& printer() { return *m_printer; }

public slots:
    void showPeriod(reports::PeriodKind kind);

signals:
    // A report arrived and is on the screen, or its error is.
    void reportShown();

private:
    void onLoaded(const QString& requestId, const service::SalesReportReply& reply);
    void showReport(const reports::SalesReport& report);
    void setBusy(bool busy);
    void chooseCsvFile();
    void choosePdfFile();
    void print();
    void printOnReceiptPrinter();
    QString title() const;
    QString fileStem() const;
    QString subtitle() const;
    qint64 now() const;

    service::PosService& m_till;
    QString m_shopName;
    std::function<qint64()> m_clock;
    qint64 m_shiftId = 0;
    reports::PeriodKind m_kind = reports::PeriodKind::Today;
    QString m_requestId;
    bool m_requestedWholeStore = false;
    bool m_wholeStore = false;
    std::optional<reports::SalesReport> m_report;
    std::unique_ptr<QPrinter> m_printer;

    QButtonGroup* m_periods = nullptr;
    QComboBox* m_scope = nullptr; // this terminal or the whole store
    QDateEdit* m_from = nullptr;
    QDateEdit* m_to = nullptr;
    QPushButton* m_custom = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_gross = nullptr;
    QLabel* m_refunds = nullptr;
    QLabel* m_net = nullptr;
    QLabel* m_count = nullptr;
    QLabel* m_average = nullptr;
    QVBoxLayout* m_charts = nullptr;
    QWidget* m_hourChart = nullptr;
    QWidget* m_dayChart = nullptr;
    QTableWidget* m_channels = nullptr;
    QTableWidget* m_cashiers = nullptr;
    QTableWidget* m_refundList = nullptr;
    QLabel* m_cashHeading = nullptr;
    QTableWidget* m_cash = nullptr; // the drawer: float, cash sales and refunds, the count
    QPushButton* m_csv = nullptr;
    QPushButton* m_pdf = nullptr;
    QPushButton* m_print = nullptr;
    QPushButton* m_thermal = nullptr;
    QString m_printRequestId;
};

} // namespace qpos::ui
