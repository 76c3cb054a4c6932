// The sale screen's parts on their own: telling a scanner from a person, payment code
// prefixes, the amount field, and the payment dialog's rules (cancel only through the
// provider's answer, late updates ignored, countdown).

#include "ui/till/AmountEntry.h"
#include "ui/till/PaymentCode.h"
#include "ui/till/PaymentDialog.h"
#include "ui/till/QrView.h"
#include "ui/till/SalePanel.h"
#include "ui/till/ScannerBurstDetector.h"
#include "ui/till/TillHeader.h"

#include <QApplication>
#include <QDateTime>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>
#include <QVBoxLayout>

using namespace qpos;
using qpos::checkout::CheckoutPhase;
using qpos::checkout::CheckoutUpdate;

namespace {

const QString kCode = QStringLiteral("287951669656380000");

CheckoutUpdate update(CheckoutPhase phase,
                      const QString& outTradeNo = QStringLiteral("S01_T01_1")) {
    CheckoutUpdate u;
    u.requestId = QStringLiteral("r1");
    u.outTradeNo = outTradeNo;
    u.amountFen = 1234;
    u.phase = phase;
    return u;
}

QString labelText(QWidget* root, const QString& name) {
    auto* label = root->findChild<QLabel*>(name);
    return label ? label->text() : QString();
}

} // namespace

class TestTillWidgets : public QObject {
    Q_OBJECT

private slots:
    // What the cashier sees of the store backend link in the header.
    void headerShowsTheStoreServerLink() {
        using State = link::LinkStatus::State;
        ui::TillHeader header(QStringLiteral("Tea"), QStringLiteral("S01"), QStringLiteral("T01"));
        header.resize(900, 120);
        header.show();
        auto* indicator = header.findChild<QWidget*>(QStringLiteral("linkIndicator"));
        auto* state = header.findChild<QLabel*>(QStringLiteral("linkState"));
        auto* waiting = header.findChild<QLabel*>(QStringLiteral("linkWaiting"));
        auto* clock = header.findChild<QLabel*>(QStringLiteral("clockWarning"));
        QVERIFY(indicator && state && waiting && clock);
        QVERIFY(!indicator->isVisible()); // not linked: nothing to say

        link::LinkStatus s;
        s.problem = QStringLiteral("Run chmod 600 on the credentials.");
        header.setLinkStatus(s);
        QVERIFY(indicator->isVisible());
        QCOMPARE(state->text(), QStringLiteral("Store server: not usable"));
        QCOMPARE(state->toolTip(), s.problem);
        QVERIFY(!waiting->isVisible());

        s = {};
        s.state = State::Connecting;
        header.setLinkStatus(s);
        QCOMPARE(state->text(), QStringLiteral("Store server: connecting…"));

        s.state = State::Connected;
        s.waitingOrders = 3;
        s.clockDifferenceMs = 5'000;
        header.setLinkStatus(s);
        QCOMPARE(state->text(), QStringLiteral("Store server: connected"));
        QVERIFY(waiting->isVisible());
        QCOMPARE(waiting->text(), QStringLiteral("3 orders waiting to upload"));
        QVERIFY(!clock->isVisible()); // 5 s is fine

        s.waitingOrders = 1;
        s.clockDifferenceMs = -75'000;
        header.setLinkStatus(s);
        QCOMPARE(waiting->text(), QStringLiteral("1 order waiting to upload"));
        QVERIFY(clock->isVisible());
        QVERIFY2(clock->text().contains(QStringLiteral("75 s ahead")), qPrintable(clock->text()));

        s.state = State::Offline;
        s.offlineSinceMs = QDateTime(QDate(2026, 3, 1), QTime(9, 30), QTimeZone::systemTimeZone())
                               .toMSecsSinceEpoch();
        s.waitingOrders = 0;
        s.clockDifferenceMs = 61'000;
        header.setLinkStatus(s);
        QCOMPARE(state->text(), QStringLiteral("Store server: offline since 2026-03-01 09:30:00"));
        QCOMPARE(waiting->text(), QStringLiteral("All orders uploaded"));
        QVERIFY(clock->text().contains(QStringLiteral("61 s behind")));
    }

    // --- the scanner, with a pinned clock
    void scannerBurstIsACode() {
        QWidget scope;
        ui::ScannerBurstDetector detector(&scope);
        QSignalSpy scanned(&detector, &ui::ScannerBurstDetector::codeScanned);
        qint64 t = 1000;
        for (QChar c : kCode) {
            QVERIFY(!detector.feedKey(c.unicode(), QString(c), t));
            t += 8;
        }
        QVERIFY(detector.feedKey(Qt::Key_Return, QStringLiteral("\r"), t + 5)); // swallowed
        QCOMPARE(scanned.size(), 1);
        QCOMPARE(scanned.first().first().toString(), kCode);
    }

    // Scanners set up to end a code with line feed (its key may be unknown to Qt, only the
    // text says it) or Tab are recognised too; a person's Tab stays a Tab.
    void scannerSuffixesLineFeedAndTab() {
        QWidget scope;
        ui::ScannerBurstDetector detector(&scope);
        QSignalSpy scanned(&detector, &ui::ScannerBurstDetector::codeScanned);
        const auto burst = [&](qint64 start) {
            qint64 t = start;
            for (QChar c : kCode) {
                detector.feedKey(c.unicode(), QString(c), t);
                t += 6;
            }
            return t;
        };
        QVERIFY(detector.feedKey(0, QStringLiteral("\n"), burst(0)));
        QVERIFY(detector.feedKey(Qt::Key_Tab, QStringLiteral("\t"), burst(10000)));
        QCOMPARE(scanned.size(), 2);
        QCOMPARE(scanned.at(1).first().toString(), kCode);
        QVERIFY(!detector.feedKey(Qt::Key_Tab, QStringLiteral("\t"), burst(20000) + 400));
        QCOMPARE(scanned.size(), 2);
    }

    void personTypingIsNotACode() {
        QWidget scope;
        ui::ScannerBurstDetector detector(&scope);
        QSignalSpy scanned(&detector, &ui::ScannerBurstDetector::codeScanned);
        qint64 t = 0;
        // Fast for a person (80 ms a key), far too slow for a scanner.
        for (QChar c : kCode) {
            detector.feedKey(c.unicode(), QString(c), t);
            t += 80;
        }
        QVERIFY(!detector.feedKey(Qt::Key_Return, QStringLiteral("\r"), t));
        QCOMPARE(scanned.size(), 0);
    }

    void shortLateOrBrokenBurstsAreNotCodes() {
        QWidget scope;
        ui::ScannerBurstDetector detector(&scope);
        QSignalSpy scanned(&detector, &ui::ScannerBurstDetector::codeScanned);
        const auto burst = [&](const QString& digits, qint64 start) {
            qint64 t = start;
            for (QChar c : digits) {
                detector.feedKey(c.unicode(), QString(c), t);
                t += 5;
            }
            return t;
        };
        // 15 digits: too short for a payment code.
        qint64 t = burst(kCode.left(15), 0);
        QVERIFY(!detector.feedKey(Qt::Key_Return, QStringLiteral("\r"), t));
        // Enter long after the digits: a person pressed it.
        t = burst(kCode, 10000);
        QVERIFY(!detector.feedKey(Qt::Key_Return, QStringLiteral("\r"), t + 500));
        // A letter in the middle breaks the run.
        t = burst(kCode.left(10), 20000);
        detector.feedKey(Qt::Key_A, QStringLiteral("a"), t);
        t = burst(kCode.mid(10), t + 5);
        QVERIFY(!detector.feedKey(Qt::Key_Return, QStringLiteral("\r"), t));
        // A pause in the middle starts a new run that is too short.
        t = burst(kCode.left(9), 30000);
        t = burst(kCode.mid(9), t + 300);
        QVERIFY(!detector.feedKey(Qt::Key_Return, QStringLiteral("\r"), t));
        QCOMPARE(scanned.size(), 0);
        // And a good one still works afterwards.
        t = burst(kCode, 40000);
        QVERIFY(detector.feedKey(Qt::Key_Enter, QStringLiteral("\r"), t));
        QCOMPARE(scanned.size(), 1);
    }

    void scannerTakesItsDigitsBackFromTheField() {
        QWidget scope;
        auto* layout = new QVBoxLayout(&scope);
        auto* edit = new QLineEdit(&scope);
        layout->addWidget(edit);
        scope.show();
        scope.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&scope));
        edit->setFocus();
        ui::ScannerBurstDetector detector(&scope);
        QSignalSpy scanned(&detector, &ui::ScannerBurstDetector::codeScanned);
        bool enterReachedTheField = false;
        connect(edit, &QLineEdit::returnPressed, this, [&] { enterReachedTheField = true; });

        QTest::keyClicks(edit, QStringLiteral("12.50"), Qt::NoModifier, 60); // a person
        QTest::keyClicks(edit, kCode);                                       // the scanner
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(scanned.size(), 1);
        QCOMPARE(scanned.first().first().toString(), kCode);
        QCOMPARE(edit->text(), QStringLiteral("12.50"));
        QVERIFY(!enterReachedTheField);

        // Off: the keys are the field's.
        detector.setEnabled(false);
        QTest::keyClicks(edit, kCode);
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(scanned.size(), 1);
        QVERIFY(enterReachedTheField);
    }

    // --- payment codes
    void paymentCodeChannelByPrefix() {
        // The till's routing with the default rules (the boundaries are
        // tst_channel_routing's).
        ui::SalePanel panel;
        panel.setChannels({Channel::Alipay, Channel::WeChat});
        const routing::ChannelRouting& both = panel.routing();
        QCOMPARE(*both.channelForCode(QStringLiteral("281234567890123456")), Channel::Alipay);
        QCOMPARE(*both.channelForCode(QStringLiteral("134567890123456789")), Channel::WeChat);
        panel.setChannels({Channel::Alipay});
        QCOMPARE(panel.routing().channelForCode(QStringLiteral("134567890123456789")).error().code,
                 QStringLiteral("payment_code.channel_not_offered"));
        const QString masked = ui::payment_code::masked(kCode);
        QVERIFY(!masked.contains(kCode.left(6)));
        QVERIFY(masked.endsWith(kCode.right(4)));
    }

    void enterChargesTheFirstRoutedChannel() {
        // [routing] channels = wechat, alipay: Enter charges WeChat Pay, the buttons follow
        // the order, and a limit refuses before anything is asked.
        RoutingConfig rules;
        rules.alipayMaxAmountFen = 1000;
        ui::SalePanel panel;
        panel.setRouting(routing::ChannelRouting({Channel::WeChat, Channel::Alipay}, rules));
        panel.show();
        QSignalSpy charged(&panel, &ui::SalePanel::qrChargeRequested);
        QVERIFY(panel.chargeButton(Channel::WeChat)->text().contains(QStringLiteral("Enter")));
        QVERIFY(!panel.chargeButton(Channel::Alipay)->text().contains(QStringLiteral("Enter")));
        QLineEdit* edit = panel.amountEntry()->edit();
        edit->setFocus();
        QTest::keyClicks(edit, QStringLiteral("12.00"));
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(charged.size(), 1);
        QCOMPARE(charged.first().first().value<Channel>(), Channel::WeChat);

        panel.chargeQr(Channel::Alipay); // 12.00 is over Alipay's 10.00 here
        QCOMPARE(charged.size(), 1);
        QVERIFY2(panel.message().contains(QStringLiteral("10.00")), qPrintable(panel.message()));
        QVERIFY(panel.message().contains(channelLabel(Channel::WeChat))); // what to do
    }

    // --- the amount
    void amountFieldParsesExactly() {
        ui::AmountEntry entry;
        QLineEdit* edit = entry.edit();
        QTest::keyClicks(edit, QStringLiteral("12."));
        QCOMPARE(entry.errorText(), QString()); // still being typed
        QVERIFY(!entry.check());                // but not chargeable
        QVERIFY(!entry.errorText().isEmpty());
        QTest::keyClicks(edit, QStringLiteral("3"));
        QCOMPARE(entry.errorText(), QString());
        QCOMPARE(entry.amountFen(), std::optional<money::Fen>(1230));
        QTest::keyClicks(edit, QStringLiteral("ab,-")); // not amount characters: refused
        QCOMPARE(edit->text(), QStringLiteral("12.3"));
        QTest::keyClick(edit, Qt::Key_Backspace);
        QTest::keyClick(edit, Qt::Key_Backspace);
        QCOMPARE(edit->text(), QStringLiteral("12"));
        QTest::keyClicks(edit, QStringLiteral(".5.5"));
        QVERIFY(entry.errorText().contains(QStringLiteral("one decimal point")));
        QTest::keyClick(edit, Qt::Key_Escape);
        QCOMPARE(edit->text(), QString());
        QCOMPARE(entry.errorText(), QString());
        QTest::keyClicks(edit, QStringLiteral("1000000000"));
        QVERIFY(entry.errorText().contains(QStringLiteral("largest amount")));
        entry.setFixedAmount(money::Fen(450));
        QCOMPARE(edit->text(), QStringLiteral("4.50"));
        QVERIFY(edit->isReadOnly());
        entry.typeText(QStringLiteral("9"));
        QCOMPARE(edit->text(), QStringLiteral("4.50"));
        QCOMPARE(entry.check(), std::optional<money::Fen>(450));
    }

    // --- the payment dialog alone
    void cancelWaitsForTheOrderNumberAndTheProvider() {
        ui::PaymentDialog dialog(Channel::Alipay, PaymentFlow::QrCode, 1234, nullptr, false);
        QSignalSpy cancel(&dialog, &ui::PaymentDialog::cancelRequested);
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.applyUpdate(update(CheckoutPhase::Creating, QString()));
        QTest::keyClick(&dialog, Qt::Key_Escape);
        QVERIFY(dialog.isCancelling());
        QCOMPARE(cancel.size(), 0); // no order number yet
        QCOMPARE(labelText(&dialog, QStringLiteral("paymentStatus")),
                 QStringLiteral("Cancelling…"));
        CheckoutUpdate waiting = update(CheckoutPhase::Waiting);
        waiting.qrCode = QStringLiteral("https://qr.alipay.com/bax00000000000000000000");
        dialog.applyUpdate(waiting);
        QCOMPARE(cancel.size(), 1);
        QCOMPARE(cancel.first().first().toString(), QStringLiteral("S01_T01_1"));
        QCOMPARE(labelText(&dialog, QStringLiteral("paymentStatus")),
                 QStringLiteral("Cancelling…"));
        // Esc again, or the window's close button: still only the provider's answer closes it.
        QTest::keyClick(&dialog, Qt::Key_Escape);
        dialog.close();
        QVERIFY(dialog.isVisible());
        QCOMPARE(cancel.size(), 1);

        CheckoutUpdate cancelled = update(CheckoutPhase::Cancelled);
        cancelled.message = QStringLiteral("Closed at Alipay.");
        dialog.applyUpdate(cancelled);
        QCOMPARE(labelText(&dialog, QStringLiteral("resultTitle")),
                 QStringLiteral("Payment cancelled"));
        QCOMPARE(labelText(&dialog, QStringLiteral("resultMessage")),
                 QStringLiteral("Closed at Alipay."));
        // A late update changes nothing.
        dialog.applyUpdate(update(CheckoutPhase::Paid));
        QCOMPARE(dialog.phase(), CheckoutPhase::Cancelled);
        QTest::keyClick(dialog.focusWidget() ? dialog.focusWidget() : &dialog, Qt::Key_Return);
        QVERIFY(!dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }

    void failureShowsTheProvidersReason() {
        ui::PaymentDialog dialog(Channel::Alipay, PaymentFlow::PayByCode, 1234, nullptr, false);
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.applyUpdate(update(CheckoutPhase::Creating));
        QCOMPARE(labelText(&dialog, QStringLiteral("paymentCodeNote")),
                 QStringLiteral("Charging the customer's code…"));
        QVERIFY(!dialog.qrView()->isVisible());
        CheckoutUpdate failed = update(CheckoutPhase::Failed);
        failed.message = QStringLiteral("The buyer's balance is not enough.");
        dialog.applyUpdate(failed);
        QCOMPARE(labelText(&dialog, QStringLiteral("resultTitle")),
                 QStringLiteral("Payment failed"));
        QCOMPARE(labelText(&dialog, QStringLiteral("resultMessage")),
                 QStringLiteral("The buyer's balance is not enough."));
        QVERIFY(labelText(&dialog, QStringLiteral("resultExplanation"))
                    .contains(QStringLiteral("No money")));
        QTest::keyClick(dialog.focusWidget() ? dialog.focusWidget() : &dialog, Qt::Key_Escape);
        QVERIFY(!dialog.isVisible());
    }

    void countdownToExpiry() {
        qint64 now = 1'000'000;
        ui::PaymentDialog dialog(Channel::Alipay, PaymentFlow::QrCode, 1234, nullptr, false);
        dialog.setClock([&now] { return now; });
        dialog.open();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        CheckoutUpdate waiting = update(CheckoutPhase::Waiting);
        waiting.qrCode = QStringLiteral("https://qr.alipay.com/bax00000000000000000000");
        waiting.expiresAtMs = now + 125'000;
        dialog.applyUpdate(waiting);
        QCOMPARE(labelText(&dialog, QStringLiteral("paymentCountdown")),
                 QStringLiteral("Time left 2:05"));
        now += 120'000;
        QTRY_COMPARE(labelText(&dialog, QStringLiteral("paymentCountdown")),
                     QStringLiteral("Time left 0:05"));
        now += 10'000;
        QTRY_COMPARE(labelText(&dialog, QStringLiteral("paymentCountdown")),
                     QStringLiteral("Time is up"));
        // The QR fills the dialog: square and large.
        const QImage qr = dialog.qrView()->image();
        QVERIFY(!qr.isNull());
        QCOMPARE(qr.width(), qr.height());
        QVERIFY(qr.width() >= 300);
        QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("paymentAmount"))->font().pointSize() >=
                32);
    }
};

QTEST_MAIN(TestTillWidgets)
#include "tst_till_widgets.moc"
