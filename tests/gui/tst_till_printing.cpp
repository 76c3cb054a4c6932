// Receipts on a real till: the cashier's sale in the window against the Alipay sandbox, with
// a fake ESC/POS network printer on loopback. The receipt after the sale, the reprint from
// the order detail, a printer that is off (the sale is not touched), the cash drawer and a Z
// report printed from its stored snapshot.

#include "core/printing/PrintedWidth.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "tests/gui/TillWindowHarness.h"
#include "tests/support/CrossThreadSignalSpy.h"
#include "tests/support/EscPosReader.h"
#include "tests/support/FakeEscPosPrinter.h"
#include "tests/support/WaitUntil.h"
#include "ui/orders/OrderDetailDialog.h"
#include "ui/till/AmountEntry.h"
#include "ui/till/CheckoutController.h"
#include "ui/till/NoticeBar.h"
#include "ui/till/PaymentDialog.h"
#include "ui/till/SalePanel.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace qpos;
using qpos::checkout::CheckoutPhase;
using qpos::test::TillWindowHarness;

namespace {

constexpr int kWaitMs = 15000;

PrinterConfig printerAt(const QString& url, bool receiptAfterSale) {
    PrinterConfig c;
    c.enabled = true;
    c.url = url;
    c.width = PaperWidth::Mm58;
    c.receiptAfterSale = receiptAfterSale;
    return c;
}

} // namespace

class TestTillPrinting : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestSandbox> m_sandbox;
    std::unique_ptr<TillWindowHarness> m_h;

    ui::MainWindow& window() { return m_h->window(); }

    // Keys the amount, charges it by QR, the buyer pays; the order number once PAID shows.
    QString sell(const QString& amount) {
        QLineEdit* edit = window().salePanel()->amountEntry()->edit();
        edit->setFocus();
        QTest::keyClicks(edit, amount);
        QTest::keyClick(edit, Qt::Key_Return);
        QDeadlineTimer deadline(kWaitMs);
        while (!window().checkout()->dialog() && !deadline.hasExpired())
            QTest::qWait(10);
        ui::PaymentDialog* dialog = window().checkout()->dialog();
        if (!dialog)
            return QString();
        while (dialog->phase() != CheckoutPhase::Waiting && !deadline.hasExpired())
            QTest::qWait(10);
        const QString outTradeNo = dialog->outTradeNo();
        if (!m_h->sandbox().alipay().buyerPay(outTradeNo).ok())
            return QString();
        while (dialog->phase() != CheckoutPhase::Paid && !deadline.hasExpired())
            QTest::qWait(10);
        if (dialog->phase() != CheckoutPhase::Paid)
            return QString();
        QTest::keyClick(dialog, Qt::Key_Return);
        return outTradeNo;
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

    void receiptIsPrintedAfterTheSale() {
        test::FakeEscPosPrinter printer;
        QVERIFY(printer.listen());
        test::HarnessOptions options;
        options.printer = printerAt(printer.url(), true);
        QVERIFY(m_h->openAndLogIn(options));

        const QString outTradeNo = sell(QStringLiteral("12.34"));
        QVERIFY(!outTradeNo.isEmpty());
        QVERIFY(printer.waitForJobs(1));
        const test::EscPosReading r = test::readEscPos(printer.jobs().first());
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.commands.first().name, QStringLiteral("init"));
        QCOMPARE(r.commands.last().name, QStringLiteral("cut"));
        QCOMPARE(r.qrPayloads(), QList<QByteArray>{outTradeNo.toUtf8()});
        QVERIFY(r.hasLine(QStringLiteral("Test shop")));
        QVERIFY(r.hasLine(outTradeNo));
        QVERIFY(r.lineWith(QStringLiteral("Cai Cashier (C01)")).startsWith(u"Cashier"));
        QVERIFY(r.lineWith(QStringLiteral("Alipay")).startsWith(u"Payment"));
        QVERIFY(r.lineWith(QStringLiteral("Total")).endsWith(u"￥12.34"));
        QVERIFY(r.lineWith(QStringLiteral("REPRINT")).isEmpty());
        for (const test::EscPosLine& line : r.lines)
            QVERIFY2(printing::printedWidth(line.text) * line.widthScale <= 32,
                     qPrintable(line.text));
        QVERIFY(window().notice()->text().isEmpty() || !window().notice()->isVisible());
    }

    void aCashSaleGetsItsReceiptToo() {
        test::FakeEscPosPrinter printer;
        QVERIFY(printer.listen());
        test::HarnessOptions options;
        options.printer = printerAt(printer.url(), true);
        options.cash = true;
        QVERIFY(m_h->open(options));
        test::CrossThreadSignalSpy recorded(&m_h->till(), &service::PosService::cashSaleRecorded);
        NewOrder sale;
        sale.channel = Channel::Cash;
        sale.amountFen = 1280;
        sale.subject = QStringLiteral("Tea");
        sale.cashierId = QStringLiteral("C01");
        m_h->till().takeCash(QStringLiteral("cash-1"), sale, 2000);
        QTRY_COMPARE_WITH_TIMEOUT(recorded.size(), 1, kWaitMs);
        const auto report = recorded.first().at(0).value<checkout::CashSaleReport>();
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QVERIFY(report.order);
        // The drawer's kick may come first on the same printer: find the receipt.
        test::EscPosReading r;
        QVERIFY(test::waitUntil([&] {
            for (const QByteArray& job : printer.jobs()) {
                r = test::readEscPos(job);
                if (r.hasLine(report.order->outTradeNo))
                    return true;
            }
            return false;
        }));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QVERIFY(r.lineWith(QStringLiteral("Payment")).contains(u"Cash"));
        QVERIFY(r.lineWith(QStringLiteral("Total")).endsWith(u"￥12.80"));
    }

    void reprintFromTheOrderDetail() {
        test::FakeEscPosPrinter printer;
        QVERIFY(printer.listen());
        test::HarnessOptions options;
        options.printer = printerAt(printer.url(), false); // no receipt after the sale
        QVERIFY(m_h->openAndLogIn(options));
        const QString outTradeNo = sell(QStringLiteral("8.80"));
        QVERIFY(!outTradeNo.isEmpty());
        QTest::qWait(300);
        QCOMPARE(printer.jobs().size(), 0);

        ui::OrderDetailDialog detail(m_h->till(), outTradeNo, &window());
        detail.show();
        auto* print = detail.findChild<QPushButton*>(QStringLiteral("printReceiptButton"));
        QVERIFY(print);
        QTRY_VERIFY_WITH_TIMEOUT(print->isVisible(), kWaitMs);
        QVERIFY(QTest::qWaitForWindowActive(&detail));
        QTest::keyClick(&detail, Qt::Key_P, Qt::ControlModifier);
        QVERIFY(printer.waitForJobs(1));
        const test::EscPosReading r = test::readEscPos(printer.jobs().first());
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QVERIFY(r.hasLine(QStringLiteral("** REPRINT **")));
        QCOMPARE(r.qrPayloads(), QList<QByteArray>{outTradeNo.toUtf8()});
        QVERIFY(r.lineWith(QStringLiteral("Total")).endsWith(u"￥8.80"));
        auto* message = detail.findChild<QLabel*>(QStringLiteral("detailMessage"));
        QTRY_COMPARE_WITH_TIMEOUT(message->text(), QStringLiteral("The receipt was printed."),
                                  kWaitMs);
    }

    void printerOffLeavesTheSaleAlone() {
        QTcpServer gone;
        QVERIFY(gone.listen(QHostAddress::LocalHost, 0));
        const QString url = QStringLiteral("tcp://127.0.0.1:%1").arg(gone.serverPort());
        gone.close();
        test::HarnessOptions options;
        options.printer = printerAt(url, true);
        QVERIFY(m_h->openAndLogIn(options));
        test::CrossThreadSignalSpy printed(&m_h->till(), &service::PosService::printFinished);

        const QString outTradeNo = sell(QStringLiteral("5.00"));
        QVERIFY(!outTradeNo.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(printed.size(), 1, kWaitMs);
        const auto reply = printed.first().at(1).value<service::PrintReply>();
        QCOMPARE(reply.errorCode, QStringLiteral("printer.unreachable"));
        QCOMPARE(reply.outTradeNo, outTradeNo);
        // The cashier is told what happened and what to do; the sale stands.
        QTRY_VERIFY_WITH_TIMEOUT(window().notice()->text().contains(outTradeNo), kWaitMs);
        QVERIFY(window().notice()->text().contains(u"does not answer"));
        QVERIFY(window().notice()->text().contains(u"Reprint"));
        const std::optional<OrderWithEvents> stored = m_h->loadOrder(outTradeNo);
        QVERIFY(stored);
        QCOMPARE(stored->order.state, OrderState::Paid);
        QCOMPARE(window().screen(), ui::MainWindow::Screen::Sale);
    }

    void drawerAndZReportPrintThroughTheTill() {
        test::FakeEscPosPrinter printer;
        QVERIFY(printer.listen());
        test::HarnessOptions options;
        options.printer = printerAt(printer.url(), false);
        QVERIFY(m_h->openAndLogIn(options));
        const QString outTradeNo = sell(QStringLiteral("20.00"));
        QVERIFY(!outTradeNo.isEmpty());

        test::CrossThreadSignalSpy printed(&m_h->till(), &service::PosService::printFinished);
        m_h->till().openDrawer(QStringLiteral("drawer-1"));
        QVERIFY(printer.waitForJobs(1));
        QCOMPARE(printer.jobs().first(), QByteArray("\x1B\x70\x00\x19\xFA", 5));
        QTRY_COMPARE_WITH_TIMEOUT(printed.size(), 1, kWaitMs);
        QCOMPARE(printed.first().at(0).toString(), QStringLiteral("drawer-1"));
        QVERIFY(printed.first().at(1).value<service::PrintReply>().error.isEmpty());

        // The Z names its manager from the staff list.
        QVERIFY(m_h->saveStaff(
            StaffMember{QStringLiteral("M01"), QStringLiteral("Mia Manager"), StaffRole::Manager},
            QStringLiteral("2468")));
        test::CrossThreadSignalSpy zs(&m_h->till(), &service::PosService::zReportsLoaded);
        m_h->till().takeZReport(QStringLiteral("z-1"), QStringLiteral("M01"), true);
        QTRY_COMPARE_WITH_TIMEOUT(zs.size(), 1, kWaitMs);
        const auto taken = zs.first().at(1).value<service::ZReportsReply>();
        QVERIFY2(taken.error.isEmpty(), qPrintable(taken.error));
        const reports::ZReport z = taken.zReports.first();
        m_h->till().printZReport(QStringLiteral("z-print"), z.seq);
        QVERIFY(printer.waitForJobs(2));
        const test::EscPosReading r = test::readEscPos(printer.jobs().at(1));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QVERIFY(r.hasLine(QStringLiteral("Z report No. %1").arg(z.seq)));
        // The name may wrap onto the next line of a 58 mm slip.
        QVERIFY(r.texts().join(u' ').contains(u"by Mia Manager (M01)"));
        // The snapshot's figures, as stored when the Z was taken.
        QCOMPARE(z.snapshot.total.saleFen, money::Fen(2000));
        QVERIFY(r.lineWith(QStringLiteral("Gross")).endsWith(u"￥20.00"));
        QVERIFY(r.lineWith(QStringLiteral("Cai Cashier (C01)")).endsWith(u"￥20.00"));
    }
};

QTEST_MAIN(TestTillPrinting)
#include "tst_till_printing.moc"
