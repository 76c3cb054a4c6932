#pragma once

#include "core/checkout/BuyerSimulator.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/orders/Order.h"
#include "core/service/PosService.h"
#include "core/staff/Staff.h"
#include "sandbox/SandboxServer.h"
#include "tests/support/CountingCashDrawer.h"
#include "ui/MainWindow.h"

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <optional>

namespace qpos::test {

// The sandbox's buyer, driven from the till's SANDBOX banner (the server lives on the test's
// thread, as the GUI does).
class TestBuyer final : public checkout::BuyerSimulator {
public:
    explicit TestBuyer(sandbox::SandboxServer& server)
        : m_server(server) {}
    void buyerPays(Channel channel, const QString& outTradeNo) override;
    void buyerCancels(Channel channel, const QString& outTradeNo) override;
    int calls = 0;

private:
    sandbox::SandboxServer& m_server;
};

// Visible labels and buttons under `root` that got less room than their text needs, as
// "ClassName objectName 'text' has WxH, needs WxH" (empty: nothing is clipped).
QStringList clippedWidgets(QWidget* root);

// How a TillWindowHarness makes its till.
struct HarnessOptions {
    bool sandboxMode = false;     // config.sandbox: banner, demo staff, login hint
    bool failingGateways = false; // makeGateways fails (the till cannot open)
    int clientTimeoutMs = 2000;   // the AlipayClient's request timeout
    int paidScreenMs = 0;         // 0: the PAID screen stays until Enter
    int keepAliveS = 7;           // how long the client keeps an idle connection
    PrinterConfig printer;        // [printer]: none unless a test sets it
    bool cash = false;            // [checkout] cash
    // A counting drawer given to the till (null: no drawer is configured).
    std::shared_ptr<CountingCashDrawer::Counter> drawer;
};

// The Alipay sandbox on loopback with the tills' app, shared by the tests of a suite (making
// its keys is the slow part). Each till uses its own terminal id, so order numbers never
// collide in it.
class TestSandbox {
public:
    static std::unique_ptr<TestSandbox> start();
    ~TestSandbox();

    // Back to no faults and the default buyer behaviour.
    void reset();

    sandbox::SandboxServer& server() { return *m_server; }
    const crypto::RsaPrivateKey& appKey() const { return m_appKey; }
    TestBuyer& buyer() { return *m_buyer; }
    static QString appId();

private:
    TestSandbox() = default;

    QTemporaryDir m_dir;
    std::unique_ptr<sandbox::SandboxServer> m_server;
    crypto::RsaPrivateKey m_appKey;
    std::unique_ptr<TestBuyer> m_buyer;
};

// A whole till for the window's tests: a real PosService (database in a temporary
// directory, a real AlipayClient talking to the TestSandbox as its gateway) and the
// MainWindow, made before the till starts, as qpos does.
class TillWindowHarness {
public:
    static inline const QString kCashierId = QStringLiteral("C01");
    static inline const QString kCashierName = QStringLiteral("Cai Cashier");
    static inline const QString kCashierPin = QStringLiteral("1357");

    using Options = HarnessOptions;

    explicit TillWindowHarness(TestSandbox& sandbox);
    ~TillWindowHarness();
    // Makes the till and the window and shows the window, without starting the till.
    bool makeTill(const Options& options = HarnessOptions());
    // makeTill() + PosService::start(), then waits for the login screen.
    bool open(const Options& options = HarnessOptions());
    // Destroys the window and the till (the database and the sandbox stay).
    void closeTill();

    bool saveStaff(const StaffMember& member, const QString& pin);
    bool saveCashier() {
        return saveStaff(StaffMember{kCashierId, kCashierName, StaffRole::Cashier}, kCashierPin);
    }
    // Picks the staff member and types the PIN and Enter, as a cashier does; true once the
    // sale screen is up.
    bool logIn(const QString& staffId, const QString& pin);
    bool openAndLogIn(const Options& options = HarnessOptions());

    sandbox::SandboxServer& sandbox() { return m_sandbox.server(); }
    service::PosService& till() { return *m_till; }
    ui::MainWindow& window() { return *m_window; }
    TestBuyer& buyer() { return m_sandbox.buyer(); }
    QString terminalId() const { return m_terminalId; }

    // The order as stored now, through the till.
    std::optional<OrderWithEvents> loadOrder(const QString& outTradeNo);
    // Trades this till made in the sandbox.
    int sandboxTradeCount();

private:
    TestSandbox& m_sandbox;
    QTemporaryDir m_dir;
    QString m_terminalId;
    std::unique_ptr<service::PosService> m_till;
    std::unique_ptr<ui::MainWindow> m_window;
};

} // namespace qpos::test
