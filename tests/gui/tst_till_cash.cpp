// Cash at the till, driven with the keyboard on a real till (the Alipay sandbox as its
// provider, which must never hear of a cash sale): the opening float at login, F4 with the
// amount tendered and the change shown large, Esc that records nothing, a cash refund that
// asks a manager's PIN and opens the drawer, and the count at the end of the shift, whose
// difference needs a reason; the figures the cashier saw are the X's and the Z's.

#include "tests/gui/ManagerPinPrompt.h"
#include "tests/gui/TillWindowHarness.h"
#include "tests/support/CrossThreadSignalSpy.h"
#include "tests/support/FakeEscPosPrinter.h"
#include "ui/refund/RefundDialog.h"
#include "ui/support/ManagerPinDialog.h"
#include "ui/till/AmountEntry.h"
#include "ui/till/CashTenderDialog.h"
#include "ui/till/OpeningFloatDialog.h"
#include "ui/till/SalePanel.h"
#include "ui/till/ShiftCountDialog.h"
#include "ui/till/TillHeader.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace qpos;
using qpos::test::onPinPrompt;
using qpos::test::TillWindowHarness;
using Screen = qpos::ui::MainWindow::Screen;

namespace {

constexpr int kWaitMs = 15000;
const QString kManagerId = QStringLiteral("M01");
const QString kManagerPin = QStringLiteral("8642");

template <typename Dialog>
Dialog* visibleDialog(QWidget* root) {
    for (Dialog* d : root->findChildren<Dialog*>()) {
        if (d->isVisible())
            return d;
    }
    return nullptr;
}

} // namespace

class TestTillCash : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestSandbox> m_sandbox;
    std::unique_ptr<TillWindowHarness> m_h;
    std::shared_ptr<test::CountingCashDrawer::Counter> m_drawer;

    ui::MainWindow& window() { return m_h->window(); }

    // Opens a cash till, logs the cashier in and counts `floatText` yuan into the drawer.
    void openCashTill(const QString& floatText, const PrinterConfig& printer = {}) {
        TillWindowHarness::Options options;
        options.cash = true;
        options.printer = printer;
        if (!printer.enabled)
            options.drawer = m_drawer; // with a printer, the till's own drawer kick
        QVERIFY(m_h->open(options));
        QVERIFY(m_h->saveCashier());
        QVERIFY(m_h->saveStaff(
            StaffMember{kManagerId, QStringLiteral("Ma Manager"), StaffRole::Manager},
            kManagerPin));
        QVERIFY(m_h->logIn(TillWindowHarness::kCashierId, TillWindowHarness::kCashierPin));
        ui::OpeningFloatDialog* floatDialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((floatDialog = visibleDialog<ui::OpeningFloatDialog>(&window())),
                                 kWaitMs);
        QCOMPARE(window().shiftId(), 0); // no shift before the drawer is counted
        QTest::keyClicks(floatDialog->floatEdit(), floatText);
        QTest::keyClick(floatDialog->floatEdit(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(window().shiftId() > 0, kWaitMs);
    }

    // Keys `amount` and F4, types `tendered` and Enter.
    ui::CashTenderDialog* pressF4(const QString& amount) {
        // Shortcuts reach the active window only: the float's dialog just had the focus.
        window().activateWindow();
        if (!QTest::qWaitForWindowActive(&window()))
            return nullptr;
        QLineEdit* edit = window().salePanel()->amountEntry()->edit();
        edit->setFocus();
        QTest::keyClicks(edit, amount);
        QTest::keyClick(edit, Qt::Key_F4);
        ui::CashTenderDialog* dialog = nullptr;
        if (!QTest::qWaitFor(
                [&] { return (dialog = visibleDialog<ui::CashTenderDialog>(&window())); }, kWaitMs))
            return nullptr;
        return dialog;
    }

    // The header's status line names the last order ("Order …") when the pointer rests on it.
    QString lastOrderNumber() {
        for (QLabel* label : window().header()->findChildren<QLabel*>()) {
            if (label->text() == window().header()->status() &&
                label->toolTip().startsWith(QStringLiteral("Order ")))
                return label->toolTip().section(u' ', -1);
        }
        return QString();
    }

    reports::SalesReport shiftReport(qint64 shift) {
        test::CrossThreadSignalSpy loaded(&m_h->till(), &service::PosService::salesReportLoaded);
        m_h->till().loadSalesReport(QStringLiteral("shift-report"),
                                    reports::ReportScope{0, 0, shift});
        if (!QTest::qWaitFor([&] { return !loaded.isEmpty(); }, kWaitMs))
            qFatal("no report");
        return loaded.first().at(1).value<service::SalesReportReply>().report;
    }

private slots:
    void initTestCase() {
        m_sandbox = test::TestSandbox::start();
        QVERIFY(m_sandbox);
    }
    void cleanupTestCase() { m_sandbox.reset(); }
    void init() {
        m_sandbox->reset();
        m_h = std::make_unique<TillWindowHarness>(*m_sandbox);
        m_drawer = std::make_shared<test::CountingCashDrawer::Counter>();
    }
    void cleanup() { m_h.reset(); }

    // A till with a receipt printer opens the drawer through the printer's kick after a cash
    // sale, without waiting for it; the printer receives exactly the kick.
    void aCashSaleKicksThePrintersDrawer() {
        test::FakeEscPosPrinter printer;
        QVERIFY(printer.listen());
        PrinterConfig config;
        config.enabled = true;
        config.url = printer.url();
        config.width = PaperWidth::Mm58;
        config.receiptAfterSale = false;
        openCashTill(QStringLiteral("0"), config);
        ui::CashTenderDialog* tender = pressF4(QStringLiteral("3"));
        QVERIFY(tender);
        QVERIFY(QTest::qWaitForWindowActive(tender));
        QTRY_VERIFY(tender->tenderedEdit()->hasFocus());
        QTest::keyClick(tender->tenderedEdit(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(
            window().header()->status().contains(QStringLiteral("paid in cash")), kWaitMs);
        QVERIFY(printer.waitForJobs(1));
        QCOMPARE(printer.jobs().first(), QByteArray("\x1B\x70\x00\x19\xFA", 5));
        QCOMPARE(m_drawer->opened.load(), 0);
    }

    void theOpeningFloatIsAskedAtLoginOnce() {
        openCashTill(QStringLiteral("500"));
        const qint64 shift = window().shiftId();
        QCOMPARE(shiftReport(shift).cash.openingFloatFen, 50000);
        // A break: the same shift goes on and its drawer is not counted again.
        window().logOut();
        QVERIFY(m_h->logIn(TillWindowHarness::kCashierId, TillWindowHarness::kCashierPin));
        QTRY_COMPARE_WITH_TIMEOUT(window().shiftId(), shift, kWaitMs);
        QTest::qWait(200);
        QVERIFY(!visibleDialog<ui::OpeningFloatDialog>(&window()));
    }

    void f4TakesCashAndShowsTheChange() {
        openCashTill(QStringLiteral("0"));
        QVERIFY(window().salePanel()->cashButton()->isVisible());
        ui::CashTenderDialog* tender = pressF4(QStringLiteral("12.50"));
        QVERIFY(tender);
        QCOMPARE(tender->changeText(), QStringLiteral("Change: ¥ 0.00")); // exact by default
        QLineEdit* received = tender->tenderedEdit();
        QVERIFY(QTest::qWaitForWindowActive(tender));
        QTRY_VERIFY(received->hasFocus());
        // Less than the amount: refused, nothing recorded, the dialog stays.
        QTest::keyClicks(received, QStringLiteral("10")); // replaces the selected amount
        QCOMPARE(tender->changeText(), QStringLiteral("Change: —"));
        QTest::keyClick(received, Qt::Key_Return);
        QVERIFY(tender->isVisible());
        QVERIFY(tender->messageText().contains(QStringLiteral("less than")));
        received->selectAll();
        QTest::keyClicks(received, QStringLiteral("20"));
        QCOMPARE(tender->changeText(), QStringLiteral("Change: ¥ 7.50"));
        QTest::keyClick(received, Qt::Key_Return);

        QTRY_VERIFY_WITH_TIMEOUT(
            window().header()->status().contains(QStringLiteral("paid in cash")), kWaitMs);
        QVERIFY(window().header()->status().contains(QStringLiteral("¥ 7.50")));
        QTRY_COMPARE_WITH_TIMEOUT(m_drawer->opened.load(), 1, kWaitMs);
        QVERIFY(window().salePanel()->amountEntry()->text().isEmpty()); // next customer
        const reports::SalesReport x = shiftReport(window().shiftId());
        QCOMPARE(x.cash.salesFen, 1250);
        QCOMPARE(x.total.saleCount, 1);
        // The provider never heard of it.
        QCOMPARE(m_h->sandboxTradeCount(), 0);
    }

    void escCancelsWithNothingRecorded() {
        openCashTill(QStringLiteral("0"));
        ui::CashTenderDialog* tender = pressF4(QStringLiteral("8"));
        QVERIFY(tender);
        QTest::keyClick(tender->tenderedEdit(), Qt::Key_Escape);
        QTRY_VERIFY(!visibleDialog<ui::CashTenderDialog>(&window()));
        QTest::qWait(300);
        QCOMPARE(m_drawer->opened.load(), 0);
        QCOMPARE(shiftReport(window().shiftId()).total.saleCount, 0);
        QCOMPARE(window().salePanel()->amountEntry()->text(), QStringLiteral("8")); // kept
    }

    void aCashRefundAsksAManagersPinAndOpensTheDrawer() {
        openCashTill(QStringLiteral("0"));
        ui::CashTenderDialog* tender = pressF4(QStringLiteral("30"));
        QVERIFY(tender);
        QTest::keyClick(tender->tenderedEdit(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(m_drawer->opened.load(), 1, kWaitMs);
        QString outTradeNo;
        QTRY_VERIFY_WITH_TIMEOUT(!(outTradeNo = lastOrderNumber()).isEmpty(), kWaitMs);
        const std::optional<OrderWithEvents> sale = m_h->loadOrder(outTradeNo);
        QVERIFY(sale);
        QCOMPARE(sale->order.channel, Channel::Cash);

        ui::RefundDialog refund(m_h->till(), sale->order, &window());
        refund.show();
        // The cashier's own PIN is not a manager's: refused, nothing refunded.
        QString refused;
        onPinPrompt([&](ui::ManagerPinDialog* prompt) {
            auto* field = prompt->findChild<QLineEdit*>(QStringLiteral("managerPin"));
            QTest::keyClicks(field, TillWindowHarness::kCashierPin);
            QTest::keyClick(field, Qt::Key_Return);
            auto* poll = new QTimer(prompt);
            QObject::connect(poll, &QTimer::timeout, prompt, [poll, prompt, &refused] {
                const QString text =
                    prompt->findChild<QLabel*>(QStringLiteral("pinMessage"))->text();
                if (text.isEmpty() || text == ui::ManagerPinDialog::tr("Checking…"))
                    return;
                poll->stop();
                refused = text;
                QTest::keyClick(prompt, Qt::Key_Escape);
            });
            poll->start(10);
        });
        refund.submit();
        QVERIFY(!refused.isEmpty());
        QCOMPARE(m_h->loadOrder(outTradeNo)->order.state, OrderState::Paid);
        QCOMPARE(m_drawer->opened.load(), 1);

        onPinPrompt([](ui::ManagerPinDialog* prompt) {
            auto* field = prompt->findChild<QLineEdit*>(QStringLiteral("managerPin"));
            QTest::keyClicks(field, kManagerPin);
            QTest::keyClick(field, Qt::Key_Return);
        });
        refund.submit();
        QTRY_VERIFY_WITH_TIMEOUT(refund.report().has_value(), kWaitMs);
        QVERIFY(refund.report()->ok);
        const OrderWithEvents after = *m_h->loadOrder(outTradeNo);
        QCOMPARE(after.order.state, OrderState::Refunded);
        QCOMPARE(after.events.last().source, TransitionSource::Cash);
        QCOMPARE(after.events.last().actor, kManagerId);
        QCOMPARE(m_drawer->opened.load(), 2);
        QCOMPARE(m_h->sandboxTradeCount(), 0);
    }

    void theShiftEndsWithACountAndADifferenceNeedsAReason() {
        openCashTill(QStringLiteral("500"));
        const qint64 shift = window().shiftId();
        ui::CashTenderDialog* tender = pressF4(QStringLiteral("12.50"));
        QVERIFY(tender);
        QTest::keyClick(tender->tenderedEdit(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(m_drawer->opened.load(), 1, kWaitMs);

        window().findChild<QAction*>(QStringLiteral("endShiftAction"))->trigger();
        ui::ShiftCountDialog* count = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((count = visibleDialog<ui::ShiftCountDialog>(&window())) &&
                                     count->expected().has_value(),
                                 kWaitMs);
        QCOMPARE(count->expectedText(), QStringLiteral("Expected in the drawer: ¥ 512.50"));
        QLineEdit* counted = count->countedEdit();
        QVERIFY(counted->hasFocus());
        QTest::keyClicks(counted, QStringLiteral("510"));
        QCOMPARE(count->differenceText(), QStringLiteral("Difference: short ¥ 2.50"));
        QTest::keyClick(counted, Qt::Key_Return);
        // No reason: the shift stays open.
        QVERIFY(count->isVisible());
        QVERIFY(!count->messageText().isEmpty());
        QVERIFY(count->reasonEdit()->hasFocus());
        QCOMPARE(window().shiftId(), shift);
        QTest::keyClicks(count->reasonEdit(), QStringLiteral("gave too much change"));
        QTest::keyClick(count->reasonEdit(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(window().screen(), Screen::Login, kWaitMs);
        QCOMPARE(window().shiftId(), 0);

        // What the cashier saw is what the X and the Z say.
        const reports::SalesReport x = shiftReport(shift);
        QCOMPARE(x.cash.expectedFen, 51250);
        QCOMPARE(*x.cash.countedFen, 51000);
        QCOMPARE(*x.cash.differenceFen, -250);
        QCOMPARE(x.cash.differenceReason, QStringLiteral("gave too much change"));
        test::CrossThreadSignalSpy z(&m_h->till(), &service::PosService::zReportsLoaded);
        m_h->till().takeZReport(QStringLiteral("z"), kManagerId, true);
        QTRY_VERIFY_WITH_TIMEOUT(!z.isEmpty(), kWaitMs);
        const service::ZReportsReply reply = z.first().at(1).value<service::ZReportsReply>();
        QVERIFY2(reply.error.isEmpty(), qPrintable(reply.error));
        // The Z covers the day: the same drawer, each reason named with its shift.
        const reports::CashFigures zCash = reply.zReports.first().snapshot.cash;
        QCOMPARE(zCash.openingFloatFen, x.cash.openingFloatFen);
        QCOMPARE(zCash.salesFen, x.cash.salesFen);
        QCOMPARE(zCash.expectedFen, x.cash.expectedFen);
        QCOMPARE(zCash.countedFen, x.cash.countedFen);
        QCOMPARE(zCash.differenceFen, x.cash.differenceFen);
        QCOMPARE(zCash.differenceReason, QStringLiteral("#%1: gave too much change").arg(shift));
    }
};

QTEST_MAIN(TestTillCash)
#include "tst_till_cash.moc"
