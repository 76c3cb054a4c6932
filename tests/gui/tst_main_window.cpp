// The till's window around the sale: start-up ("Recovering open orders…", or why the till
// cannot open), PIN login and logout, the header, the SANDBOX banner and the orders screen —
// on a real till against the Alipay sandbox.

#include "sandbox/alipay/AlipaySimulator.h"
#include "tests/gui/TillWindowHarness.h"
#include "ui/orders/OrdersView.h"
#include "ui/reconcile/ReconcileWindow.h"
#include "ui/reports/ReportsWindow.h"
#include "ui/reports/ZReportDialog.h"
#include "ui/support/ManagerPinDialog.h"
#include "ui/till/AmountEntry.h"
#include "ui/till/CheckoutController.h"
#include "ui/till/LoginPanel.h"
#include "ui/till/NoticeBar.h"
#include "ui/till/PaymentDialog.h"
#include "ui/till/SalePanel.h"
#include "ui/till/SandboxBanner.h"
#include "ui/till/StartupPanel.h"
#include "ui/till/TillHeader.h"

#include <QAction>
#include <QApplication>
#include <QDeadlineTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QTest>
#include <QToolButton>

using namespace qpos;
using qpos::test::TillWindowHarness;
using Screen = qpos::ui::MainWindow::Screen;

namespace {

constexpr int kWaitMs = 15000;

QLabel* label(QWidget* root, const QString& name) {
    return root->findChild<QLabel*>(name);
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestSandbox> m_sandbox;
    std::unique_ptr<TillWindowHarness> m_h;

    ui::MainWindow& window() { return m_h->window(); }

private slots:
    void initTestCase() {
        m_sandbox = test::TestSandbox::start();
        QVERIFY(m_sandbox);
    }
    void cleanupTestCase() { m_sandbox.reset(); }
    void init() {
        m_sandbox->reset();
        m_h = std::make_unique<TillWindowHarness>(*m_sandbox);
    }
    void cleanup() { m_h.reset(); }

    void recoveringUntilReadyThenAskForStaff() {
        QVERIFY(m_h->makeTill());
        QCOMPARE(window().screen(), Screen::Starting);
        QVERIFY(window().startupPanel()->isVisible());
        QVERIFY(
            window().startupPanel()->text().contains(QStringLiteral("Recovering open orders…")));
        QVERIFY(!window().salePanel()->isVisible());
        QVERIFY(!window().loginPanel()->isVisible());

        m_h->till().start();
        QTRY_COMPARE_WITH_TIMEOUT(window().screen(), Screen::Login, kWaitMs);
        // No staff yet: IT is told what to do; nobody can log in.
        QLabel* noStaff = label(&window(), QStringLiteral("noStaffMessage"));
        QTRY_VERIFY(noStaff->isVisible());
        QVERIFY(noStaff->text().contains(QStringLiteral("qposctl staff add")));
        QVERIFY(!label(&window(), QStringLiteral("sandboxLoginHint")));
        QVERIFY(!window().loginPanel()->hasStaff());

        // Staff added while the till runs appear without a restart.
        QVERIFY(m_h->saveCashier());
        QTRY_VERIFY(window().loginPanel()->hasStaff());
        QVERIFY(!noStaff->isVisible());
        QVERIFY(m_h->logIn(TillWindowHarness::kCashierId, TillWindowHarness::kCashierPin));
    }

    void wrongPinIsRefusedRightPinLogsIn() {
        QVERIFY(m_h->open());
        QVERIFY(m_h->saveCashier());
        ui::LoginPanel* login = window().loginPanel();
        QTRY_VERIFY(login->hasStaff());
        login->selectStaff(TillWindowHarness::kCashierId);
        QLineEdit* pin = login->pinEdit();
        QCOMPARE(pin->echoMode(), QLineEdit::Password);
        pin->setFocus();
        QTest::keyClicks(pin, QStringLiteral("9999"));
        QTest::keyClick(pin, Qt::Key_Return);
        QCOMPARE(pin->text(), QString()); // not kept while it is checked
        QTRY_COMPARE_WITH_TIMEOUT(login->message(), QStringLiteral("Wrong PIN. Try again."),
                                  kWaitMs);
        QCOMPARE(window().screen(), Screen::Login);
        QVERIFY(!window().cashier());
        // Too short: refused before it is checked.
        QTest::keyClicks(pin, QStringLiteral("12"));
        QTest::keyClick(pin, Qt::Key_Return);
        QVERIFY(login->message().contains(QStringLiteral("4 to 12 digits")));

        QTest::keyClicks(pin, TillWindowHarness::kCashierPin);
        QTest::keyClick(pin, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(window().screen(), Screen::Sale, kWaitMs);
        QVERIFY(window().cashier());
        QCOMPARE(window().cashier()->id, TillWindowHarness::kCashierId);
        QVERIFY(label(&window(), QStringLiteral("cashierHeader"))
                    ->text()
                    .contains(TillWindowHarness::kCashierName));
        QVERIFY(window().salePanel()->amountEntry()->edit()->hasFocus());

        // Log out (Ctrl+L): back to the login screen, nobody at the till.
        QTest::keyClicks(window().salePanel()->amountEntry()->edit(), QStringLiteral("3"));
        QTest::keyClick(window().salePanel()->amountEntry()->edit(), Qt::Key_L,
                        Qt::ControlModifier);
        QCOMPARE(window().screen(), Screen::Login);
        QVERIFY(!window().cashier());
        QCOMPARE(label(&window(), QStringLiteral("cashierHeader"))->text(),
                 QStringLiteral("Nobody logged in"));
        QCOMPARE(window().salePanel()->amountEntry()->text(), QString());
    }

    void headerShowsShopAndTodaysTakings() {
        QVERIFY(m_h->openAndLogIn());
        const QString shop = label(&window(), QStringLiteral("shopHeader"))->text();
        QVERIFY(shop.contains(QStringLiteral("Test shop")));
        QVERIFY(shop.contains(QStringLiteral("S01")));
        QVERIFY(shop.contains(m_h->terminalId()));
        QTRY_VERIFY_WITH_TIMEOUT(
            window().header()->totalsText().startsWith(QStringLiteral("Today: 0 payment")),
            kWaitMs);
        QVERIFY(!window().findChild<ui::SandboxBanner*>());
        QVERIFY(!window().findChild<QWidget*>(QStringLiteral("sandboxBanner")));
    }

    void sandboxModeShowsBannerHintAndDemoStaff() {
        TillWindowHarness::Options options;
        options.sandboxMode = true;
        QVERIFY(m_h->open(options));
        auto* banner = window().findChild<QWidget*>(QStringLiteral("sandboxBanner"));
        QVERIFY(banner);
        QVERIFY(banner->isVisible());
        QVERIFY(label(banner, QStringLiteral("sandboxBannerText"))
                    ->text()
                    .contains(QStringLiteral("SANDBOX")));
        QVERIFY(window().windowTitle().contains(QStringLiteral("SANDBOX")));
        QLabel* hint = label(&window(), QStringLiteral("sandboxLoginHint"));
        QVERIFY(hint);
        QVERIFY(hint->isVisible());
        QVERIFY(hint->text().contains(QStringLiteral("1234")));
        // The demo staff the hint names exist.
        QVERIFY(m_h->logIn(QStringLiteral("1001"), QStringLiteral("1234")));
        QCOMPARE(window().cashier()->role, StaffRole::Cashier);
    }

    void tillThatCannotOpenSaysWhyAndSellsNothing() {
        TillWindowHarness::Options options;
        options.failingGateways = true;
        QVERIFY(m_h->makeTill(options));
        m_h->till().start();
        QTRY_VERIFY_WITH_TIMEOUT(window().startupPanel()->showsError(), kWaitMs);
        QCOMPARE(window().screen(), Screen::Starting);
        const QString text = window().startupPanel()->text();
        QVERIFY(text.contains(QStringLiteral("cannot take payments")));
        QVERIFY(text.contains(QStringLiteral("import it in Settings")));
        QVERIFY(window().header()->status().contains(QStringLiteral("cannot take payments")));
        QVERIFY(!window().loginPanel()->isVisible());
        QVERIFY(!window().salePanel()->isVisible());
        QVERIFY(!window().salePanel()->salesEnabled());
    }

    void recoveryReportIsShownAtStart() {
        QVERIFY(m_h->openAndLogIn());
        ui::SalePanel* sale = window().salePanel();
        sale->amountEntry()->edit()->setFocus();
        QTest::keyClicks(sale->amountEntry()->edit(), QStringLiteral("6.60"));
        QTest::keyClick(sale->amountEntry()->edit(), Qt::Key_Return);
        QTRY_VERIFY(window().checkout()->dialog());
        ui::PaymentDialog* dialog = window().checkout()->dialog();
        QTRY_COMPARE_WITH_TIMEOUT(dialog->phase(), checkout::CheckoutPhase::Waiting, kWaitMs);
        const QString outTradeNo = dialog->outTradeNo();

        // The till stops with the payment open; the buyer pays meanwhile.
        m_h->closeTill();
        QVERIFY(m_h->sandbox().alipay().buyerPay(outTradeNo).ok());

        QVERIFY(m_h->makeTill());
        m_h->till().start();
        QTRY_COMPARE_WITH_TIMEOUT(window().screen(), Screen::Login, kWaitMs);
        ui::NoticeBar* notice = window().notice();
        QVERIFY(notice->isVisible());
        QVERIFY2(notice->text().contains(QStringLiteral("1 looked at, 1 settled")),
                 qPrintable(notice->text()));
        QVERIFY2(notice->text().contains(QStringLiteral("• ")), qPrintable(notice->text()));
        const std::optional<OrderWithEvents> stored = m_h->loadOrder(outTradeNo);
        QVERIFY(stored);
        QCOMPARE(stored->order.state, OrderState::Paid);
        QTRY_COMPARE_WITH_TIMEOUT(window().header()->totalsText(),
                                  QStringLiteral("Today: 1 payment · net ¥ 6.60"), kWaitMs);
    }

    void ordersScreenAndBack() {
        QVERIFY(m_h->openAndLogIn());
        QTest::keyClick(window().salePanel()->amountEntry()->edit(), Qt::Key_F5);
        QCOMPARE(window().screen(), Screen::Orders);
        auto* orders = window().findChild<ui::OrdersView*>();
        QVERIFY(orders);
        QVERIFY(orders->isVisible());
        QVERIFY(!window().salePanel()->salesEnabled()); // no scanner charges from here
        QWidget* focus = QApplication::focusWidget();
        QVERIFY(focus);
        QTest::keyClick(focus, Qt::Key_Escape);
        QCOMPARE(window().screen(), Screen::Sale);
        QVERIFY(window().salePanel()->salesEnabled());
    }

    // Login opens the cashier's shift; a break keeps it, its X report needs no PIN, the Z
    // report needs a manager's, and ending the shift logs out and closes it.
    void loginOpensAShiftItsXNeedsNoPinAndEndingItClosesIt() {
        QVERIFY(m_h->openAndLogIn());
        QTRY_VERIFY_WITH_TIMEOUT(window().shiftId() > 0, kWaitMs);
        const qint64 shift = window().shiftId();

        window().logOut(); // a break
        QVERIFY(m_h->logIn(TillWindowHarness::kCashierId, TillWindowHarness::kCashierPin));
        QTRY_COMPARE_WITH_TIMEOUT(window().shiftId(), shift, kWaitMs);

        auto* x = window().findChild<QAction*>(QStringLiteral("shiftXAction"));
        QVERIFY(x && x->isEnabled());
        x->trigger();
        ui::ReportsWindow* report = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((report = window().findChild<ui::ReportsWindow*>()) &&
                                     report->report().has_value(),
                                 kWaitMs);
        QCOMPARE(report->report()->shiftId, shift);
        QVERIFY(!report->findChild<QWidget*>(QStringLiteral("periodBar"))->isVisible());
        report->close();

        window().findChild<QAction*>(QStringLiteral("zReportAction"))->trigger();
        ui::ManagerPinDialog* pin = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (pin = window().findChild<ui::ManagerPinDialog*>()) && pin->isVisible(), kWaitMs);
        pin->reject();
        QVERIFY(!window().findChild<ui::ZReportDialog*>());

        window().findChild<QAction*>(QStringLiteral("endShiftAction"))->trigger();
        QCOMPARE(window().screen(), Screen::Login);
        QVERIFY(m_h->logIn(TillWindowHarness::kCashierId, TillWindowHarness::kCashierPin));
        QTRY_VERIFY_WITH_TIMEOUT(window().shiftId() > shift, kWaitMs); // a new shift
    }

    // Reconciliation is a manager's: it asks the PIN, and whoever typed it marks differences.
    void reconciliationOpensForTheManagerWhoTypedThePin() {
        QVERIFY(m_h->openAndLogIn());
        QVERIFY(m_h->saveStaff(
            StaffMember{QStringLiteral("M09"), QStringLiteral("Ma Manager"), StaffRole::Manager},
            QStringLiteral("8642")));
        auto* action = window().findChild<QAction*>(QStringLiteral("reconcileAction"));
        QVERIFY(action && action->isEnabled());
        action->trigger();
        ui::ManagerPinDialog* pin = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (pin = window().findChild<ui::ManagerPinDialog*>()) && pin->isVisible(), kWaitMs);
        QVERIFY(!window().findChild<ui::ReconcileWindow*>()); // not before the PIN
        auto* field = pin->findChild<QLineEdit*>(QStringLiteral("managerPin"));
        QVERIFY(field);
        QTest::keyClicks(field, QStringLiteral("8642"));
        QTest::keyClick(field, Qt::Key_Return);
        ui::ReconcileWindow* reconcile = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((reconcile = window().findChild<ui::ReconcileWindow*>()) &&
                                     reconcile->isVisible(),
                                 kWaitMs);
        QCOMPARE(reconcile->managerId(), QStringLiteral("M09"));
        reconcile->close();
    }

    // The header's button names its key; the menu entry shows the key once, as a shortcut.
    void headerButtonAndMenuEachShowTheOrdersKeyOnce() {
        QVERIFY(m_h->openAndLogIn());
        auto* action = window().findChild<QAction*>(QStringLiteral("ordersAction"));
        QVERIFY(action);
        QVERIFY(!action->text().contains(QStringLiteral("F5")));
        QCOMPARE(action->shortcut(), QKeySequence(Qt::Key_F5));
        bool inHeader = false;
        for (QToolButton* button : window().header()->findChildren<QToolButton*>())
            inHeader = inHeader || (button->defaultAction() == action &&
                                    button->text() == QStringLiteral("Orders  (F5)"));
        QVERIFY(inHeader);
    }

    void screensFitIn1024x768AndReadAtArmsLength() {
        TillWindowHarness::Options options;
        options.sandboxMode = true; // the banner takes room too
        QVERIFY(m_h->openAndLogIn(options));
        window().resize(1024, 768);
        QTest::qWait(50);
        for (Screen screen : {Screen::Login, Screen::Sale}) {
            if (screen == Screen::Login)
                window().logOut();
            else
                QVERIFY(m_h->logIn(TillWindowHarness::kCashierId, TillWindowHarness::kCashierPin));
            const QSize needed = window().minimumSizeHint();
            QVERIFY2(needed.width() <= 1024 && needed.height() <= 768,
                     qPrintable(QStringLiteral("%1x%2").arg(needed.width()).arg(needed.height())));
            QCOMPARE(window().size(), QSize(1024, 768));
            QTRY_VERIFY2(test::clippedWidgets(&window()).isEmpty(),
                         qPrintable(test::clippedWidgets(&window()).join(u'\n')));
        }
        QVERIFY(window().salePanel()->amountEntry()->edit()->font().pointSize() >= 32);
        QVERIFY(label(window().salePanel(), QStringLiteral("saleTotal"))->font().pointSize() >= 32);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
