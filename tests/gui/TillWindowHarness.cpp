#include "tests/gui/TillWindowHarness.h"

#include "core/config/AppConfig.h"
#include "core/gateways/alipay/AlipayClient.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "tests/gui/TillOrderLoader.h"
#include "tests/support/CrossThreadSignalSpy.h"
#include "tests/support/WaitUntil.h"
#include "ui/till/LoginPanel.h"

#include <QAbstractButton>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

namespace qpos::test {

namespace {

const QString kAppId = QStringLiteral("2021000000000999");

QString newId() {
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace

QStringList clippedWidgets(QWidget* root) {
    QStringList clipped;
    const auto check = [&clipped](QWidget* w, const QString& text, QSize needed) {
        if (!w->isVisible() || text.isEmpty())
            return;
        if (w->width() < needed.width() || w->height() < needed.height())
            clipped << QStringLiteral("%1 %2 '%3' has %4x%5, needs %6x%7")
                           .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName(),
                                text)
                           .arg(w->width())
                           .arg(w->height())
                           .arg(needed.width())
                           .arg(needed.height());
    };
    for (QLabel* label : root->findChildren<QLabel*>()) {
        const QSize needed = label->wordWrap() ? QSize(0, label->heightForWidth(label->width()))
                                               : label->minimumSizeHint();
        check(label, label->text(), needed);
    }
    for (QAbstractButton* button : root->findChildren<QAbstractButton*>())
        check(button, button->text(), button->sizeHint());
    return clipped;
}

void TestBuyer::buyerPays(Channel, const QString& outTradeNo) {
    ++calls;
    if (Result<sandbox::AlipayTrade> paid = m_server.alipay().buyerPay(outTradeNo); !paid)
        qWarning("buyer pays: %s", qPrintable(paid.error().message));
}

void TestBuyer::buyerCancels(Channel, const QString& outTradeNo) {
    ++calls;
    if (Result<sandbox::AlipayTrade> gone = m_server.alipay().buyerCancel(outTradeNo); !gone)
        qWarning("buyer cancels: %s", qPrintable(gone.error().message));
}

std::unique_ptr<TestSandbox> TestSandbox::start() {
    std::unique_ptr<TestSandbox> made(new TestSandbox);
    if (!made->m_dir.isValid())
        return nullptr;
    sandbox::SandboxOptions options;
    options.keyDir = made->m_dir.filePath(QStringLiteral("sandbox-keys"));
    options.faultSeed = 7;
    made->m_server = std::make_unique<sandbox::SandboxServer>(options);
    if (Status listening = made->m_server->listen(QHostAddress::LocalHost, 0); !listening) {
        qWarning("sandbox: %s", qPrintable(listening.error().message));
        return nullptr;
    }
    Result<crypto::RsaPrivateKey> key = made->m_server->alipay().createApp(appId());
    if (!key) {
        qWarning("app key: %s", qPrintable(key.error().message));
        return nullptr;
    }
    made->m_appKey = *key;
    made->m_buyer = std::make_unique<TestBuyer>(*made->m_server);
    return made;
}

TestSandbox::~TestSandbox() = default;

void TestSandbox::reset() {
    m_server->faults().clear();
    m_server->alipay().setOptions(sandbox::AlipayOptions());
    m_buyer->calls = 0;
}

QString TestSandbox::appId() {
    return kAppId;
}

TillWindowHarness::TillWindowHarness(TestSandbox& sandbox)
    : m_sandbox(sandbox) {
    static int tills = 0;
    m_terminalId = QStringLiteral("T%1").arg(++tills);
}

TillWindowHarness::~TillWindowHarness() {
    closeTill();
}

bool TillWindowHarness::makeTill(const Options& options) {
    closeTill();
    service::PosOptions tillOptions;
    tillOptions.config =
        options.sandboxMode ? sandboxDefaults(m_dir.path()) : productionDefaults(m_dir.path());
    tillOptions.config.store.id = QStringLiteral("S01");
    tillOptions.config.terminal.id = m_terminalId;
    tillOptions.config.store.name = QStringLiteral("Test shop");
    tillOptions.config.database.path = m_dir.filePath(QStringLiteral("orders.db"));
    tillOptions.config.printer = options.printer;
    tillOptions.config.checkout.cashEnabled = options.cash;
    tillOptions.policy.poll.fastInterval = std::chrono::milliseconds(100);
    tillOptions.policy.settleRetry = std::chrono::milliseconds(200);

    alipay::AlipayClientSettings settings;
    settings.gatewayUrl = sandbox().alipay().gatewayUrl();
    settings.appId = kAppId;
    settings.appPrivateKey = m_sandbox.appKey();
    settings.alipayPublicKey = sandbox().alipay().alipayPublicKey();
    settings.requestTimeout = std::chrono::milliseconds(options.clientTimeoutMs);
    settings.retry.maxAttempts = 2;
    settings.retry.initialBackoff = std::chrono::milliseconds(20);
    settings.retry.maxBackoff = std::chrono::milliseconds(50);
    settings.retry.deadline = std::chrono::milliseconds(options.clientTimeoutMs + 1000);
    settings.breaker.failureThreshold = 1000;
    settings.connection.keepAlive = std::chrono::seconds(options.keepAliveS);
    const bool failing = options.failingGateways;
    tillOptions.makeGateways = [settings, failing]() -> Result<service::GatewayList> {
        if (failing)
            return Error{QStringLiteral("test.no_key"),
                         QStringLiteral("The Alipay app private key cannot be read: import it "
                                        "in Settings.")};
        Result<std::unique_ptr<alipay::AlipayClient>> client =
            alipay::AlipayClient::create(settings);
        if (!client)
            return client.error();
        service::GatewayList list;
        list.push_back(std::move(client).value());
        return list;
    };
    const AppConfig config = tillOptions.config;
    m_till = std::make_unique<service::PosService>(std::move(tillOptions));
    if (options.drawer)
        m_till->setCashDrawer(std::make_unique<CountingCashDrawer>(options.drawer));

    ui::TillWindowOptions windowOptions;
    windowOptions.config = config;
    windowOptions.buyer = options.sandboxMode ? &m_sandbox.buyer() : nullptr;
    windowOptions.paidScreenMs = options.paidScreenMs;
    m_window = std::make_unique<ui::MainWindow>(*m_till, windowOptions);
    m_window->show();
    m_window->activateWindow();
    if (!QTest::qWaitForWindowActive(m_window.get())) {
        qWarning("the window did not become active");
        return false;
    }
    return true;
}

bool TillWindowHarness::open(const Options& options) {
    if (!makeTill(options))
        return false;
    m_till->start();
    if (!waitUntil([this] { return m_window->screen() != ui::MainWindow::Screen::Starting; })) {
        qWarning("the till did not open");
        return false;
    }
    return true;
}

void TillWindowHarness::closeTill() {
    m_window.reset();
    m_till.reset();
}

bool TillWindowHarness::saveStaff(const StaffMember& member, const QString& pin) {
    test::CrossThreadSignalSpy saved(m_till.get(), &service::PosService::staffSaved);
    const QString id = newId();
    m_till->saveStaff(id, member, pin);
    QString error;
    const bool answered = waitUntil([&] {
        for (const QList<QVariant>& args : saved) {
            if (args.at(0).toString() == id) {
                error = args.at(1).toString();
                return true;
            }
        }
        return false;
    });
    if (!answered || !error.isEmpty()) {
        qWarning("staff not saved: %s", qPrintable(error));
        return false;
    }
    return true;
}

bool TillWindowHarness::logIn(const QString& staffId, const QString& pin) {
    ui::LoginPanel* login = m_window->loginPanel();
    // The list follows the staff table through the till: wait for the member to appear.
    if (!waitUntil([&] {
            login->selectStaff(staffId);
            return login->selectedStaffId() == staffId;
        })) {
        qWarning("staff %s not listed", qPrintable(staffId));
        return false;
    }
    QLineEdit* pinEdit = login->pinEdit();
    pinEdit->setFocus();
    QTest::keyClicks(pinEdit, pin);
    QTest::keyClick(pinEdit, Qt::Key_Return);
    return waitUntil([this] { return m_window->screen() == ui::MainWindow::Screen::Sale; });
}

bool TillWindowHarness::openAndLogIn(const Options& options) {
    return open(options) && saveCashier() && logIn(kCashierId, kCashierPin);
}

std::optional<OrderWithEvents> TillWindowHarness::loadOrder(const QString& outTradeNo) {
    return loadOrderThrough(*m_till, outTradeNo);
}

int TillWindowHarness::sandboxTradeCount() {
    int count = 0;
    for (const sandbox::AlipayTrade& trade : sandbox().alipay().trades()) {
        if (trade.terminalId == m_terminalId)
            ++count;
    }
    return count;
}

} // namespace qpos::test
