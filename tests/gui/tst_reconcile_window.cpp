// The manager's reconciliation window over a database seeded through SqliteBatchStore: the
// batches of the last seven China days with both sides' figures, the warning for an overdue
// bill, a batch's differences, marking one handled by pressing the button and typing a note
// (and a missing note refused), the batch exported as CSV through the file dialog, and a day
// without a bill shown with its figures and differences.

#include "core/calendar/ChinaCalendar.h"
#include "core/reconcile/SqliteBatchStore.h"
#include "tests/reconcile/BatchSamples.h"
#include "tests/support/TempDir.h"
#include "tests/support/WaitUntil.h"
#include "ui/reconcile/ReconcileWindow.h"

#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QInputDialog>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace qpos;
using namespace qpos::reconcile;

namespace {

const QString kTea = QStringLiteral("S001_T01_20261120_00000001");
const QString kCake = QStringLiteral("S001_T01_20261120_00000002");
const QString kOverdueMessage =
    QStringLiteral("WeChat Pay has not made the bill yet; ask its support.");

// 10:00 on 2026-11-23, China time: the default days are the 16th to the 22nd.
qint64 nowMs() {
    return china_calendar::dayStartMs(QDate(2026, 11, 23)) + 10 * 3600 * 1000LL;
}

QString cellText(QTableWidget* table, int row, int column) {
    QTableWidgetItem* item = table->item(row, column);
    return item ? item->text() : QString();
}

int rowOf(QTableWidget* table, int column, const QString& text) {
    for (int row = 0; row < table->rowCount(); ++row) {
        if (cellText(table, row, column) == text)
            return row;
    }
    return -1;
}

template <typename T>
T* child(QWidget& parent, const char* name) {
    return parent.findChild<T*>(QString::fromLatin1(name));
}

} // namespace

class TestReconcileWindow : public QObject {
    Q_OBJECT

    test::TempDir m_dir;
    QString m_path;

    // Presses Mark handled… and types `note` into the prompt, then OK.
    bool markHandled(ui::ReconcileWindow& window, const QString& note) {
        auto* button = child<QPushButton>(window, "markHandled");
        if (!button || !button->isEnabled())
            return false;
        QTest::mouseClick(button, Qt::LeftButton);
        QInputDialog* prompt = nullptr;
        if (!test::waitUntil([&] {
                prompt = child<QInputDialog>(window, "handledNoteDialog");
                return prompt && prompt->isVisible();
            }))
            return false;
        auto* edit = prompt->findChild<QPlainTextEdit*>();
        auto* buttons = prompt->findChild<QDialogButtonBox*>();
        if (!edit || !buttons)
            return false;
        QTest::keyClicks(edit, note);
        QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
        return true;
    }

private slots:
    void initTestCase() {
        m_path = m_dir.file(QStringLiteral("orders.db"));
        SqliteBatchStore store;
        QVERIFY(store.open(m_path).ok());
        const QDate day(2026, 11, 20);
        QVERIFY(
            store
                .saveCompleted(test::sampleRun(day,
                                               {test::sampleItem(DifferenceClass::LocalOnly, kTea),
                                                test::sampleItem(DifferenceClass::Amount, kCake)},
                                               nowMs() - 86400000LL))
                .ok());
        QVERIFY(store
                    .saveIncomplete(test::sampleScope(Channel::WeChat), QDate(2026, 11, 21),
                                    BatchState::Overdue, kOverdueMessage, nowMs() - 3600000)
                    .ok());
        // Outside the default days: not shown.
        QVERIFY(store.saveCompleted(test::sampleRun(QDate(2026, 11, 10), {}, nowMs())).ok());
    }

    void showsTheLastSevenDaysAndWarnsOfTheOverdueBill() {
        ui::ReconcileWindow window(m_path, QStringLiteral("M01"), nowMs);
        QSignalSpy items(&window, &ui::ReconcileWindow::itemsShown);
        window.show();
        QVERIFY(items.wait(test::kUiWaitMs)); // batches read, then the newest one's items

        QCOMPARE(child<QDateEdit>(window, "fromDate")->date(), QDate(2026, 11, 16));
        QCOMPARE(child<QDateEdit>(window, "toDate")->date(), QDate(2026, 11, 22));
        auto* batches = child<QTableWidget>(window, "batchTable");
        QCOMPARE(batches->rowCount(), 2);
        // Newest day first: the overdue WeChat Pay bill, then Alipay's matched one.
        QCOMPARE(cellText(batches, 0, 0), QStringLiteral("2026-11-21"));
        QCOMPARE(cellText(batches, 0, 1), channelLabel(Channel::WeChat));
        QCOMPARE(cellText(batches, 0, 2), batchStateLabel(BatchState::Overdue));
        QCOMPARE(cellText(batches, 0, 12), kOverdueMessage);
        QCOMPARE(batches->item(0, 2)->toolTip(), kOverdueMessage);
        QCOMPARE(batches->item(1, 2)->toolTip(), QString());
        QCOMPARE(cellText(batches, 1, 0), QStringLiteral("2026-11-20"));
        QCOMPARE(cellText(batches, 1, 2), batchStateLabel(BatchState::Complete));
        QCOMPARE(cellText(batches, 1, 3), QStringLiteral("10"));
        QCOMPARE(cellText(batches, 1, 4), QStringLiteral("120.50"));
        QCOMPARE(cellText(batches, 1, 6), QStringLiteral("3.00"));
        QCOMPARE(cellText(batches, 1, 8), QStringLiteral("120.00"));
        QCOMPARE(cellText(batches, 1, 11), QStringLiteral("-0.74040"));
        QCOMPARE(cellText(batches, 1, 12), QStringLiteral("2 of 2"));

        auto* warning = child<QLabel>(window, "reconcileWarning");
        QVERIFY(warning->isVisible());
        QVERIFY2(warning->text().contains(QStringLiteral("2026-11-21")),
                 qPrintable(warning->text()));
        QVERIFY(warning->text().contains(batchStateLabel(BatchState::Overdue)));
        QVERIFY(warning->text().contains(kOverdueMessage));
        QVERIFY(!warning->text().contains(QStringLiteral("2026-11-20")));

        // The overdue day has no differences; nothing to mark.
        QCOMPARE(child<QTableWidget>(window, "itemTable")->rowCount(), 0);
        QVERIFY(!child<QPushButton>(window, "markHandled")->isEnabled());
    }

    void marksADifferenceHandledWithTheManagersNote() {
        ui::ReconcileWindow window(m_path, QStringLiteral("M01"), nowMs);
        QSignalSpy items(&window, &ui::ReconcileWindow::itemsShown);
        window.show();
        QVERIFY(items.wait(test::kUiWaitMs));
        auto* batches = child<QTableWidget>(window, "batchTable");
        batches->selectRow(1);
        QVERIFY(items.wait(test::kUiWaitMs));

        auto* table = child<QTableWidget>(window, "itemTable");
        QCOMPARE(table->rowCount(), 2);
        const int cake = rowOf(table, 1, kCake);
        QVERIFY(cake >= 0);
        QCOMPARE(cellText(table, cake, 0), differenceClassLabel(DifferenceClass::Amount));
        QCOMPARE(cellText(table, cake, 3), QStringLiteral("paid 12.00"));
        QCOMPARE(cellText(table, cake, 4), QStringLiteral("交易 12.50"));
        QCOMPARE(cellText(table, cake, 6), itemResolutionLabel(ItemResolution::Open));
        QVERIFY(child<QLabel>(window, "itemsHeading")->text().contains(QStringLiteral("2 open")));

        // No note: refused, said why, nothing changed.
        table->selectRow(cake);
        items.clear();
        QVERIFY(markHandled(window, QString()));
        QVERIFY(items.wait(test::kUiWaitMs));
        auto* status = child<QLabel>(window, "reconcileStatus");
        QVERIFY2(status->text().contains(QStringLiteral("Write a note")),
                 qPrintable(status->text()));
        QCOMPARE(cellText(table, rowOf(table, 1, kCake), 6),
                 itemResolutionLabel(ItemResolution::Open));

        // The same difference is still chosen after the reload.
        QVERIFY(child<QPushButton>(window, "markHandled")->isEnabled());
        items.clear();
        QVERIFY(markHandled(window, QStringLiteral("Refunded 0.50 to the buyer")));
        QVERIFY(items.wait(test::kUiWaitMs));
        QVERIFY2(status->text().contains(QStringLiteral("marked handled")),
                 qPrintable(status->text()));
        const QString settledText = cellText(table, rowOf(table, 1, kCake), 6);
        QVERIFY2(settledText.contains(QStringLiteral("Refunded 0.50 to the buyer")),
                 qPrintable(settledText));
        QVERIFY(settledText.contains(QStringLiteral("M01")));
        QVERIFY(!child<QPushButton>(window, "markHandled")->isEnabled());
        QCOMPARE(cellText(batches, 1, 12), QStringLiteral("1 of 2"));

        // As stored, by the manager who unlocked the window.
        SqliteBatchStore store;
        QVERIFY(store.open(m_path).ok());
        const qint64 batchId = window.batches().at(1).id;
        const QList<StoredItem> stored = *store.items(batchId);
        const StoredItem handled = stored[0].item.outTradeNo == kCake ? stored[0] : stored[1];
        QCOMPARE(handled.resolution, ItemResolution::Handled);
        QCOMPARE(handled.resolvedBy, QStringLiteral("M01"));
        QCOMPARE(handled.resolvedAtMs, nowMs());

        const QString shot = qEnvironmentVariable("QPOS_RECONCILE_SCREENSHOT");
        const QImage image = window.grab().toImage();
        QVERIFY(!image.isNull());
        if (!shot.isEmpty())
            QVERIFY(image.save(shot));
    }

    void exportsTheChosenBatchAsCsv() {
        ui::ReconcileWindow window(m_path, QStringLiteral("M01"), nowMs);
        QSignalSpy items(&window, &ui::ReconcileWindow::itemsShown);
        window.show();
        QVERIFY(items.wait(test::kUiWaitMs));
        child<QTableWidget>(window, "batchTable")->selectRow(1);
        QVERIFY(items.wait(test::kUiWaitMs));

        auto* button = child<QPushButton>(window, "exportCsv");
        QVERIFY(button->isEnabled());
        QTest::mouseClick(button, Qt::LeftButton);
        QFileDialog* dialog = nullptr;
        QVERIFY(test::waitUntil([&] {
            dialog = child<QFileDialog>(window, "csvFileDialog");
            return dialog && dialog->isVisible();
        }));
        const QString path = m_dir.file(QStringLiteral("batch.csv"));
        dialog->selectFile(path);
        static_cast<QDialog*>(dialog)->accept(); // as the Save button does
        QVERIFY(test::waitUntil([&] { return QFile::exists(path); }));

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray csv = file.readAll();
        QVERIFY(csv.startsWith("\xEF\xBB\xBF"));
        QVERIFY2(csv.contains("\"" + kTea.toUtf8() + "\",\"\",\"paid\",\"12.00\""),
                 csv.constData());
        QVERIFY(csv.contains("\"-0.74040\""));
        QVERIFY(child<QLabel>(window, "reconcileStatus")->text().contains(path));
    }

    void aBadRangeIsRefusedWithoutReading() {
        ui::ReconcileWindow window(m_path, QStringLiteral("M01"), nowMs);
        QSignalSpy batches(&window, &ui::ReconcileWindow::batchesShown);
        QVERIFY(batches.wait(test::kUiWaitMs));
        child<QDateEdit>(window, "fromDate")->setDate(QDate(2026, 11, 22));
        child<QDateEdit>(window, "toDate")->setDate(QDate(2026, 11, 16));
        QTest::mouseClick(child<QPushButton>(window, "showBatches"), Qt::LeftButton);
        QVERIFY(child<QLabel>(window, "reconcileStatus")
                    ->text()
                    .contains(QStringLiteral("choose the days again")));
        QCOMPARE(child<QTableWidget>(window, "batchTable")->rowCount(), 2); // as it was
    }

    // A day the provider has no bill of is matched as an empty bill: its till side and its
    // differences show like a matched bill's, with nothing to warn about.
    void aNoBillDayShowsItsFiguresAndDifferences() {
        const QString path = m_dir.file(QStringLiteral("no-bill.db"));
        {
            SqliteBatchStore store;
            QVERIFY(store.open(path).ok());
            QVERIFY(store
                        .saveCompleted(test::sampleNoBillRun(
                            QDate(2026, 11, 22),
                            {test::sampleItem(DifferenceClass::LocalOnly, kTea)}, nowMs()))
                        .ok());
            QVERIFY(
                store.saveCompleted(test::sampleNoBillRun(QDate(2026, 11, 21), {}, nowMs())).ok());
        }
        ui::ReconcileWindow window(path, QStringLiteral("M01"), nowMs);
        QSignalSpy items(&window, &ui::ReconcileWindow::itemsShown);
        window.show();
        QVERIFY(items.wait(test::kUiWaitMs));

        auto* batches = child<QTableWidget>(window, "batchTable");
        QCOMPARE(batches->rowCount(), 2);
        QCOMPARE(cellText(batches, 0, 2), batchStateLabel(BatchState::NoBill));
        QCOMPARE(cellText(batches, 0, 3), QStringLiteral("0"));
        QCOMPARE(cellText(batches, 0, 4), QStringLiteral("0.00"));
        QCOMPARE(cellText(batches, 0, 7), QStringLiteral("10"));
        QCOMPARE(cellText(batches, 0, 8), QStringLiteral("120.00"));
        QCOMPARE(cellText(batches, 0, 12), QStringLiteral("1 of 1"));
        QCOMPARE(batches->item(0, 2)->toolTip(), QString());
        QVERIFY(!child<QLabel>(window, "reconcileWarning")->isVisible());
        auto* table = child<QTableWidget>(window, "itemTable");
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(cellText(table, 0, 1), kTea);
        QCOMPARE(cellText(table, 0, 0), differenceClassLabel(DifferenceClass::LocalOnly));
        QVERIFY(child<QLabel>(window, "itemsHeading")->text().contains(QStringLiteral("1 open")));

        // Without differences the heading names the state, not an agreement with a bill.
        batches->selectRow(1);
        QVERIFY(items.wait(test::kUiWaitMs));
        QCOMPARE(table->rowCount(), 0);
        QCOMPARE(cellText(batches, 1, 12), QStringLiteral("0 of 0"));
        QVERIFY2(child<QLabel>(window, "itemsHeading")
                     ->text()
                     .contains(batchStateLabel(BatchState::NoBill)),
                 qPrintable(child<QLabel>(window, "itemsHeading")->text()));
    }
};

QTEST_MAIN(TestReconcileWindow)
#include "tst_reconcile_window.moc"
