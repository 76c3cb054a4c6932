// The cashier's checkout on the real window against a real till and the Alipay sandbox:
// type an amount, press Enter, see the QR, the buyer pays, PAID; Esc cancels; a barcode
// scanner's burst charges the customer's payment code; a bad amount charges nothing; the
// window stays responsive while the gateway is slow.

#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/faults/FaultRule.h"
#include "tests/gui/TillWindowHarness.h"
#include "ui/till/AmountEntry.h"
#include "ui/till/CheckoutController.h"
#include "ui/till/ItemLinesEditor.h"
#include "ui/till/PaymentDialog.h"
#include "ui/till/QrView.h"
#include "ui/till/SalePanel.h"
#include "ui/till/TillHeader.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTest>
#include <QTimer>

using namespace qpos;
using qpos::checkout::CheckoutPhase;
using qpos::test::TillWindowHarness;

namespace {

constexpr int kWaitMs = 15000;
const QString kAlipayCode = QStringLiteral("287951669656380000");

QString labelText(QWidget* root, const QString& name) {
    auto* label = root->findChild<QLabel*>(name);
    return label ? label->text() : QStringLiteral("<no label %1>").arg(name);
}

// Every text a QLabel or QLineEdit shows in any window.
QStringList allShownTexts() {
    QStringList texts;
    for (QWidget* top : QApplication::topLevelWidgets()) {
        for (QLabel* label : top->findChildren<QLabel*>())
            texts << label->text();
        for (QLineEdit* edit : top->findChildren<QLineEdit*>()) {
            if (edit->echoMode() == QLineEdit::Normal)
                texts << edit->text();
        }
        texts << top->windowTitle();
    }
    return texts;
}

} // namespace

class TestTillCheckout : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestSandbox> m_sandbox;
    std::unique_ptr<TillWindowHarness> m_h;

    ui::MainWindow& window() { return m_h->window(); }
    ui::SalePanel* sale() { return window().salePanel(); }
    QLineEdit* amountEdit() { return sale()->amountEntry()->edit(); }

    void typeAmount(const QString& text) {
        amountEdit()->setFocus();
        QTest::keyClicks(amountEdit(), text);
    }

    // The scanner: the digits far faster than a person types, then Enter. The cashier pauses
    // between typing the amount and aiming the scanner.
    void scan(const QString& code) {
        QTest::qWait(120);
        QTest::keyClicks(amountEdit(), code);
        QTest::keyClick(amountEdit(), Qt::Key_Return);
    }

    ui::PaymentDialog* waitForDialog() {
        QDeadlineTimer deadline(kWaitMs);
        while (!window().checkout()->dialog() && !deadline.hasExpired())
            QTest::qWait(10);
        return window().checkout()->dialog();
    }

    bool waitForPhase(ui::PaymentDialog* dialog, CheckoutPhase phase) {
        QDeadlineTimer deadline(kWaitMs);
        while (dialog->phase() != phase && !deadline.hasExpired())
            QTest::qWait(10);
        return dialog->phase() == phase;
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
    }
    void cleanup() { m_h.reset(); }

    void qrPaymentShowsTheQrThenPaid() {
        QVERIFY(m_h->openAndLogIn());
        typeAmount(QStringLiteral("12.34"));
        QCOMPARE(labelText(sale(), QStringLiteral("saleTotal")), QStringLiteral("Total ¥ 12.34"));
        QTest::keyClick(amountEdit(), Qt::Key_Return);

        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Waiting));
        QCOMPARE(labelText(dialog, QStringLiteral("paymentAmount")), QStringLiteral("¥ 12.34"));
        QVERIFY(
            labelText(dialog, QStringLiteral("paymentChannel")).contains(QStringLiteral("Alipay")));
        QVERIFY(
            labelText(dialog, QStringLiteral("paymentStatus")).contains(QStringLiteral("scan")));
        QVERIFY(labelText(dialog, QStringLiteral("paymentCountdown"))
                    .startsWith(QStringLiteral("Time left")));
        // The QR is on screen, square, at least 300 px in a 1024×768 window.
        QVERIFY(dialog->qrView()->hasCode());
        QTRY_VERIFY(!dialog->qrView()->image().isNull());
        const QImage qr = dialog->qrView()->image();
        QCOMPARE(qr.width(), qr.height());
        QVERIFY2(qr.width() >= 300, qPrintable(QString::number(qr.width())));
        QVERIFY(dialog->qrView()->isVisible());
        // Once the layout took the new texts in, nothing is cut off.
        QTRY_VERIFY2(test::clippedWidgets(dialog).isEmpty(),
                     qPrintable(test::clippedWidgets(dialog).join(u'\n')));
        // The QR is the one the sandbox issued for this order.
        const QString outTradeNo = dialog->outTradeNo();
        QVERIFY(!outTradeNo.isEmpty());
        const std::optional<sandbox::AlipayTrade> trade = m_h->sandbox().alipay().trade(outTradeNo);
        QVERIFY(trade);
        QCOMPARE(trade->total, money::Fen(1234));
        QCOMPARE(dialog->lastUpdate()->qrCode, trade->qrCode);

        // The till is not closed under an open payment.
        QVERIFY(!window().close());
        QVERIFY(window().isVisible());
        QVERIFY(window().header()->status().contains(QStringLiteral("payment is open")));

        QVERIFY(m_h->sandbox().alipay().buyerPay(outTradeNo).ok());
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Paid));
        QCOMPARE(labelText(dialog, QStringLiteral("resultTitle")), QStringLiteral("PAID"));
        QCOMPARE(labelText(dialog, QStringLiteral("resultAmount")), QStringLiteral("¥ 12.34"));
        QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("resultTitle"))->isVisible());
        QTRY_VERIFY2(test::clippedWidgets(dialog).isEmpty(),
                     qPrintable(test::clippedWidgets(dialog).join(u'\n')));

        // Enter: the next customer.
        QTest::keyClick(dialog, Qt::Key_Return);
        QTRY_VERIFY(!window().checkout()->isOpen());
        QCOMPARE(amountEdit()->text(), QString());
        QCOMPARE(window().screen(), ui::MainWindow::Screen::Sale);
        QVERIFY(window().header()->status().contains(QStringLiteral("12.34")));
        QTRY_COMPARE_WITH_TIMEOUT(window().header()->totalsText(),
                                  QStringLiteral("Today: 1 payment · net ¥ 12.34"), kWaitMs);

        const std::optional<OrderWithEvents> stored = m_h->loadOrder(outTradeNo);
        QVERIFY(stored);
        QCOMPARE(stored->order.state, OrderState::Paid);
        QCOMPARE(stored->order.cashierId, TillWindowHarness::kCashierId);
        QCOMPARE(stored->order.subject, QStringLiteral("Test shop"));
    }

    void firstDigitWarmsTheConnectionBeforeCharge() {
        test::HarnessOptions options;
        options.keepAliveS = 1;
        QVERIFY(m_h->openAndLogIn(options));
        // Idle: the connection the till opened at start is closed (the sandbox closes one idle
        // for 8 s, as WeChat Pay does; the client lets one go after its keep-alive).
        const int closedBefore = m_h->sandbox().connectionCounts().idleClosed;
        QTRY_VERIFY_WITH_TIMEOUT(m_h->sandbox().connectionCounts().idleClosed > closedBefore,
                                 kWaitMs);
        QTest::qWait(200);
        const sandbox::ConnectionCounts idle = m_h->sandbox().connectionCounts();

        // The first digit opens the connection, before any Charge and without a request.
        amountEdit()->setFocus();
        QTest::keyClick(amountEdit(), Qt::Key_1);
        QTRY_COMPARE_WITH_TIMEOUT(m_h->sandbox().connectionCounts().connections,
                                  idle.connections + 1, kWaitMs);
        QCOMPARE(m_h->sandbox().connectionCounts().requests, idle.requests);

        QTest::keyClicks(amountEdit(), QStringLiteral("2.34"));
        QTest::keyClick(amountEdit(), Qt::Key_Return);
        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Waiting));
        // Charge used the warmed connection: no new one between Charge and the QR.
        QCOMPARE(m_h->sandbox().connectionCounts().connections, idle.connections + 1);
    }

    void paidScreenClosesByItself() {
        TillWindowHarness::Options options;
        options.paidScreenMs = 300;
        QVERIFY(m_h->openAndLogIn(options));
        typeAmount(QStringLiteral("3"));
        QTest::keyClick(amountEdit(), Qt::Key_Return);
        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Waiting));
        QVERIFY(m_h->sandbox().alipay().buyerPay(dialog->outTradeNo()).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!window().checkout()->isOpen(), kWaitMs);
        QCOMPARE(amountEdit()->text(), QString());
    }

    // The PAID screen closed by itself just before the cashier pressed Enter to dismiss it,
    // or Enter was held: that Enter lands in the empty amount field and must do nothing there.
    void enterMeantForThePaidScreenChargesNothing() {
        TillWindowHarness::Options options;
        options.paidScreenMs = 300;
        QVERIFY(m_h->openAndLogIn(options));
        typeAmount(QStringLiteral("3"));
        QTest::keyClick(amountEdit(), Qt::Key_Return);
        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Waiting));
        QVERIFY(m_h->sandbox().alipay().buyerPay(dialog->outTradeNo()).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!window().checkout()->isOpen(), kWaitMs);

        QTRY_COMPARE(window().focusWidget(), static_cast<QWidget*>(amountEdit()));
        QTest::keyClick(amountEdit(), Qt::Key_Return);
        QKeyEvent held(QEvent::KeyPress, Qt::Key_Return, Qt::NoModifier, QStringLiteral("\r"),
                       true);
        QApplication::sendEvent(amountEdit(), &held);
        QTest::qWait(50);
        QCOMPARE(amountEdit()->text(), QString());
        QCOMPARE(window().focusWidget(), static_cast<QWidget*>(amountEdit()));
        QCOMPARE(sale()->amountEntry()->errorText(), QString());
        QCOMPARE(sale()->message(), QString());
        QVERIFY(!window().checkout()->isOpen());

        // The next sale works at once.
        QTest::keyClicks(amountEdit(), QStringLiteral("4.50"));
        QTest::keyClick(amountEdit(), Qt::Key_Return);
        dialog = waitForDialog();
        QVERIFY(dialog);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Waiting));
        QCOMPARE(labelText(dialog, QStringLiteral("paymentAmount")), QStringLiteral("¥ 4.50"));
        QTest::keyClick(dialog, Qt::Key_Escape);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Cancelled));
        QTest::keyClick(dialog, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!window().checkout()->isOpen(), kWaitMs);
    }

    void escCancelsThePayment() {
        QVERIFY(m_h->openAndLogIn());
        typeAmount(QStringLiteral("5.00"));
        QTest::keyClick(amountEdit(), Qt::Key_Return);
        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Waiting));
        const QString outTradeNo = dialog->outTradeNo();

        // Enter must never cancel; Esc asks for the cancel.
        QTest::keyClick(dialog, Qt::Key_Return);
        QVERIFY(window().checkout()->isOpen());
        QVERIFY(!dialog->isCancelling());
        QTest::keyClick(dialog, Qt::Key_Escape);
        QVERIFY(dialog->isCancelling());
        QVERIFY(dialog->isVisible()); // only the provider's answer closes it
        QCOMPARE(labelText(dialog, QStringLiteral("paymentStatus")), QStringLiteral("Cancelling…"));
        QVERIFY(!dialog->findChild<QPushButton*>(QStringLiteral("paymentCancel"))->isEnabled());

        QVERIFY(waitForPhase(dialog, CheckoutPhase::Cancelled));
        QCOMPARE(labelText(dialog, QStringLiteral("resultTitle")),
                 QStringLiteral("Payment cancelled"));
        QVERIFY(labelText(dialog, QStringLiteral("resultExplanation"))
                    .contains(QStringLiteral("No money")));
        QTest::keyClick(dialog, Qt::Key_Return);
        QTRY_VERIFY(!window().checkout()->isOpen());
        // The sale stays keyed: the customer may pay another way.
        QCOMPARE(amountEdit()->text(), QStringLiteral("5.00"));
        QVERIFY(window().header()->status().contains(QStringLiteral("cancelled")));
        // Kept, but selected: typing replaces it.
        QTest::keyClicks(amountEdit(), QStringLiteral("6"));
        QCOMPARE(amountEdit()->text(), QStringLiteral("6"));

        const std::optional<sandbox::AlipayTrade> trade = m_h->sandbox().alipay().trade(outTradeNo);
        QVERIFY(trade);
        QCOMPARE(trade->status, sandbox::AlipayTradeStatus::Closed);
        const std::optional<OrderWithEvents> stored = m_h->loadOrder(outTradeNo);
        QVERIFY(stored);
        QCOMPARE(stored->order.state, OrderState::Cancelled);
    }

    void scannerBurstPaysByCode() {
        QVERIFY(m_h->openAndLogIn());
        typeAmount(QStringLiteral("8.00"));
        scan(kAlipayCode);
        // The digits it typed into the field are taken back.
        QCOMPARE(amountEdit()->text(), QStringLiteral("8.00"));

        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QVERIFY(!dialog->qrView()->isVisible());
        QVERIFY(labelText(dialog, QStringLiteral("paymentChannel"))
                    .contains(QStringLiteral("payment code")));
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Paid));
        QCOMPARE(labelText(dialog, QStringLiteral("resultTitle")), QStringLiteral("PAID"));
        const QString outTradeNo = dialog->outTradeNo();
        // The code is a secret: nowhere on screen.
        for (const QString& text : allShownTexts())
            QVERIFY2(!text.contains(kAlipayCode.left(10)), qPrintable(text));

        QTest::keyClick(dialog, Qt::Key_Return);
        QTRY_VERIFY(!window().checkout()->isOpen());
        const std::optional<sandbox::AlipayTrade> trade = m_h->sandbox().alipay().trade(outTradeNo);
        QVERIFY(trade);
        QCOMPARE(trade->kind, sandbox::AlipayTrade::Kind::BarCode);
        QCOMPARE(trade->total, money::Fen(800));
        QCOMPARE(trade->status, sandbox::AlipayTradeStatus::Success);
        const std::optional<OrderWithEvents> stored = m_h->loadOrder(outTradeNo);
        QVERIFY(stored);
        QCOMPARE(stored->order.flow, PaymentFlow::PayByCode);
        QCOMPARE(stored->order.state, OrderState::Paid);
    }

    void codeConfirmedOnThePhone() {
        sandbox::AlipayOptions options = m_h->sandbox().alipay().options();
        options.payBehaviour = sandbox::AlipayPayBehaviour::BuyerConfirms;
        m_h->sandbox().alipay().setOptions(options);
        QVERIFY(m_h->openAndLogIn());
        typeAmount(QStringLiteral("2.50"));
        scan(kAlipayCode);
        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Confirming));
        QCOMPARE(labelText(dialog, QStringLiteral("paymentStatus")),
                 QStringLiteral("Customer is confirming on the phone"));
        QVERIFY(m_h->sandbox().alipay().buyerPay(dialog->outTradeNo()).ok());
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Paid));
    }

    void unknownCodePrefixIsRefused() {
        QVERIFY(m_h->openAndLogIn());
        typeAmount(QStringLiteral("8.00"));
        scan(QStringLiteral("990000000000000000"));
        QCOMPARE(amountEdit()->text(), QStringLiteral("8.00"));
        QVERIFY(sale()->message().contains(QStringLiteral("not from a payment app")));
        QTest::qWait(100);
        QVERIFY(!window().checkout()->isOpen());
        QCOMPARE(m_h->sandboxTradeCount(), 0);
    }

    void badAmountChargesNothing() {
        QVERIFY(m_h->openAndLogIn());
        typeAmount(QStringLiteral("12.345"));
        // Shown while typing, and again on Enter.
        QVERIFY(sale()->amountEntry()->errorText().contains(QStringLiteral("two decimals")));
        QTest::keyClick(amountEdit(), Qt::Key_Return);
        QVERIFY(sale()->amountEntry()->errorText().contains(QStringLiteral("two decimals")));
        QVERIFY(window().findChild<QLabel*>(QStringLiteral("amountError"))->isVisible());

        QTest::keyClick(amountEdit(), Qt::Key_Escape); // Esc clears
        QCOMPARE(amountEdit()->text(), QString());
        QTest::keyClick(amountEdit(), Qt::Key_Return); // nothing typed
        QVERIFY(sale()->amountEntry()->errorText().contains(QStringLiteral("enter an amount")));
        typeAmount(QStringLiteral("0"));
        QTest::keyClick(amountEdit(), Qt::Key_F1);
        QVERIFY(sale()->amountEntry()->errorText().contains(QStringLiteral("0.01")));

        QTest::qWait(200);
        QVERIFY(!window().checkout()->isOpen());
        QCOMPARE(m_h->sandboxTradeCount(), 0);
    }

    void keypadTypesTheAmount() {
        QVERIFY(m_h->openAndLogIn());
        for (const char* key : {"keypad_4", "keypad_2", "keypad_dot", "keypad_5", "keypad_0"})
            QTest::mouseClick(window().findChild<QPushButton*>(QString::fromLatin1(key)),
                              Qt::LeftButton);
        QCOMPARE(amountEdit()->text(), QStringLiteral("42.50"));
        QTest::mouseClick(window().findChild<QPushButton*>(QStringLiteral("keypad_back")),
                          Qt::LeftButton);
        QCOMPARE(amountEdit()->text(), QStringLiteral("42.5"));
        QVERIFY(amountEdit()->hasFocus()); // the keyboard keeps typing where it was
        QTest::mouseClick(sale()->chargeButton(Channel::Alipay), Qt::LeftButton);
        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QCOMPARE(labelText(dialog, QStringLiteral("paymentAmount")), QStringLiteral("¥ 42.50"));
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Waiting));
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("paymentCancel")),
                          Qt::LeftButton);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Cancelled));
    }

    void itemLinesBecomeTheOrderAndTheBannerPays() {
        TillWindowHarness::Options options;
        options.sandboxMode = true;
        QVERIFY(m_h->openAndLogIn(options));
        ui::ItemLinesEditor* items = sale()->itemLines();
        auto* name = window().findChild<QLineEdit*>(QStringLiteral("itemName"));
        auto* quantity = window().findChild<QSpinBox*>(QStringLiteral("itemQuantity"));
        auto* price = window().findChild<QLineEdit*>(QStringLiteral("itemPrice"));
        name->setFocus();
        QTest::keyClicks(name, QStringLiteral("Coffee"));
        quantity->setValue(2);
        QTest::keyClicks(price, QStringLiteral("3.50"));
        QTest::keyClick(price, Qt::Key_Return);
        QTest::keyClicks(name, QStringLiteral("Tea"));
        QTest::keyClicks(price, QStringLiteral("4"));
        QTest::keyClick(price, Qt::Key_Return);
        QCOMPARE(items->items().size(), 2);
        QCOMPARE(amountEdit()->text(), QStringLiteral("11.00"));
        QVERIFY(amountEdit()->isReadOnly());
        QCOMPARE(labelText(sale(), QStringLiteral("saleTotal")), QStringLiteral("Total ¥ 11.00"));

        // A wrong price is refused with its reason.
        QTest::keyClicks(name, QStringLiteral("Cake"));
        QTest::keyClicks(price, QStringLiteral("1.234"));
        QTest::keyClick(price, Qt::Key_Return);
        QCOMPARE(items->items().size(), 2);
        QVERIFY(labelText(sale(), QStringLiteral("itemError"))
                    .contains(QStringLiteral("two decimals")));
        name->clear();
        price->clear();

        // Enter on the empty item fields charges.
        name->setFocus();
        QTest::keyClick(name, Qt::Key_Return);
        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QCOMPARE(labelText(dialog, QStringLiteral("paymentAmount")), QStringLiteral("¥ 11.00"));
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Waiting));
        auto* pays = dialog->findChild<QPushButton*>(QStringLiteral("buyerPays"));
        QVERIFY(pays);
        QVERIFY(pays->isVisible());
        QTRY_VERIFY(pays->isEnabled());
        QTest::mouseClick(pays, Qt::LeftButton);
        QCOMPARE(m_h->buyer().calls, 1);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Paid));
        const QString outTradeNo = dialog->outTradeNo();
        QTest::keyClick(dialog, Qt::Key_Return);
        QTRY_VERIFY(!window().checkout()->isOpen());
        QVERIFY(items->isEmpty());
        QVERIFY(!amountEdit()->isReadOnly());

        const std::optional<OrderWithEvents> stored = m_h->loadOrder(outTradeNo);
        QVERIFY(stored);
        QCOMPARE(stored->order.amountFen, money::Fen(1100));
        QCOMPARE(stored->order.items.size(), 2);
        QCOMPARE(stored->order.items.at(0).name, QStringLiteral("Coffee"));
        QCOMPARE(stored->order.items.at(0).quantity, 2);
        QCOMPARE(stored->order.items.at(0).unitPriceFen, money::Fen(350));
        QCOMPARE(stored->order.subject, QStringLiteral("Test shop: Coffee ×2, Tea"));
    }

    void bannerBuyerCancels() {
        TillWindowHarness::Options options;
        options.sandboxMode = true;
        QVERIFY(m_h->openAndLogIn(options));
        typeAmount(QStringLiteral("7"));
        QTest::keyClick(amountEdit(), Qt::Key_F1);
        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Waiting));
        auto* cancels = dialog->findChild<QPushButton*>(QStringLiteral("buyerCancels"));
        QVERIFY(cancels);
        QTRY_VERIFY(cancels->isEnabled());
        // The buyer scans first (a trade nobody scanned is invisible to queries), then gives up.
        QVERIFY(m_h->sandbox().alipay().buyerScan(dialog->outTradeNo()).ok());
        QTest::mouseClick(cancels, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isFinal(), kWaitMs);
        QVERIFY(dialog->phase() != CheckoutPhase::Paid);
        QVERIFY(!labelText(dialog, QStringLiteral("resultTitle")).isEmpty());
    }

    void windowRepaintsDuringSlowGateway() {
        sandbox::FaultRule slow;
        slow.kind = sandbox::FaultKind::Latency;
        slow.method = QStringLiteral("alipay.trade.precreate");
        slow.latencyMs = 3000;
        m_h->sandbox().faults().add(slow);
        TillWindowHarness::Options options;
        options.clientTimeoutMs = 8000;
        QVERIFY(m_h->openAndLogIn(options));

        typeAmount(QStringLiteral("9.99"));
        QTest::keyClick(amountEdit(), Qt::Key_Return);
        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QCOMPARE(dialog->phase(), CheckoutPhase::Creating);

        // A 20 ms timer on the GUI thread keeps firing while the precreate is slow.
        QElapsedTimer clock;
        clock.start();
        qint64 last = 0;
        qint64 maxGap = 0;
        int ticks = 0;
        int paints = 0;
        QTimer ticker;
        ticker.setInterval(20);
        QObject::connect(&ticker, &QTimer::timeout, [&] {
            const qint64 now = clock.elapsed();
            maxGap = std::max(maxGap, now - last);
            last = now;
            ++ticks;
            // The dialog repaints on demand meanwhile.
            dialog->update();
            dialog->repaint();
            ++paints;
        });
        ticker.start();
        QElapsedTimer waited;
        waited.start();
        while (dialog->phase() == CheckoutPhase::Creating && waited.elapsed() < kWaitMs)
            QTest::qWait(5);
        ticker.stop();
        QVERIFY2(waited.elapsed() >= 2500, qPrintable(QString::number(waited.elapsed())));
        QCOMPARE(dialog->phase(), CheckoutPhase::Waiting);
        QVERIFY2(maxGap < 200, qPrintable(QStringLiteral("max gap %1 ms").arg(maxGap)));
        QVERIFY(ticks > 50);
        QVERIFY(paints > 50);
        QVERIFY(dialog->qrView()->hasCode());

        QTest::keyClick(dialog, Qt::Key_Escape);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Cancelled));
    }
};

QTEST_MAIN(TestTillCheckout)
#include "tst_till_checkout.moc"
