#include "ui/reports/ReportExport.h"

#include "core/reports/ReportCsv.h"
#include "ui/reports/ReportDocument.h"

#include <QCoreApplication>
#include <QFileDialog>
#include <QPrintDialog>
#include <QPrinter>
#include <QSaveFile>

namespace qpos::ui::report_export {

namespace {

QFileDialog* saveDialog(QWidget* parent, const QString& caption, const char* name,
                        const QString& suffix, const QString& filter, const QString& file) {
    auto* dialog = new QFileDialog(parent, caption);
    dialog->setObjectName(QString::fromLatin1(name));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setOption(QFileDialog::DontUseNativeDialog);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(suffix);
    dialog->setNameFilter(filter);
    dialog->selectFile(file);
    return dialog;
}

QString saved(const QString& path) {
    return QCoreApplication::translate("qpos::ui::ReportExport", "Saved %1.").arg(path);
}

} // namespace

void saveCsv(QWidget* parent, const reports::SalesReport& report, const QString& title,
             const QString& subtitle, const QString& fileStem, Done done) {
    QFileDialog* dialog = saveDialog(
        parent, QCoreApplication::translate("qpos::ui::ReportExport", "Export the report as CSV"),
        "csvFileDialog", QStringLiteral("csv"),
        QCoreApplication::translate("qpos::ui::ReportExport", "CSV files (*.csv)"),
        fileStem + QStringLiteral(".csv"));
    QObject::connect(
        dialog, &QFileDialog::fileSelected, parent,
        [report, title, subtitle, done](const QString& path) {
            QSaveFile file(path);
            const QByteArray bytes = reports::salesReportCsv(report, title + u' ' + subtitle);
            if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() ||
                !file.commit()) {
                done(QCoreApplication::translate("qpos::ui::ReportExport",
                                                 "Cannot write %1: %2. Choose another folder.")
                         .arg(path, file.errorString()));
                return;
            }
            done(saved(path));
        });
    dialog->open();
}

void savePdf(QWidget* parent, const reports::SalesReport& report, const QString& title,
             const QString& subtitle, const QString& fileStem, Done done) {
    QFileDialog* dialog = saveDialog(
        parent, QCoreApplication::translate("qpos::ui::ReportExport", "Export the report as PDF"),
        "pdfFileDialog", QStringLiteral("pdf"),
        QCoreApplication::translate("qpos::ui::ReportExport", "PDF files (*.pdf)"),
        fileStem + QStringLiteral(".pdf"));
    QObject::connect(dialog, &QFileDialog::fileSelected, parent,
                     [report, title, subtitle, done](const QString& path) {
                         const Status s = ReportDocument(report, title, subtitle).writePdf(path);
                         done(s.ok() ? saved(path) : s.error().message);
                     });
    dialog->open();
}

void print(QWidget* parent, QPrinter& printer, const reports::SalesReport& report,
           const QString& title, const QString& subtitle, Done done) {
    auto* dialog = new QPrintDialog(&printer, parent);
    dialog->setObjectName(QStringLiteral("printDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QPrinter* target = &printer;
    QObject::connect(dialog, &QDialog::accepted, parent, [target, report, title, subtitle, done] {
        ReportDocument(report, title, subtitle).paint(*target);
        done(QCoreApplication::translate("qpos::ui::ReportExport", "Sent to the printer."));
    });
    dialog->open();
}

} // namespace qpos::ui::report_export
