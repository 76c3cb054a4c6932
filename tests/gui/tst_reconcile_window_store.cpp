// The manager's reconciliation window on an enrolled till: the batches of every till of the
// store come from a real in-process qpos-server through its API, the window says so, a
// difference is marked handled on the server by pressing the button (the manager's id as
// staff_id), one another manager settled first is refused in clear words, the batch is exported
// as CSV as on a till alone, and a server that went away is said so with the list kept.

#include "core/calendar/ChinaCalendar.h"
#include "core/link/RemoteBatchStore.h"
#include "server/QposServer.h"
#include "server/reconcile/ServerBatchStore.h"
#include "tests/reconcile/BatchSamples.h"
#include "tests/server/EnrolledTill.h"
#include "tests/server/StoreUnderTest.h"
#include "tests/support/TempDir.h"
#include "tests/support/WaitUntil.h"
#include "ui/reconcile/ReconcileWindow.h"

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

#include <algorithm>

using namespace qpos;
using namespace qpos::reconcile;
using namespace qpos::server;

namespace {

const link::TerminalIdentity kT01{QStringLiteral("S001"), QStringLiteral("T01")};
// Two tills' orders in one bill: the store's batch.
const QString kTea = QStringLiteral("S001_T01_20261120_00000001");
const QString kCake = QStringLiteral("S001_T02_20261120_00000002");
const QString kJuice = QStringLiteral("S001_T02_20261120_00000003");

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

class TestReconcileWindowStore : public QObject {
    Q_OBJECT

    test::TempDir m_dir;
    test::StoreUnderTest m_backend{m_dir};
    std::unique_ptr<QposServer> m_server;
    std::optional<test::EnrolledTill> m_till;
    qint64 m_batchId = 0;

    std::unique_ptr<ui::ReconcileWindow> openWindow() {
        auto window = std::make_unique<ui::ReconcileWindow>(
            std::make_unique<link::RemoteBatchStore>(m_till->endpoint(),
                                                     link::StoreServerHttp::Clock()),
            QStringLiteral("M07"), nowMs);
        window->show();
        return window;
    }

    // Presses Mark handled… and types `note` into the prompt, then OK.
    bool markHandled(ui::ReconcileWindow& window, const QString& note, QString* offered = nullptr) {
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
        if (offered)
            *offered = edit->toPlainText();
        edit->clear();
        QTest::keyClicks(edit, note);
        QTest::mouseClick(buttons->button(QDialogButtonBox::Ok), Qt::LeftButton);
        return true;
    }

    // Opens the window and chooses the store's Alipay batch of the 20th.
    bool chooseTheBatch(ui::ReconcileWindow& window, QSignalSpy& items) {
        if (!items.wait(test::kUiWaitMs))
            return false;
        auto* batches = child<QTableWidget>(window, "batchTable");
        const int row = rowOf(batches, 0, QStringLiteral("2026-11-20"));
        if (row < 0)
            return false;
        if (!batches->selectedItems().isEmpty() && batches->selectedItems().first()->row() == row)
            return true;
        batches->selectRow(row);
        return items.wait(test::kUiWaitMs);
    }

private slots:
    void initTestCase() {
        QPOS_PREPARE_STORE(m_backend);
        m_server = std::make_unique<QposServer>(m_backend.makeStore(), ProviderVerifiers(),
                                                QposServer::Options());
        QVERIFY(m_server->start().ok());
        Result<test::EnrolledTill> till = test::EnrolledTill::add(*m_server, kT01);
        QVERIFY(till.ok());
        m_till = *till;
        Result<qint64> id = m_server->batches().saveCompleted(
            test::sampleRun(QDate(2026, 11, 20),
                            {test::sampleItem(DifferenceClass::LocalOnly, kTea),
                             test::sampleItem(DifferenceClass::Amount, kCake),
                             test::sampleItem(DifferenceClass::LocalOnly, kJuice)},
                            nowMs() - 86400000LL));
        QVERIFY(id.ok());
        m_batchId = *id;
        QVERIFY(m_server->batches()
                    .saveIncomplete(test::sampleScope(Channel::WeChat), QDate(2026, 11, 21),
                                    BatchState::Overdue, QStringLiteral("No bill yet."),
                                    nowMs() - 3600000)
                    .ok());
    }

    void showsTheStoresBatchesAndSaysWhereFrom() {
        auto window = openWindow();
        QSignalSpy items(window.get(), &ui::ReconcileWindow::itemsShown);
        QVERIFY(chooseTheBatch(*window, items));
        QCOMPARE(window->origin(), BatchSource::Origin::StoreServer);
        QVERIFY(child<QLabel>(*window, "reconcileSource")
                    ->text()
                    .contains(QStringLiteral("Store server")));
        auto* batches = child<QTableWidget>(*window, "batchTable");
        QCOMPARE(batches->rowCount(), 2);
        QCOMPARE(cellText(batches, 0, 2), batchStateLabel(BatchState::Overdue));
        QVERIFY(child<QLabel>(*window, "reconcileWarning")->isVisible());
        const int row = rowOf(batches, 0, QStringLiteral("2026-11-20"));
        QCOMPARE(cellText(batches, row, 4), QStringLiteral("120.50"));
        QCOMPARE(cellText(batches, row, 12), QStringLiteral("3 of 3"));
        // Both tills' differences.
        auto* table = child<QTableWidget>(*window, "itemTable");
        QCOMPARE(table->rowCount(), 3);
        QVERIFY(rowOf(table, 1, kTea) >= 0);
        QVERIFY(rowOf(table, 1, kCake) >= 0);
    }

    void marksHandledOnTheServerAsTheManager() {
        auto window = openWindow();
        QSignalSpy items(window.get(), &ui::ReconcileWindow::itemsShown);
        QVERIFY(chooseTheBatch(*window, items));
        auto* table = child<QTableWidget>(*window, "itemTable");
        table->selectRow(rowOf(table, 1, kCake));
        items.clear();
        QVERIFY(markHandled(*window, QStringLiteral("Refunded 0.50 to the buyer")));
        QVERIFY(items.wait(test::kUiWaitMs));
        auto* status = child<QLabel>(*window, "reconcileStatus");
        QVERIFY2(status->text().contains(QStringLiteral("marked handled")),
                 qPrintable(status->text()));
        const QString settled = cellText(table, rowOf(table, 1, kCake), 6);
        QVERIFY2(settled.contains(QStringLiteral("M07")), qPrintable(settled));
        QVERIFY(settled.contains(QStringLiteral("Refunded 0.50 to the buyer")));

        // On the server, by the manager who unlocked the window.
        const QList<StoredItem> stored = *m_server->batches().items(m_batchId);
        const auto cake = std::find_if(stored.begin(), stored.end(), [](const StoredItem& i) {
            return i.item.outTradeNo == kCake;
        });
        QVERIFY(cake != stored.end());
        QCOMPARE(cake->resolution, ItemResolution::Handled);
        QCOMPARE(cake->resolvedBy, QStringLiteral("M07"));
    }

    void aDifferenceSettledElsewhereIsRefusedClearly() {
        auto window = openWindow();
        QSignalSpy items(window.get(), &ui::ReconcileWindow::itemsShown);
        QVERIFY(chooseTheBatch(*window, items));
        auto* table = child<QTableWidget>(*window, "itemTable");
        table->selectRow(rowOf(table, 1, kTea));
        QVERIFY(child<QPushButton>(*window, "markHandled")->isEnabled());

        // Another till's manager settles it while this window still shows it open.
        const QList<StoredItem> stored = *m_server->batches().items(m_batchId);
        const auto tea = std::find_if(stored.begin(), stored.end(), [](const StoredItem& i) {
            return i.item.outTradeNo == kTea;
        });
        QVERIFY(m_server->batches()
                    .markHandled(tea->id, QStringLiteral("M02"), QStringLiteral("Voided"), nowMs())
                    .ok());

        items.clear();
        QVERIFY(markHandled(*window, QStringLiteral("Mine")));
        QVERIFY(items.wait(test::kUiWaitMs));
        auto* status = child<QLabel>(*window, "reconcileStatus");
        QVERIFY2(status->text().contains(QStringLiteral("settled this difference first")),
                 qPrintable(status->text()));
        // The list read again shows who did.
        const QString settled = cellText(table, rowOf(table, 1, kTea), 6);
        QVERIFY2(settled.contains(QStringLiteral("M02")), qPrintable(settled));
        QCOMPARE((*m_server->batches().item(tea->id))->note, QStringLiteral("Voided"));
    }

    void exportsTheStoresBatchAsCsv() {
        auto window = openWindow();
        QSignalSpy items(window.get(), &ui::ReconcileWindow::itemsShown);
        QVERIFY(chooseTheBatch(*window, items));
        auto* button = child<QPushButton>(*window, "exportCsv");
        QVERIFY(button->isEnabled());
        QTest::mouseClick(button, Qt::LeftButton);
        QFileDialog* dialog = nullptr;
        QVERIFY(test::waitUntil([&] {
            dialog = child<QFileDialog>(*window, "csvFileDialog");
            return dialog && dialog->isVisible();
        }));
        const QString path = m_dir.file(QStringLiteral("store-batch.csv"));
        dialog->selectFile(path);
        static_cast<QDialog*>(dialog)->accept(); // as the Save button does
        QVERIFY(test::waitUntil([&] { return QFile::exists(path); }));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray csv = file.readAll();
        QVERIFY(csv.startsWith("\xEF\xBB\xBF"));
        QVERIFY2(csv.contains(kCake.toUtf8()) && csv.contains(kTea.toUtf8()), csv.constData());
        QVERIFY(csv.contains("M07"));
    }

    void aServerGoneIsSaidAndTheListAndNoteKept() {
        auto window = openWindow();
        QSignalSpy items(window.get(), &ui::ReconcileWindow::itemsShown);
        QVERIFY(chooseTheBatch(*window, items));
        auto* table = child<QTableWidget>(*window, "itemTable");
        table->selectRow(rowOf(table, 1, kJuice));

        m_server.reset(); // the store server stops
        QSignalSpy batches(window.get(), &ui::ReconcileWindow::batchesShown);
        QVERIFY(markHandled(*window, QStringLiteral("Juice refunded in cash")));
        QVERIFY(batches.wait(test::kUiWaitMs)); // the refusal, then the list read again
        auto* status = child<QLabel>(*window, "reconcileStatus");
        QVERIFY2(status->text().contains(QStringLiteral("cannot be reached")),
                 qPrintable(status->text()));
        QCOMPARE(child<QTableWidget>(*window, "batchTable")->rowCount(), 2); // as it was
        QCOMPARE(table->rowCount(), 3);

        // The note typed is offered again for the same difference.
        table->selectRow(rowOf(table, 1, kJuice));
        QString offered;
        QVERIFY(markHandled(*window, QStringLiteral("x"), &offered));
        QCOMPARE(offered, QStringLiteral("Juice refunded in cash"));
    }
};

QTEST_MAIN(TestReconcileWindowStore)
#include "tst_reconcile_window_store.moc"
