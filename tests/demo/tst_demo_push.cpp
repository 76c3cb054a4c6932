// The demo shop of `qpos --sandbox` shows push: its in-process store server takes the
// simulated providers' notifications, verifies them with the providers' keys and relays them
// to the demo till, which verifies them again with its own keys and applies them. Polling is
// slowed to minutes here, so an order that turns Paid within the test was settled by push. The
// till enrolled itself through its own enrollment (credentials 0600, never in a configuration
// file), its header shows the link and the upload, and a restart keeps the enrollment.

#include "core/config/AppConfig.h"
#include "core/gateways/GatewayFactory.h"
#include "core/link/TerminalCredentials.h"
#include "core/service/PosService.h"
#include "demo/DemoShop.h"
#include "server/QposServer.h"
#include "server/storage/ServerStore.h"
#include "tests/gui/TillOrderLoader.h"
#include "tests/support/WaitUntil.h"
#include "ui/MainWindow.h"
#include "ui/till/AmountEntry.h"
#include "ui/till/CheckoutController.h"
#include "ui/till/LinkIndicator.h"
#include "ui/till/LoginPanel.h"
#include "ui/till/PaymentDialog.h"
#include "ui/till/SalePanel.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <memory>

using namespace qpos;
using qpos::checkout::CheckoutPhase;
using qpos::test::waitUntil;

namespace {

// The demo shop's staff (seeded in sandbox mode).
const QString kCashierId = QStringLiteral("1001");
const QString kCashierPin = QStringLiteral("1234");

QByteArray fileBytes(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestDemoPush : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    AppConfig m_config;
    std::unique_ptr<demo::DemoShop> m_shop;
    std::unique_ptr<service::PosService> m_till;
    std::unique_ptr<ui::MainWindow> m_window;

    ui::SalePanel* sale() { return m_window->salePanel(); }
    QLineEdit* amountEdit() { return sale()->amountEntry()->edit(); }
    ui::LinkIndicator* linkIndicator() { return m_window->findChild<ui::LinkIndicator*>(); }

    bool startShop() {
        Result<std::unique_ptr<demo::DemoShop>> shop =
            demo::DemoShop::start(demo::DemoShop::optionsFor(m_config));
        if (!shop) {
            qWarning().noquote() << shop.error().code << shop.error().message;
            return false;
        }
        m_shop = std::move(shop).value();
        return m_shop->storeServer() != nullptr;
    }

    // The demo till as qpos --sandbox makes it, logged in on the sale screen; polling slowed
    // so far that only a push settles an order within the test.
    bool openTill() {
        service::PosOptions options;
        options.config = m_shop->linkedConfig(m_config);
        options.policy.poll.fastInterval = std::chrono::minutes(5);
        options.policy.poll.slowInterval = std::chrono::minutes(5);
        options.policy.poll.slowestInterval = std::chrono::minutes(5);
        options.link.push.backoff = {50, 400, 20};
        const alipay::AlipayClientSettings alipaySettings = m_shop->alipaySettings();
        const wechat::WechatClientSettings wechatSettings = m_shop->wechatSettings();
        options.makeGateways = [alipaySettings, wechatSettings] {
            return gateway::makeGateways(alipaySettings, wechatSettings);
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
        if (!QTest::qWaitForWindowActive(m_window.get()))
            return false;
        m_till->start();
        if (!waitUntil([this] { return m_window->screen() == ui::MainWindow::Screen::Login; }))
            return false;
        ui::LoginPanel* login = m_window->loginPanel();
        if (!waitUntil([&] {
                login->selectStaff(kCashierId);
                return login->selectedStaffId() == kCashierId;
            }))
            return false;
        login->pinEdit()->setFocus();
        QTest::keyClicks(login->pinEdit(), kCashierPin);
        QTest::keyClick(login->pinEdit(), Qt::Key_Return);
        return waitUntil([this] { return m_window->screen() == ui::MainWindow::Screen::Sale; });
    }

    void closeAll() {
        m_window.reset();
        m_till.reset();
        m_shop.reset();
    }

    bool linkConnected() {
        ui::LinkIndicator* link = linkIndicator();
        return link && waitUntil([link] {
                   return link->isVisible() && link->stateText() == u"Store server: connected";
               });
    }

    // Charges `amount` with `key` (Return: Alipay, F2: WeChat Pay), has the SANDBOX buyer pay
    // and waits for PAID; the order number, empty on failure.
    QString chargeAndPay(const QString& amount, Qt::Key key) {
        amountEdit()->setFocus();
        amountEdit()->selectAll();
        QTest::keyClicks(amountEdit(), amount);
        QTest::keyClick(amountEdit(), key);
        if (!waitUntil([this] { return m_window->checkout()->dialog() != nullptr; }))
            return {};
        ui::PaymentDialog* dialog = m_window->checkout()->dialog();
        if (!waitUntil([&] { return dialog->phase() == CheckoutPhase::Waiting; }))
            return {};
        auto* pays = dialog->findChild<QPushButton*>(QStringLiteral("buyerPays"));
        if (!pays || !waitUntil([&] { return pays->isEnabled(); }))
            return {};
        QTest::mouseClick(pays, Qt::LeftButton);
        if (!waitUntil([&] { return dialog->phase() == CheckoutPhase::Paid; }))
            return {};
        const QString outTradeNo = dialog->outTradeNo();
        QTest::keyClick(dialog, Qt::Key_Return);
        waitUntil([this] { return !m_window->checkout()->isOpen(); });
        return outTradeNo;
    }

    // The order's paid event came from a push, and the order's whole history reached the
    // store server by the till's upload.
    void checkPaidByPush(const QString& outTradeNo, Channel channel, money::Fen amountFen) {
        const std::optional<OrderWithEvents> order = test::loadOrderThrough(*m_till, outTradeNo);
        QVERIFY(order);
        QCOMPARE(order->order.channel, channel);
        QCOMPARE(order->order.state, OrderState::Paid);
        QCOMPARE(order->order.amountFen, amountFen);
        QVERIFY(!order->events.isEmpty());
        const OrderEvent& paid = order->events.constLast();
        QCOMPARE(paid.newState, OrderState::Paid);
        QCOMPARE(paid.source, TransitionSource::Push);

        auto serverState = [&] {
            std::optional<OrderState> state;
            m_shop->storeServer()->withServer([&](server::QposServer& server) {
                const Result<std::optional<server::ServerOrder>> o =
                    server.store().order(outTradeNo);
                if (o && *o)
                    state = (*o)->state;
            });
            return state;
        };
        QVERIFY(waitUntil([&] { return serverState() == OrderState::Paid; }));
        QVERIFY(
            waitUntil([this] { return linkIndicator()->waitingText() == u"All orders uploaded"; }));
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_config = sandboxDefaults(m_dir.path());
        QVERIFY(startShop());
    }

    void cleanupTestCase() { closeAll(); }

    void init() {
        if (!m_window)
            return;
        // The keys are the sale screen's once the last dialog is gone.
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        sale()->clearSale();
    }

    void theTillEnrollsItselfLikeARealTill() {
        // The credentials are the demo's own, beside its order database, readable by the
        // till's user only.
        const QString credentials = m_config.storeServer.credentialsPath;
        QCOMPARE(QFileInfo(credentials).absolutePath(),
                 QFileInfo(m_config.database.path).absolutePath());
        QVERIFY(QFileInfo(credentials).fileName().startsWith(u"sandbox-"));
        const Result<link::TerminalCredentials> held = link::TerminalCredentials::read(credentials);
        QVERIFY2(held, held ? "" : qPrintable(held.error().message));
        QVERIFY(held->terminal ==
                (link::TerminalIdentity{m_config.store.id, m_config.terminal.id}));
        const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                                QFileDevice::ReadOther | QFileDevice::WriteOther;
        QVERIFY(QFile::permissions(credentials) & QFileDevice::ReadOwner);
        QVERIFY(!(QFile::permissions(credentials) & others));
        // So is the server's database, which holds the same secret.
        const QString serverDatabase =
            QDir(m_dir.path()).filePath(QStringLiteral("sandbox-store-server.db"));
        QVERIFY(QFile::permissions(serverDatabase) & QFileDevice::ReadOwner);
        QVERIFY(!(QFile::permissions(serverDatabase) & others));
        // The enrollment recorded the server's address, never the secret.
        const QByteArray ini =
            fileBytes(QDir(m_dir.path()).filePath(QStringLiteral("sandbox-store-server.ini")));
        QVERIFY2(ini.contains(m_shop->storeServer()->url().toString().toUtf8()), ini.constData());
        QVERIFY(!ini.contains(held->secret.secret.toBase64()));
        QVERIFY(!ini.contains(held->secret.secret.toHex()));
    }

    void theHeaderShowsTheLink() {
        QVERIFY(openTill());
        QVERIFY(linkConnected());
        QCOMPARE(linkIndicator()->waitingText(), QStringLiteral("All orders uploaded"));
    }

    void anAlipayPaymentReachesTheTillByPush() {
        const QString outTradeNo = chargeAndPay(QStringLiteral("12.34"), Qt::Key_Return);
        QVERIFY(!outTradeNo.isEmpty());
        checkPaidByPush(outTradeNo, Channel::Alipay, 1234);
    }

    void aWechatPaymentReachesTheTillByPush() {
        const QString outTradeNo = chargeAndPay(QStringLiteral("8.88"), Qt::Key_F2);
        QVERIFY(!outTradeNo.isEmpty());
        checkPaidByPush(outTradeNo, Channel::WeChat, 888);
    }

    // What qpos-sandbox prints for a till started on its own: a code for a new terminal, a
    // fresh one while it has not enrolled, and none for a terminal enrolled already.
    void anotherTillGetsAnEnrollmentCode() {
        demo::DemoStoreServer* server = m_shop->storeServer();
        const link::TerminalIdentity other{QStringLiteral("S001"), QStringLiteral("T02")};
        const Result<link::EnrollmentCode> first = server->enrollmentCode(other);
        QVERIFY2(first, first ? "" : qPrintable(first.error().message));
        QVERIFY(first->terminal == other);
        QCOMPARE(first->serverUrl, server->url());
        const Result<link::EnrollmentCode> again = server->enrollmentCode(other);
        QVERIFY(again);
        QVERIFY(again->secret.secret != first->secret.secret);
        const Result<link::EnrollmentCode> enrolled =
            server->enrollmentCode({m_config.store.id, m_config.terminal.id});
        QVERIFY(!enrolled);
        QCOMPARE(enrolled.error().code, QStringLiteral("terminal.enrolled"));
        QVERIFY(enrolled.error().message.contains(m_config.terminal.id));
    }

    void aRestartKeepsTheEnrollment() {
        const QByteArray before = fileBytes(m_config.storeServer.credentialsPath);
        QVERIFY(!before.isEmpty());
        closeAll();
        QVERIFY(startShop());
        QCOMPARE(fileBytes(m_config.storeServer.credentialsPath), before);
        QVERIFY(openTill());
        QVERIFY(linkConnected());
        const QString outTradeNo = chargeAndPay(QStringLiteral("1.00"), Qt::Key_Return);
        QVERIFY(!outTradeNo.isEmpty());
        checkPaidByPush(outTradeNo, Channel::Alipay, 100);
    }

    void lostCredentialsEnrollAgain() {
        closeAll();
        QVERIFY(QFile::remove(m_config.storeServer.credentialsPath));
        QVERIFY(startShop());
        QVERIFY(link::TerminalCredentials::read(m_config.storeServer.credentialsPath));
        QVERIFY(openTill());
        QVERIFY(linkConnected());
    }

    void credentialsThatCannotBeWrittenStopTheStartWithAReason() {
        closeAll();
        AppConfig broken = m_config;
        // A folder where the credentials file should be: the enrollment cannot write it.
        broken.storeServer.credentialsPath = QDir(m_dir.path()).filePath(QStringLiteral("taken"));
        QVERIFY(QDir().mkpath(broken.storeServer.credentialsPath));
        Result<std::unique_ptr<demo::DemoShop>> shop =
            demo::DemoShop::start(demo::DemoShop::optionsFor(broken));
        QVERIFY(!shop);
        QVERIFY2(shop.error().message.contains(broken.storeServer.credentialsPath),
                 qPrintable(shop.error().message));
    }
};

QTEST_MAIN(TestDemoPush)
#include "tst_demo_push.moc"
