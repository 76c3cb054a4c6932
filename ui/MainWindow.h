#pragma once

#include "core/checkout/CheckoutTypes.h"
#include "core/config/AppConfig.h"
#include "core/link/ProvisionedEnrollment.h"
#include "core/orders/Channel.h"
#include "core/service/PosService.h"
#include "core/staff/Staff.h"
#include "ui/settings/SettingsDialog.h"

#include <QList>
#include <QMainWindow>
#include <QString>

#include <optional>

class QAction;
class QStackedWidget;
class QTimer;

namespace qpos::checkout {
class BuyerSimulator;
}

namespace qpos::ui {

class CheckoutController;
class LoginPanel;
class NoticeBar;
class OrdersView;
struct SaleDraft;
class SalePanel;
class SandboxBanner;
class StartupPanel;
class TillHeader;

// What the window needs besides the till's worker.
struct TillWindowOptions {
    AppConfig config;            // the running configuration: shop, terminal, sandbox mode
    SettingsFiles settingsFiles; // where Settings… reads and writes
    // Sandbox mode: the simulated buyer behind the banner's buttons (may be null).
    checkout::BuyerSimulator* buyer = nullptr;
    int paidScreenMs = 4000; // how long the PAID screen stays
};

// The cashier's till. Everything it asks goes through PosService and comes back as its
// signals, so the window never waits on the network or the database.
//
// Screens: "Recovering open orders…" until PosService::ready() (or why the till cannot
// open), then the PIN login, then the sale screen (amount, item lines, Charge per channel,
// scanner), with the payment dialog over it while a payment runs, and the orders view (F5).
// The header shows the shop, the cashier, a status line and today's takings; sandbox mode
// adds the SANDBOX banner.
//
// Create the window before calling PosService::start(): it must see ready().
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    enum class Screen { Starting, Login, Sale, Orders };

    MainWindow(service::PosService& till, TillWindowOptions options, QWidget* parent = nullptr);
    ~MainWindow() override;

    Screen screen() const { return m_screen; }
    const std::optional<StaffMember>& cashier() const { return m_cashier; }
    // The cashier's open shift (0 until the till confirmed it).
    qint64 shiftId() const { return m_shiftId; }
    QList<Channel> channels() const { return m_channels; }

    // The parts, for tests and for screenshots.
    TillHeader* header() const { return m_header; }
    StartupPanel* startupPanel() const { return m_startup; }
    LoginPanel* loginPanel() const { return m_login; }
    SalePanel* salePanel() const { return m_sale; }
    CheckoutController* checkout() const { return m_checkout; }
    NoticeBar* notice() const { return m_notice; }

public slots:
    void logOut();
    void showSale();
    void showOrders();
    // Asks a manager's PIN, then opens the settings.
    void openSettings();
    // Asks a manager's PIN, then opens the reports.
    void openReports();
    // Asks a manager's PIN, then opens the reconciliation of the providers' bills.
    void openReconcile();
    // The X report of the cashier's own shift: no PIN, and no other shift.
    void openShiftReport();
    // Ends the cashier's shift and logs out.
    void endShift();
    // Asks a manager's PIN, then opens the Z report (closing the business day).
    void openZReport();
    // The unattended enrollment from the provisioned code file (docs/deploy.md): a failure
    // and its next attempt, or the enrollment, in the notice bar; selling goes on meanwhile.
    void showProvisioning(const qpos::link::ProvisioningStatus& status);

signals:
    void screenChanged(qpos::ui::MainWindow::Screen screen);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void setScreen(Screen screen);
    void updateActions();

    void onReady(const service::PosReady& ready);
    void onStaffListed(const QString& requestId, const service::StaffListReply& reply);
    void onStaffVerified(const QString& requestId, const service::StaffReply& reply);
    void onDailyTotals(const QString& requestId, const service::TotalsReply& reply);
    void onLoginRequested(const QString& staffId, const QString& pin);
    void onQrCharge(Channel channel, const SaleDraft& draft);
    void onCodeCharge(Channel channel, const SaleDraft& draft, const QString& code);
    void onCheckoutFinished(const checkout::CheckoutUpdate& last);
    void onPrintFinished(const QString& requestId, const service::PrintReply& reply);
    void onCashCharge(const SaleDraft& draft);
    void onCashSaleRecorded(const checkout::CashSaleReport& report);
    // At login: the cashier's shift goes on, or a new one opens (with a float when the till
    // takes cash).
    void startShift();
    void onOpenShiftFound(const service::ShiftReply& reply);
    bool takesCash() const { return m_options.config.checkout.cashEnabled; }
    NewOrder newOrder(Channel channel, PaymentFlow flow, const SaleDraft& draft) const;
    void showLoginStatus(bool hasStaff);
    void requestStaff();
    void requestTotals();

    service::PosService& m_till;
    TillWindowOptions m_options;
    Screen m_screen = Screen::Starting;
    bool m_ready = false;
    QList<Channel> m_channels;
    std::optional<StaffMember> m_cashier;
    QString m_staffRequestId;
    QString m_loginRequestId;
    QString m_totalsRequestId;
    QString m_shiftRequestId;
    QString m_openShiftRequestId; // at login with cash: is the cashier's shift still open?
    QString m_cashRequestId;      // the cash sale being recorded
    qint64 m_shiftId = 0;

    TillHeader* m_header = nullptr;
    SandboxBanner* m_banner = nullptr;
    NoticeBar* m_notice = nullptr;
    QStackedWidget* m_stack = nullptr;
    StartupPanel* m_startup = nullptr;
    LoginPanel* m_login = nullptr;
    SalePanel* m_sale = nullptr;
    QWidget* m_ordersPage = nullptr;
    OrdersView* m_orders = nullptr;
    CheckoutController* m_checkout = nullptr;
    QTimer* m_totalsDelay = nullptr;

    QAction* m_logOutAction = nullptr;
    QAction* m_saleAction = nullptr;
    QAction* m_ordersAction = nullptr;
    QAction* m_settingsAction = nullptr;
    QAction* m_reportsAction = nullptr;
    QAction* m_reconcileAction = nullptr;
    QAction* m_shiftXAction = nullptr;
    QAction* m_endShiftAction = nullptr;
    QAction* m_zReportAction = nullptr;
};

} // namespace qpos::ui
