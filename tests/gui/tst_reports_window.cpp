// The reports window on a real till (the Alipay sandbox on loopback): the period buttons,
// the figures and charts shown, export to CSV and PDF and printing through the real
// buttons and dialogs; a shift's X report; the Z report dialog.

#include "core/calendar/ChinaCalendar.h"
#include "tests/gui/TillFixture.h"
#include "tests/support/CrossThreadSignalSpy.h"
#include "tests/support/TempDir.h"
#include "tests/support/WaitUntil.h"
#include "ui/reports/ReportsWindow.h"
#include "ui/reports/ZReportDialog.h"

#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QDateEdit>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLineSeries>
#include <QListWidget>
#include <QPrintDialog>
#include <QPrinter>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace qpos;

namespace {

QString text(QWidget& window, const char* name) {
    auto* label = window.findChild<QLabel*>(QString::fromLatin1(name));
    return label ? label->text() : QStringLiteral("<no %1>").arg(QString::fromLatin1(name));
}

// Clicks the button and waits until the window showed the answer.
bool press(ui::ReportsWindow& window, const char* button) {
    QSignalSpy shown(&window, &ui::ReportsWindow::reportShown);
    auto* b = window.findChild<QPushButton*>(QString::fromLatin1(button));
    // The window asks for today's report when it opens; the buttons wait for the answer.
    if (!b || !test::waitUntil([b] { return b->isEnabled(); }))
        return false;
    QTest::mouseClick(b, Qt::LeftButton);
    return shown.wait(10000);
}

// The file dialog a button opened, told to save to `path`.
bool saveThrough(QWidget& window, const char* dialogName, const QString& path) {
    QFileDialog* dialog = nullptr;
    if (!test::waitUntil([&] {
            dialog = window.findChild<QFileDialog*>(QString::fromLatin1(dialogName));
            return dialog && dialog->isVisible();
        }))
        return false;
    dialog->selectFile(path);
    static_cast<QDialog*>(dialog)->accept(); // as the Save button does
    return true;
}

} // namespace

class TestReportsWindow : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(m_fixture.start()); }

    void todayShowsWhatWasSoldAndRefunded() {
        const std::optional<Order> tea = m_fixture.paidOrder(1000);
        const std::optional<Order> cake = m_fixture.paidOrder(2550);
        QVERIFY(tea && cake);
        test::CrossThreadSignalSpy refunded(&m_fixture.till(),
                                            &service::PosService::refundFinished);
        m_fixture.till().refund(checkout::RefundCommand{QStringLiteral("r1"), cake->outTradeNo, 550,
                                                        QStringLiteral("碎了 broken"),
                                                        test::TillFixture::kManagerId});
        QVERIFY(refunded.wait(10000));
        QVERIFY(refunded.first().first().value<checkout::RefundReport>().ok);

        ui::ReportsWindow window(m_fixture.till(), QStringLiteral("小店 Shop"));
        window.show();
        QVERIFY(press(window, "periodToday"));
        QCOMPARE(text(window, "grossValue"), QStringLiteral("¥ 35.50"));
        QCOMPARE(text(window, "refundsValue"), QStringLiteral("¥ 5.50"));
        QCOMPARE(text(window, "netValue"), QStringLiteral("¥ 30.00"));
        QCOMPARE(text(window, "countValue"), QStringLiteral("2"));
        QCOMPARE(text(window, "averageValue"), QStringLiteral("¥ 17.75"));

        auto* channels = window.findChild<QTableWidget*>(QStringLiteral("channelTable"));
        QCOMPARE(channels->rowCount(), 2);
        QCOMPARE(channels->item(0, 2)->text(), QStringLiteral("35.50")); // Alipay gross
        auto* refunds = window.findChild<QTableWidget*>(QStringLiteral("refundTable"));
        QCOMPARE(refunds->rowCount(), 1);
        QCOMPARE(refunds->item(0, 1)->text(), cake->outTradeNo);
        QCOMPARE(refunds->item(0, 3)->text(), QStringLiteral("5.50"));
        QCOMPARE(refunds->item(0, 4)->text(), test::TillFixture::kManagerId);
        QCOMPARE(refunds->item(0, 5)->text(), QStringLiteral("碎了 broken"));

        // The bar of this hour holds the day's gross; the line has one point, the net.
        auto* hourChart = window.findChild<QChartView*>(QStringLiteral("hourChart"));
        QVERIFY(hourChart);
        auto* bars = qobject_cast<QBarSeries*>(hourChart->chart()->series().first());
        const int hour = china_calendar::hourOf(QDateTime::currentMSecsSinceEpoch());
        double sum = 0;
        for (int h = 0; h < 24; ++h)
            sum += bars->barSets().first()->at(h);
        QCOMPARE(sum, 35.5);
        QVERIFY(bars->barSets().first()->at(hour) > 0 ||
                bars->barSets().first()->at((hour + 23) % 24) > 0); // the hour may have turned
        auto* dayChart = window.findChild<QChartView*>(QStringLiteral("dayChart"));
        auto* line = qobject_cast<QLineSeries*>(dayChart->chart()->series().first());
        QCOMPARE(line->count(), 1);
        QCOMPARE(line->at(0).y(), 30.0);

        QVERIFY(press(window, "periodYesterday"));
        QCOMPARE(text(window, "grossValue"), QStringLiteral("¥ 0.00"));
        QCOMPARE(text(window, "averageValue"), QStringLiteral("¥ 0.00"));
        QVERIFY(press(window, "periodWeek"));
        QCOMPARE(text(window, "grossValue"), QStringLiteral("¥ 35.50"));
        QVERIFY(press(window, "periodMonth"));
        QCOMPARE(text(window, "netValue"), QStringLiteral("¥ 30.00"));
    }

    void aBadCustomRangeSaysWhatToDoAndKeepsTheFigures() {
        ui::ReportsWindow window(m_fixture.till(), QStringLiteral("Shop"));
        window.show();
        QVERIFY(press(window, "periodToday"));
        const QString gross = text(window, "grossValue");
        const QDate today = china_calendar::dateOf(QDateTime::currentMSecsSinceEpoch());
        window.findChild<QDateEdit*>(QStringLiteral("fromDate"))->setDate(today);
        window.findChild<QDateEdit*>(QStringLiteral("toDate"))->setDate(today.addDays(-3));
        QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("periodCustom")),
                          Qt::LeftButton);
        QVERIFY(text(window, "reportStatus").contains(QStringLiteral("swap")));
        QCOMPARE(text(window, "grossValue"), gross);

        window.findChild<QDateEdit*>(QStringLiteral("fromDate"))->setDate(today.addDays(-3));
        window.findChild<QDateEdit*>(QStringLiteral("toDate"))->setDate(today);
        QVERIFY(press(window, "periodCustom"));
        QCOMPARE(window.report()->days.size(), 4);
        QCOMPARE(text(window, "grossValue"), gross);
    }

    void exportsAndPrintsThroughTheirButtons() {
        ui::ReportsWindow window(m_fixture.till(), QStringLiteral("小店 Shop"));
        window.show();
        QVERIFY(press(window, "periodToday"));
        test::TempDir dir;

        const QString csvPath = dir.file(QStringLiteral("report.csv"));
        QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("exportCsv")),
                          Qt::LeftButton);
        QVERIFY(saveThrough(window, "csvFileDialog", csvPath));
        QVERIFY(test::waitUntil([&] { return QFile::exists(csvPath); }));
        QFile csv(csvPath);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QByteArray bytes = csv.readAll();
        QVERIFY(bytes.startsWith("\xEF\xBB\xBF"));
        QVERIFY(bytes.contains(QStringLiteral("碎了 broken").toUtf8()));
        QVERIFY(bytes.contains("\"35.50\",\"5.50\",\"30.00\",\"2\",\"17.75\",\"1\""));
        QVERIFY(text(window, "reportStatus").contains(csvPath));

        const QString pdfPath = dir.file(QStringLiteral("report.pdf"));
        QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("exportPdf")),
                          Qt::LeftButton);
        QVERIFY(saveThrough(window, "pdfFileDialog", pdfPath));
        QFile pdf(pdfPath);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        const QByteArray pdfBytes = pdf.readAll();
        QVERIFY(pdfBytes.startsWith("%PDF"));
        QVERIFY2(pdfBytes.contains("NotoSansCJK"), "the CJK font is embedded");

        // A PDF export into a folder that does not exist says so.
        const QString nowhere = dir.file(QStringLiteral("missing/report.pdf"));
        QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("exportPdf")),
                          Qt::LeftButton);
        QVERIFY(saveThrough(window, "pdfFileDialog", nowhere));
        QVERIFY(!QFile::exists(nowhere));

        const QString printed = dir.file(QStringLiteral("printed.pdf"));
        window.printer().setOutputFormat(QPrinter::PdfFormat);
        window.printer().setOutputFileName(printed);
        QTest::mouseClick(window.findChild<QPushButton*>(QStringLiteral("printReport")),
                          Qt::LeftButton);
        QPrintDialog* dialog = nullptr;
        QVERIFY(test::waitUntil([&] {
            dialog = window.findChild<QPrintDialog*>(QStringLiteral("printDialog"));
            return dialog && dialog->isVisible();
        }));
        static_cast<QDialog*>(dialog)->accept();
        QVERIFY(test::waitUntil([&] { return QFileInfo(printed).size() > 0; }));
        QCOMPARE(text(window, "reportStatus"), QStringLiteral("Sent to the printer."));
    }

    void aShiftsXReportShowsOnlyThatShift() {
        test::CrossThreadSignalSpy changed(&m_fixture.till(), &service::PosService::shiftChanged);
        m_fixture.till().openShift(QStringLiteral("s1"), test::TillFixture::kCashierId,
                                   std::nullopt);
        QVERIFY(changed.wait(10000));
        const auto opened = changed.takeFirst().at(1).value<service::ShiftReply>();
        QVERIFY2(opened.error.isEmpty(), qPrintable(opened.error));
        QVERIFY(m_fixture.paidOrder(420));

        ui::ReportsWindow x(m_fixture.till(), QStringLiteral("Shop"), {}, opened.shift.id);
        QSignalSpy shown(&x, &ui::ReportsWindow::reportShown);
        x.show();
        QVERIFY(shown.wait(10000));
        QVERIFY(!x.findChild<QWidget*>(QStringLiteral("periodBar"))->isVisible());
        QCOMPARE(text(x, "grossValue"), QStringLiteral("¥ 4.20"));
        QCOMPARE(text(x, "countValue"), QStringLiteral("1"));

        m_fixture.till().closeShift(QStringLiteral("s2"), opened.shift.id,
                                    test::TillFixture::kCashierId);
        QVERIFY(changed.wait(10000));
        QVERIFY(!changed.takeFirst().at(1).value<service::ShiftReply>().shift.isOpen());
    }

    void zWarnsThenClosesTheDayOnceAndReprints() {
        // An order left waiting is a warning.
        const std::optional<Order> waiting = m_fixture.waitingOrder(300);
        QVERIFY(waiting);
        ui::ZReportDialog dialog(m_fixture.till(), QStringLiteral("小店"),
                                 test::TillFixture::kManagerId);
        QSignalSpy updated(&dialog, &ui::ZReportDialog::updated);
        dialog.show();
        QVERIFY(updated.wait(10000));
        QVERIFY(text(dialog, "zWarnings").contains(QStringLiteral("still open")));
        auto* despite = dialog.findChild<QCheckBox*>(QStringLiteral("despiteWarnings"));
        QVERIFY(despite->isVisible());
        auto* take = dialog.findChild<QPushButton*>(QStringLiteral("takeZ"));

        QTest::mouseClick(take, Qt::LeftButton); // not confirmed: refused
        QVERIFY(updated.wait(10000));
        QVERIFY(text(dialog, "zStatus").contains(QStringLiteral("take the Z anyway")));
        QVERIFY(dialog.zReports().isEmpty());

        despite->setChecked(true);
        QTest::mouseClick(take, Qt::LeftButton);
        QVERIFY(updated.wait(10000));
        QCOMPARE(dialog.zReports().size(), 1);
        QCOMPARE(dialog.zReports().first().seq, 1);
        QCOMPARE(dialog.zReports().first().snapshot.total.saleFen, 1000 + 2550 + 420);
        QVERIFY(text(dialog, "zStatus").contains(QStringLiteral("No. 1 taken")));
        QCOMPARE(dialog.findChild<QListWidget*>(QStringLiteral("zList"))->count(), 1);

        // The same day cannot be closed again: the button is off, and says why.
        QVERIFY(!take->isEnabled());
        QVERIFY(!despite->isVisible());
        QVERIFY(text(dialog, "zWarnings").contains(QStringLiteral("taken tomorrow")));
        QTest::mouseClick(take, Qt::LeftButton);
        QVERIFY(!updated.wait(300));
        QCOMPARE(dialog.zReports().size(), 1);
        {
            ui::ZReportDialog reopened(m_fixture.till(), QStringLiteral("小店"),
                                       test::TillFixture::kManagerId);
            QSignalSpy loaded(&reopened, &ui::ZReportDialog::updated);
            reopened.show();
            QVERIFY(loaded.wait(10000));
            QVERIFY(!reopened.findChild<QPushButton*>(QStringLiteral("takeZ"))->isEnabled());
            QCOMPARE(reopened.zReports().size(), 1);
        }

        // Reprint the frozen snapshot.
        dialog.findChild<QListWidget*>(QStringLiteral("zList"))->setCurrentRow(0);
        test::TempDir dir;
        const QString pdfPath = dir.file(QStringLiteral("z1.pdf"));
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("exportZPdf")),
                          Qt::LeftButton);
        QVERIFY(saveThrough(dialog, "pdfFileDialog", pdfPath));
        QVERIFY(QFileInfo(pdfPath).size() > 0);
    }

private:
    test::TillFixture m_fixture;
};

QTEST_MAIN(TestReportsWindow)
#include "tst_reports_window.moc"
