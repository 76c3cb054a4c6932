// WeChat Pay at the till's real window, against the in-process demo shop (both simulated
// providers): F2 charges a WeChat QR and the SANDBOX buyer pays it (or walks away); a
// scanner's burst with a WeChat payment code is charged through WeChat Pay (also one the
// buyer confirms on the phone); the orders view filters WeChat orders; an amount over the
// terminal's WeChat limit is refused on the sale screen and by the till's worker; a WeChat
// order is refunded with the manager's PIN, also while WeChat is still processing the refund.

#include "core/gateways/alipay/AlipayClient.h"
#include "core/gateways/wechat/WechatClient.h"
#include "core/service/PosService.h"
#include "sandbox/SandboxShop.h"
#include "sandbox/wechat/WechatOptions.h"
#include "tests/gui/ManagerPinPrompt.h"
#include "tests/gui/TillOrderLoader.h"
#include "tests/support/CrossThreadSignalSpy.h"
#include "tests/support/WaitUntil.h"
#include "ui/MainWindow.h"
#include "ui/orders/OrderDetailDialog.h"
#include "ui/orders/OrdersModel.h"
#include "ui/orders/OrdersView.h"
#include "ui/refund/RefundDialog.h"
#include "ui/support/ManagerPinDialog.h"
#include "ui/till/AmountEntry.h"
#include "ui/till/CheckoutController.h"
#include "ui/till/LoginPanel.h"
#include "ui/till/PaymentDialog.h"
#include "ui/till/QrView.h"
#include "ui/till/SalePanel.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace qpos;
using qpos::checkout::CheckoutPhase;
using qpos::test::onPinPrompt;
using qpos::test::waitUntil;

namespace {

// The demo shop's staff (seeded in sandbox mode).
const QString kCashierId = QStringLiteral("1001");
const QString kCashierPin = QStringLiteral("1234");
const QString kManagerPin = QStringLiteral("9999");
// A WeChat Pay payment code: 18 digits starting 13; the sandbox pays it at once.
const QString kWechatCode = QStringLiteral("134567890123459990");
constexpr money::Fen kWechatLimitFen = 500000; // 5000.00

QString labelText(QWidget* root, const QString& name) {
    auto* label = root->findChild<QLabel*>(name);
    return label ? label->text() : QStringLiteral("<no label %1>").arg(name);
}

} // namespace

class TestTillWechat : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<sandbox::SandboxShop> m_shop;
    std::unique_ptr<service::PosService> m_till;
    std::unique_ptr<ui::MainWindow> m_window;

    ui::SalePanel* sale() { return m_window->salePanel(); }
    QLineEdit* amountEdit() { return sale()->amountEntry()->edit(); }

    void typeAmount(const QString& text) {
        amountEdit()->setFocus();
        amountEdit()->selectAll();
        QTest::keyClicks(amountEdit(), text);
    }

    ui::PaymentDialog* waitForDialog() {
        waitUntil([this] { return m_window->checkout()->dialog() != nullptr; });
        return m_window->checkout()->dialog();
    }

    static bool waitForPhase(ui::PaymentDialog* dialog, CheckoutPhase phase) {
        return waitUntil([&] { return dialog->phase() == phase; });
    }

    std::optional<OrderWithEvents> loadOrder(const QString& outTradeNo) {
        return test::loadOrderThrough(*m_till, outTradeNo);
    }

    // A WeChat QR charge paid by the SANDBOX buyer; returns its order number.
    QString paidWechatQr(const QString& amount) {
        typeAmount(amount);
        QTest::keyClick(amountEdit(), Qt::Key_F2);
        ui::PaymentDialog* dialog = waitForDialog();
        if (!dialog || !waitForPhase(dialog, CheckoutPhase::Waiting))
            return {};
        auto* pays = dialog->findChild<QPushButton*>(QStringLiteral("buyerPays"));
        if (!pays || !waitUntil([&] { return pays->isEnabled(); }))
            return {};
        QTest::mouseClick(pays, Qt::LeftButton);
        if (!waitForPhase(dialog, CheckoutPhase::Paid))
            return {};
        const QString outTradeNo = dialog->outTradeNo();
        QTest::keyClick(dialog, Qt::Key_Return);
        waitUntil([this] { return !m_window->checkout()->isOpen(); });
        return outTradeNo;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        Result<std::unique_ptr<sandbox::SandboxShop>> shop = sandbox::SandboxShop::start();
        QVERIFY2(shop.ok(), shop.ok() ? "" : qPrintable(shop.error().message));
        m_shop = std::move(shop).value();

        service::PosOptions options;
        options.config = sandboxDefaults(m_dir.path());
        options.config.routing.wechatMaxAmountFen = kWechatLimitFen;
        options.policy.poll.fastInterval = std::chrono::milliseconds(100);
        options.policy.settleRetry = std::chrono::milliseconds(200);
        const alipay::AlipayClientSettings alipaySettings = m_shop->alipaySettings();
        const wechat::WechatClientSettings wechatSettings = m_shop->wechatSettings();
        options.makeGateways = [alipaySettings, wechatSettings]() -> Result<service::GatewayList> {
            auto alipayClient = alipay::AlipayClient::create(alipaySettings);
            if (!alipayClient)
                return alipayClient.error();
            auto wechatClient = wechat::WechatClient::create(wechatSettings);
            if (!wechatClient)
                return wechatClient.error();
            service::GatewayList list;
            list.push_back(std::move(alipayClient).value());
            list.push_back(std::move(wechatClient).value());
            return list;
        };
        const AppConfig config = options.config;
        m_till = std::make_unique<service::PosService>(std::move(options));

        ui::TillWindowOptions windowOptions;
        windowOptions.config = config;
        windowOptions.buyer = &m_shop->buyer();
        windowOptions.paidScreenMs = 0; // PAID stays until Enter
        m_window = std::make_unique<ui::MainWindow>(*m_till, windowOptions);
        m_window->show();
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        m_till->start();
        QVERIFY(waitUntil([this] { return m_window->screen() == ui::MainWindow::Screen::Login; }));
        // Both channels, in the default order: Alipay first (Enter), WeChat Pay second.
        QCOMPARE(m_window->channels(), (QList<Channel>{Channel::Alipay, Channel::WeChat}));

        ui::LoginPanel* login = m_window->loginPanel();
        QVERIFY(waitUntil([&] {
            login->selectStaff(kCashierId);
            return login->selectedStaffId() == kCashierId;
        }));
        login->pinEdit()->setFocus();
        QTest::keyClicks(login->pinEdit(), kCashierPin);
        QTest::keyClick(login->pinEdit(), Qt::Key_Return);
        QVERIFY(waitUntil([this] { return m_window->screen() == ui::MainWindow::Screen::Sale; }));
    }

    void cleanupTestCase() {
        m_window.reset();
        m_till.reset();
        m_shop.reset();
    }

    void init() {
        m_shop->setWechatOptions(sandbox::WechatOptions());
        // The keys are the sale screen's once the last dialog is gone.
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        sale()->clearSale();
    }

    void f2ChargesWechatQrAndTheBuyerPays() {
        QPushButton* button = sale()->chargeButton(Channel::WeChat);
        QVERIFY(button);
        QVERIFY(button->text().contains(QStringLiteral("F2")));

        typeAmount(QStringLiteral("8.88"));
        QTest::keyClick(amountEdit(), Qt::Key_F2);
        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Waiting));
        // WeChat's branding and the Native QR's URL.
        QVERIFY2(labelText(dialog, QStringLiteral("paymentChannel"))
                     .contains(channelLabel(Channel::WeChat)),
                 qPrintable(labelText(dialog, QStringLiteral("paymentChannel"))));
        QVERIFY(labelText(dialog, QStringLiteral("paymentScanHint"))
                    .contains(QStringLiteral("WeChat")));
        QCOMPARE(labelText(dialog, QStringLiteral("paymentAmount")), QStringLiteral("¥ 8.88"));
        QVERIFY(dialog->lastUpdate());
        const QString url = dialog->lastUpdate()->qrCode;
        QVERIFY2(url.startsWith(QStringLiteral("weixin://wxpay/bizpayurl?pr=")), qPrintable(url));
        QVERIFY(dialog->qrView()->hasCode());
        QTRY_VERIFY(!dialog->qrView()->image().isNull());
        QCOMPARE(dialog->lastUpdate()->channel, Channel::WeChat);

        // The SANDBOX buyer pays the WeChat order.
        auto* pays = dialog->findChild<QPushButton*>(QStringLiteral("buyerPays"));
        QVERIFY(pays);
        QVERIFY(waitUntil([&] { return pays->isEnabled(); }));
        QTest::mouseClick(pays, Qt::LeftButton);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Paid));
        QCOMPARE(labelText(dialog, QStringLiteral("resultTitle")).isEmpty(), false);
        const QString outTradeNo = dialog->outTradeNo();
        QTest::keyClick(dialog, Qt::Key_Return);
        QVERIFY(waitUntil([this] { return !m_window->checkout()->isOpen(); }));

        const auto order = loadOrder(outTradeNo);
        QVERIFY(order);
        QCOMPARE(order->order.channel, Channel::WeChat);
        QCOMPARE(order->order.flow, PaymentFlow::QrCode);
        QCOMPARE(order->order.state, OrderState::Paid);
        QCOMPARE(order->order.amountFen, money::Fen(888));
        QVERIFY(!order->order.providerTradeNo.isEmpty());
    }

    void buyerCancelsWechatQr() {
        typeAmount(QStringLiteral("3.00"));
        QTest::keyClick(amountEdit(), Qt::Key_F2);
        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Waiting));
        auto* cancels = dialog->findChild<QPushButton*>(QStringLiteral("buyerCancels"));
        QVERIFY(cancels);
        QVERIFY(waitUntil([&] { return cancels->isEnabled(); }));
        QTest::mouseClick(cancels, Qt::LeftButton);
        // The buyer walked away: the cashier cancels, WeChat closes the order.
        QTest::keyClick(dialog, Qt::Key_Escape);
        QVERIFY(waitUntil([&] { return dialog->isFinal(); }));
        QCOMPARE(dialog->phase(), CheckoutPhase::Cancelled);
        const QString outTradeNo = dialog->outTradeNo();
        QTest::keyClick(dialog, Qt::Key_Return);
        QVERIFY(waitUntil([this] { return !m_window->checkout()->isOpen(); }));
        QCOMPARE(amountEdit()->text(), QStringLiteral("3.00")); // kept for another way to pay
        const auto order = loadOrder(outTradeNo);
        QVERIFY(order);
        QCOMPARE(order->order.state, OrderState::Cancelled);
    }

    void scannerBurstWithWechatCodeIsPaid() {
        typeAmount(QStringLiteral("6.60"));
        QTest::qWait(120); // the cashier aims the scanner
        QTest::keyClicks(amountEdit(), kWechatCode);
        QTest::keyClick(amountEdit(), Qt::Key_Return);

        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Paid));
        QVERIFY(dialog->lastUpdate());
        QCOMPARE(dialog->lastUpdate()->channel, Channel::WeChat);
        QCOMPARE(dialog->lastUpdate()->flow, PaymentFlow::PayByCode);
        const QString outTradeNo = dialog->outTradeNo();
        // The code never reaches the screen.
        for (QLabel* label : dialog->findChildren<QLabel*>())
            QVERIFY2(!label->text().contains(kWechatCode), qPrintable(label->text()));
        QTest::keyClick(dialog, Qt::Key_Return);
        QVERIFY(waitUntil([this] { return !m_window->checkout()->isOpen(); }));
        QCOMPARE(amountEdit()->text(), QString()); // paid: the next sale starts empty

        const auto order = loadOrder(outTradeNo);
        QVERIFY(order);
        QCOMPARE(order->order.channel, Channel::WeChat);
        QCOMPARE(order->order.flow, PaymentFlow::PayByCode);
        QCOMPARE(order->order.state, OrderState::Paid);
        QCOMPARE(order->order.amountFen, money::Fen(660));
    }

    void wechatCodeConfirmedOnThePhoneThenPaid() {
        // This code makes the simulated buyer confirm on the phone (USERPAYING) until the
        // SANDBOX button says the buyer paid.
        typeAmount(QStringLiteral("7.70"));
        QTest::qWait(120);
        QTest::keyClicks(amountEdit(), QStringLiteral("124567890123459991"));
        QTest::keyClick(amountEdit(), Qt::Key_Return);
        ui::PaymentDialog* dialog = waitForDialog();
        QVERIFY(dialog);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Confirming));
        auto* pays = dialog->findChild<QPushButton*>(QStringLiteral("buyerPays"));
        QVERIFY(pays);
        QVERIFY(waitUntil([&] { return pays->isEnabled(); }));
        QTest::mouseClick(pays, Qt::LeftButton);
        QVERIFY(waitForPhase(dialog, CheckoutPhase::Paid));
        QCOMPARE(dialog->lastUpdate()->channel, Channel::WeChat);
        QTest::keyClick(dialog, Qt::Key_Return);
        QVERIFY(waitUntil([this] { return !m_window->checkout()->isOpen(); }));
    }

    void overTheWechatLimitIsRefusedOnTheSaleScreen() {
        typeAmount(QStringLiteral("5000.01"));
        QTest::keyClick(amountEdit(), Qt::Key_F2);
        QTest::qWait(200);
        QVERIFY(!m_window->checkout()->isOpen());
        const QString message = sale()->message();
        QVERIFY2(message.contains(channelLabel(Channel::WeChat)), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("5000.00")), qPrintable(message));
        QVERIFY2(message.contains(channelLabel(Channel::Alipay)),
                 qPrintable(message)); // what to do
        // The same for a WeChat payment code.
        QTest::qWait(120);
        QTest::keyClicks(amountEdit(), kWechatCode);
        QTest::keyClick(amountEdit(), Qt::Key_Return);
        QTest::qWait(200);
        QVERIFY(!m_window->checkout()->isOpen());
        QVERIFY(sale()->message().contains(QStringLiteral("5000.00")));
        // At the limit, WeChat takes it; the amount is kept for another try.
        QCOMPARE(amountEdit()->text(), QStringLiteral("5000.01"));
    }

    void ordersViewFiltersWechatOrders() {
        // By now the suite has paid WeChat orders (QR and code).
        m_window->showOrders();
        QVERIFY(waitUntil([this] { return m_window->screen() == ui::MainWindow::Screen::Orders; }));
        auto* view = m_window->findChild<ui::OrdersView*>();
        QVERIFY(view);
        auto* filter = view->findChild<QComboBox*>(QStringLiteral("channelFilter"));
        QVERIFY(filter);
        filter->setCurrentIndex(filter->findData(int(Channel::WeChat)));
        auto* table = view->findChild<QTableView*>();
        QVERIFY(table);
        QAbstractItemModel* model = table->model();
        const auto channelTexts = [&] {
            QStringList texts;
            for (int row = 0; row < model->rowCount(); ++row)
                texts << model->index(row, ui::OrdersModel::ChannelColumn).data().toString();
            return texts;
        };
        QVERIFY(waitUntil([&] {
            const QStringList texts = channelTexts();
            return texts.size() >= 2 && texts.count(channelLabel(Channel::WeChat)) == texts.size();
        }));
        filter->setCurrentIndex(filter->findData(int(Channel::Alipay)));
        QVERIFY(waitUntil([&] { return !channelTexts().contains(channelLabel(Channel::WeChat)); }));
        m_window->showSale();
        QVERIFY(waitUntil([this] { return m_window->screen() == ui::MainWindow::Screen::Sale; }));
    }

    void theTillsWorkerAppliesTheRoutingToo() {
        // Whoever calls the till (the window checks first; a script might not), the worker
        // refuses what the routing refuses: one final update with the reason, nothing written.
        test::CrossThreadSignalSpy updates(m_till.get(), &service::PosService::checkoutUpdated);
        NewOrder order;
        order.channel = Channel::WeChat;
        order.amountFen = kWechatLimitFen + 1;
        order.subject = QStringLiteral("Test");
        m_till->startQrCheckout(QStringLiteral("over-limit"), order);
        order.channel = Channel::Alipay;
        order.amountFen = 100;
        m_till->startCodeCheckout(QStringLiteral("wrong-wallet"), order, kWechatCode);
        QVERIFY(waitUntil([&] { return updates.size() >= 2; }));
        QTest::qWait(200); // nothing more follows
        QCOMPARE(updates.size(), 2);
        for (const QList<QVariant>& args : std::as_const(updates)) {
            const auto update = args.at(0).value<checkout::CheckoutUpdate>();
            QCOMPARE(update.phase, CheckoutPhase::Failed);
            QVERIFY(update.outTradeNo.isEmpty());
            QVERIFY(!update.message.isEmpty());
        }
        const auto first = updates.at(0).at(0).value<checkout::CheckoutUpdate>();
        QCOMPARE(first.requestId, QStringLiteral("over-limit"));
        QVERIFY2(first.message.contains(QStringLiteral("5000.00")), qPrintable(first.message));
        const auto second = updates.at(1).at(0).value<checkout::CheckoutUpdate>();
        QVERIFY2(second.message.contains(channelLabel(Channel::WeChat)),
                 qPrintable(second.message));
    }

    void wechatOrderRefundedWithTheManagerPin() {
        const QString outTradeNo = paidWechatQr(QStringLiteral("20.00"));
        QVERIFY(!outTradeNo.isEmpty());

        ui::OrderDetailDialog detail(*m_till, outTradeNo);
        detail.show();
        auto* button = detail.findChild<QPushButton*>(QStringLiteral("refundButton"));
        QVERIFY(button);
        QTRY_VERIFY_WITH_TIMEOUT(button->isVisible() && button->isEnabled(), 10000);
        QVERIFY(labelText(&detail, QStringLiteral("detailChannel"))
                    .contains(channelLabel(Channel::WeChat)));
        QTest::mouseClick(button, Qt::LeftButton);
        ui::RefundDialog* dialog = nullptr;
        QTRY_VERIFY((dialog = detail.findChild<ui::RefundDialog*>()) != nullptr);
        auto* amount = dialog->findChild<QLineEdit*>(QStringLiteral("refundAmount"));
        amount->selectAll();
        QTest::keyClicks(amount, QStringLiteral("5.00"));

        onPinPrompt([](ui::ManagerPinDialog* prompt) {
            auto* field = prompt->findChild<QLineEdit*>(QStringLiteral("managerPin"));
            QTest::keyClicks(field, kManagerPin);
            QTest::keyClick(field, Qt::Key_Return);
        });
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("submitRefund")),
                          Qt::LeftButton);
        QVERIFY(waitUntil([&] { return dialog->report().has_value(); }));
        QVERIFY2(dialog->report()->ok, qPrintable(dialog->report()->message));
        const auto order = loadOrder(outTradeNo);
        QVERIFY(order);
        QCOMPARE(order->order.state, OrderState::PartiallyRefunded);
        QCOMPARE(order->order.refundedFen, money::Fen(500));
    }

    void wechatRefundBeingConfirmedIsShownInPlainWords() {
        const QString outTradeNo = paidWechatQr(QStringLiteral("30.00"));
        QVERIFY(!outTradeNo.isEmpty());
        sandbox::WechatOptions processing;
        processing.refundProcessingMs = 1500; // WeChat takes the refund in, pays later
        m_shop->setWechatOptions(processing);

        const auto loaded = loadOrder(outTradeNo);
        QVERIFY(loaded);
        ui::RefundDialog dialog(*m_till, loaded->order);
        dialog.show();
        onPinPrompt([](ui::ManagerPinDialog* prompt) {
            auto* field = prompt->findChild<QLineEdit*>(QStringLiteral("managerPin"));
            QTest::keyClicks(field, kManagerPin);
            QTest::keyClick(field, Qt::Key_Return);
        });
        dialog.submit();
        QVERIFY(waitUntil([&] { return dialog.report().has_value(); }));
        QVERIFY(dialog.report()->pending);
        const QString shown = labelText(&dialog, QStringLiteral("refundMessage"));
        QVERIFY2(shown.startsWith(QStringLiteral("Being confirmed")), qPrintable(shown));
        QVERIFY2(shown.contains(channelLabel(Channel::WeChat)), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("Do not refund again")), qPrintable(shown));
        // Once WeChat has paid it back, the dialog says so and the order is refunded.
        QVERIFY(waitUntil([&] {
            return labelText(&dialog, QStringLiteral("refundMessage"))
                .startsWith(QStringLiteral("Refund confirmed"));
        }));
        const auto order = loadOrder(outTradeNo);
        QVERIFY(order);
        QCOMPARE(order->order.state, OrderState::Refunded);
    }
};

QTEST_MAIN(TestTillWechat)
#include "tst_till_wechat.moc"
