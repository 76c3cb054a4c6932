#pragma once

#include "core/reports/ZReportBook.h"
#include "core/service/PosService.h"

#include <QDialog>
#include <QList>
#include <QString>

#include <memory>

class QCheckBox;
class QLabel;
class QListWidget;
class QPrinter;
class QPushButton;

namespace qpos::ui {

// Closing the business day (docs/reports.md, "Z report"), opened after a manager's PIN. It
// shows the business day and what the Z warns about (payments still open, changes not
// uploaded), takes the Z only when the manager confirmed the warnings, and lists every Z
// taken, each reprintable and exportable from its frozen snapshot.
class ZReportDialog : public QDialog {
    Q_OBJECT

public:
    // `manager` is the staff id of the manager who approved opening the dialog.
    ZReportDialog(service::PosService& till, const QString& shopName, const QString& manager,
                  QWidget* parent = nullptr);
    ~ZReportDialog() override;

    const QList<reports::ZReport>& zReports() const { return m_zReports; }
    QPrinter& printer() { return *m_printer; }

signals:
    // An answer from the till arrived and is shown.
    void updated();

private:
    void onReports(const QString& requestId, const service::ZReportsReply& reply);
    void take();
    const reports::ZReport* selected() const;
    QString title(const reports::ZReport& z) const;
    QString subtitle(const reports::ZReport& z) const;

    service::PosService& m_till;
    QString m_shopName;
    QString m_manager;
    QString m_requestId;
    bool m_taking = false; // the answer awaited is a Z being taken
    QList<reports::ZReport> m_zReports;
    std::unique_ptr<QPrinter> m_printer;

    QLabel* m_day = nullptr;
    QLabel* m_warnings = nullptr;
    QCheckBox* m_despite = nullptr;
    QPushButton* m_take = nullptr;
    QLabel* m_status = nullptr;
    QListWidget* m_list = nullptr;
    QPushButton* m_reprint = nullptr;
    QPushButton* m_pdf = nullptr;
    QPushButton* m_thermal = nullptr;
    QString m_printRequestId;
};

} // namespace qpos::ui
