// Refunds from the order details against a real till and the Alipay sandbox: the manager's
// PIN is required (a wrong PIN or a cashier's PIN sends nothing), a partial refund then the
// rest, an amount above what is left is refused before any PIN is asked, and a refund whose
// answer is lost is shown as being confirmed, never as failed.

#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/faults/FaultPlan.h"
#include "sandbox/faults/FaultRule.h"
#include "tests/gui/ManagerPinPrompt.h"
#include "tests/gui/TillFixture.h"
#include "tests/support/CrossThreadSignalSpy.h"
#include "ui/orders/OrderDetailDialog.h"
#include "ui/refund/RefundDialog.h"
#include "ui/support/ManagerPinDialog.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace qpos;
using qpos::test::onPinPrompt;
using qpos::test::TillFixture;

namespace {

// Types `pin` and presses Enter in the prompt.
void enterPin(ui::ManagerPinDialog* prompt, const QString& pin) {
    auto* field = prompt->findChild<QLineEdit*>(QStringLiteral("managerPin"));
    QCOMPARE(field->echoMode(), QLineEdit::Password); // masked
    QTest::keyClicks(field, pin);
    QTest::keyClick(field, Qt::Key_Return);
}

// After a refused PIN: waits until the prompt shows why, keeps the text, presses Escape.
void expectRefusalThenCancel(ui::ManagerPinDialog* prompt, QString* shown) {
    auto* message = prompt->findChild<QLabel*>(QStringLiteral("pinMessage"));
    auto* poll = new QTimer(prompt);
    QObject::connect(poll, &QTimer::timeout, prompt, [poll, prompt, message, shown] {
        const QString text = message->text();
        if (text.isEmpty() || text == ui::ManagerPinDialog::tr("Checking…"))
            return;
        poll->stop();
        // Still open, asking again; the refused PIN is not kept in the field.
        *shown = prompt->isVisible() && prompt->findChild<QLineEdit*>()->text().isEmpty()
                     ? text
                     : QStringLiteral("<closed>");
        QTest::keyClick(prompt, Qt::Key_Escape);
    });
    poll->start(10);
}

} // namespace

class TestRefundDialog : public QObject {
    Q_OBJECT

    TillFixture m_fixture;

    sandbox::AlipaySimulator& sim() { return m_fixture.sandbox().alipay(); }

    // Opens the refund dialog of the order shown in `detail` with its Refund… button.
    static void openRefund(ui::OrderDetailDialog& detail, ui::RefundDialog** opened) {
        *opened = nullptr;
        auto* button = detail.findChild<QPushButton*>(QStringLiteral("refundButton"));
        QVERIFY(button);
        QTRY_VERIFY_WITH_TIMEOUT(button->isVisible() && button->isEnabled(), 10000);
        QTest::mouseClick(button, Qt::LeftButton);
        QTRY_VERIFY((*opened = detail.findChild<ui::RefundDialog*>()) != nullptr);
    }

    static QString messageOf(ui::RefundDialog* dialog) {
        return dialog->findChild<QLabel*>(QStringLiteral("refundMessage"))->text();
    }

    static void submit(ui::RefundDialog* dialog) {
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("submitRefund")),
                          Qt::LeftButton);
    }

    void refusedPinSendsNothing(const QString& pin, const QString& expected) {
        const auto order = m_fixture.paidOrder(1000);
        QVERIFY(order);
        ui::OrderDetailDialog detail(m_fixture.till(), order->outTradeNo);
        detail.show();
        ui::RefundDialog* dialog = nullptr;
        openRefund(detail, &dialog);
        QVERIFY(dialog);
        test::CrossThreadSignalSpy finished(&m_fixture.till(),
                                            &service::PosService::refundFinished);

        QString refusal;
        onPinPrompt([&](ui::ManagerPinDialog* prompt) {
            enterPin(prompt, pin);
            expectRefusalThenCancel(prompt, &refusal);
        });
        submit(dialog);
        QVERIFY2(refusal.contains(expected), qPrintable(refusal));
        QVERIFY(messageOf(dialog).contains(QStringLiteral("Nothing was refunded")));
        QVERIFY(!dialog->report());

        // Nothing reached the provider, and the order is untouched.
        QTest::qWait(300);
        QCOMPARE(finished.count(), 0);
        QVERIFY(sim().trade(order->outTradeNo)->refunds.isEmpty());
        const auto after = m_fixture.load(order->outTradeNo);
        QVERIFY(after);
        QCOMPARE(after->state, OrderState::Paid);
        QCOMPARE(after->refundedFen, money::Fen(0));
    }

private slots:
    void initTestCase() { QVERIFY(m_fixture.start()); }

    void wrongPinIsRefused() {
        refusedPinSendsNothing(QStringLiteral("9999"), QStringLiteral("manager"));
    }

    void cashiersPinIsRefused() {
        refusedPinSendsNothing(TillFixture::kCashierPin, QStringLiteral("manager"));
    }

    void amountAboveWhatIsLeftIsRefusedBeforeThePin() {
        const auto order = m_fixture.paidOrder(500);
        QVERIFY(order);
        ui::RefundDialog dialog(m_fixture.till(), *order);
        dialog.show();
        auto* amount = dialog.findChild<QLineEdit*>(QStringLiteral("refundAmount"));
        QCOMPARE(amount->text(), QStringLiteral("5.00"));
        amount->selectAll();
        QTest::keyClicks(amount, QStringLiteral("5.01"));
        submit(&dialog); // no prompt may appear: this would block if one did
        QVERIFY(messageOf(&dialog).contains(QStringLiteral("At most 5.00 yuan")));
        amount->selectAll();
        QTest::keyClicks(amount, QStringLiteral("1.234"));
        submit(&dialog);
        QVERIFY(!messageOf(&dialog).isEmpty());
        QVERIFY(!messageOf(&dialog).contains(QStringLiteral("Sending")));
        QVERIFY(sim().trade(order->outTradeNo)->refunds.isEmpty());
    }

    void partialRefundThenTheRest() {
        const auto order = m_fixture.paidOrder(1000);
        QVERIFY(order);
        ui::OrderDetailDialog detail(m_fixture.till(), order->outTradeNo);
        detail.show();

        // 3.00 of 10.00, with a reason.
        ui::RefundDialog* first = nullptr;
        openRefund(detail, &first);
        QVERIFY(first);
        auto* amount = first->findChild<QLineEdit*>(QStringLiteral("refundAmount"));
        QCOMPARE(amount->text(), QStringLiteral("10.00"));
        amount->selectAll();
        QTest::keyClicks(amount, QStringLiteral("3"));
        QTest::keyClicks(first->findChild<QLineEdit*>(QStringLiteral("refundReason")),
                         QStringLiteral("one cup returned"));
        QSignalSpy firstReport(first, &ui::RefundDialog::refundReported);
        onPinPrompt(
            [](ui::ManagerPinDialog* prompt) { enterPin(prompt, TillFixture::kManagerPin); });
        submit(first);
        QVERIFY(firstReport.wait(20000));
        QVERIFY(first->report()->ok);
        QVERIFY(messageOf(first).contains(QStringLiteral("Refund done")));
        QVERIFY(!first->findChild<QPushButton*>(QStringLiteral("submitRefund"))->isVisible());
        QCOMPARE(sim().trade(order->outTradeNo)->refunded, money::Fen(300));
        QCOMPARE(sim().trade(order->outTradeNo)->refunds.first().reason,
                 QStringLiteral("one cup returned"));
        QTRY_COMPARE(detail.order()->order.state, OrderState::PartiallyRefunded);
        QCOMPARE(detail.order()->order.refundedFen, money::Fen(300));
        QCOMPARE(detail.findChild<QLabel*>(QStringLiteral("detailRefunded"))->text(),
                 QStringLiteral("3.00 yuan"));
        first->close();
        QTRY_VERIFY(!detail.findChild<ui::RefundDialog*>());

        // The rest: the amount offered is what is left.
        ui::RefundDialog* second = nullptr;
        openRefund(detail, &second);
        QVERIFY(second);
        QCOMPARE(second->findChild<QLineEdit*>(QStringLiteral("refundAmount"))->text(),
                 QStringLiteral("7.00"));
        QSignalSpy secondReport(second, &ui::RefundDialog::refundReported);
        onPinPrompt(
            [](ui::ManagerPinDialog* prompt) { enterPin(prompt, TillFixture::kManagerPin); });
        submit(second);
        QVERIFY(secondReport.wait(20000));
        QVERIFY(second->report()->ok);
        QCOMPARE(sim().trade(order->outTradeNo)->refunded, money::Fen(1000));
        QTRY_COMPARE(detail.order()->order.state, OrderState::Refunded);
        QVERIFY(!detail.findChild<QPushButton*>(QStringLiteral("refundButton"))->isVisible());
        const auto stored = m_fixture.load(order->outTradeNo);
        QVERIFY(stored);
        QCOMPARE(stored->refundedFen, money::Fen(1000));
        second->close();
    }

    void lostAnswerIsShownAsBeingConfirmed() {
        const auto order = m_fixture.paidOrder(800);
        QVERIFY(order);
        // The refund reaches Alipay but its answer is lost, and Alipay cannot be asked.
        sandbox::FaultRule drop;
        drop.kind = sandbox::FaultKind::DropAfterCommit;
        drop.method = QStringLiteral("alipay.trade.refund");
        drop.remaining = -1;
        m_fixture.sandbox().faults().add(drop);
        sandbox::FaultRule down;
        down.kind = sandbox::FaultKind::HttpError;
        down.method = QStringLiteral("alipay.trade.fastpay.refund.query");
        down.remaining = -1;
        m_fixture.sandbox().faults().add(down);

        ui::RefundDialog dialog(m_fixture.till(), *order);
        dialog.show();
        QSignalSpy report(&dialog, &ui::RefundDialog::refundReported);
        onPinPrompt(
            [](ui::ManagerPinDialog* prompt) { enterPin(prompt, TillFixture::kManagerPin); });
        submit(&dialog);
        QVERIFY(report.wait(30000));
        m_fixture.sandbox().faults().clear();
        QVERIFY(dialog.report()->pending);
        QVERIFY(!dialog.report()->ok);
        QVERIFY2(messageOf(&dialog).contains(QStringLiteral("Being confirmed")),
                 qPrintable(messageOf(&dialog)));
        QVERIFY(!messageOf(&dialog).contains(QStringLiteral("not made")));
    }
};

QTEST_MAIN(TestRefundDialog)
#include "tst_refund_dialog.moc"
