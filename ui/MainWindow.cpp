#include "ui/MainWindow.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/calendar/LocalTimeText.h"
#include "core/link/RemoteBatchStore.h"
#include "core/link/TillEndpoint.h"
#include "core/logging/LogCategories.h"
#include "core/money/Money.h"
#include "core/reconcile/AsyncBatchStore.h"
#include "ui/orders/OrdersView.h"
#include "ui/reconcile/ReconcileWindow.h"
#include "ui/reports/ReportsWindow.h"
#include "ui/reports/ZReportDialog.h"
#include "ui/settings/SettingsDialog.h"
#include "ui/support/ManagerPinDialog.h"
#include "ui/support/RequestIds.h"
#include "ui/support/YuanText.h"
#include "ui/till/AmountEntry.h"
#include "ui/till/CashTenderDialog.h"
#include "ui/till/CheckoutController.h"
#include "ui/till/LoginPanel.h"
#include "ui/till/NoticeBar.h"
#include "ui/till/OpeningFloatDialog.h"
#include "ui/till/PaymentDialog.h"
#include "ui/till/PaymentStatusText.h"
#include "ui/till/SalePanel.h"
#include "ui/till/SandboxBanner.h"
#include "ui/till/ShiftCountDialog.h"
#include "ui/till/StartupPanel.h"
#include "ui/till/TillHeader.h"
#include "ui/till/TillStyle.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QShortcut>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace qpos::ui {

namespace {

constexpr int kMaxRecoveryLinesShown = 8;
constexpr int kMaxSubjectLength = 128;

} // namespace

MainWindow::MainWindow(service::PosService& till, TillWindowOptions options, QWidget* parent)
    : QMainWindow(parent)
    , m_till(till)
    , m_options(std::move(options)) {
    const AppConfig& config = m_options.config;
    setWindowTitle(config.sandbox ? tr("qpos — %1 — SANDBOX").arg(config.store.name)
                                  : tr("qpos — %1").arg(config.store.name));
    resize(1024, 768);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(8, 4, 8, 8);
    layout->setSpacing(6);

    if (config.sandbox) {
        // The window's banner only warns: the buyer's buttons are in the payment dialog,
        // where the open payment is.
        m_banner = new SandboxBanner(nullptr, central);
        layout->addWidget(m_banner);
    }
    m_header = new TillHeader(config.store.name, config.store.id, config.terminal.id, central);
    layout->addWidget(m_header);
    m_notice = new NoticeBar(central);
    layout->addWidget(m_notice);

    m_stack = new QStackedWidget(central);
    m_startup = new StartupPanel(m_stack);
    m_login = new LoginPanel(config.sandbox, m_stack);
    m_sale = new SalePanel(m_stack);
    m_sale->setCashEnabled(config.checkout.cashEnabled);
    m_ordersPage = new QWidget(m_stack);
    m_ordersPage->setObjectName(QStringLiteral("ordersPage"));
    auto* ordersLayout = new QVBoxLayout(m_ordersPage);
    ordersLayout->setContentsMargins(0, 0, 0, 0);
    auto* back = new QPushButton(tr("Back to the sale  (Esc)"), m_ordersPage);
    back->setObjectName(QStringLiteral("backToSale"));
    back->setAutoDefault(false);
    till_style::setPointSize(back, till_style::kBodyPt + 1, true);
    connect(back, &QPushButton::clicked, this, &MainWindow::showSale);
    ordersLayout->addWidget(back, 0, Qt::AlignLeft);
    auto* escape = new QShortcut(QKeySequence(Qt::Key_Escape), m_ordersPage);
    escape->setContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, this, &MainWindow::showSale);
    for (QWidget* page : {static_cast<QWidget*>(m_startup), static_cast<QWidget*>(m_login),
                          static_cast<QWidget*>(m_sale), m_ordersPage})
        m_stack->addWidget(page);
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);

    m_checkout = new CheckoutController(m_till, m_options.buyer, config.sandbox, this);
    m_checkout->setPaidScreenMs(m_options.paidScreenMs);

    m_totalsDelay = new QTimer(this);
    m_totalsDelay->setSingleShot(true);
    m_totalsDelay->setInterval(300); // a burst of order changes asks once
    connect(m_totalsDelay, &QTimer::timeout, this, &MainWindow::requestTotals);

    buildActions();

    connect(&m_till, &service::PosService::ready, this, &MainWindow::onReady);
    connect(&m_till, &service::PosService::staffListed, this, &MainWindow::onStaffListed);
    connect(&m_till, &service::PosService::staffVerified, this, &MainWindow::onStaffVerified);
    connect(&m_till, &service::PosService::staffSaved, this, [this] {
        if (m_ready)
            requestStaff(); // someone changed the staff: the login list follows
    });
    connect(&m_till, &service::PosService::dailyTotalsLoaded, this, &MainWindow::onDailyTotals);
    connect(&m_till, &service::PosService::shiftChanged, this,
            [this](const QString& requestId, const service::ShiftReply& reply) {
                if (!m_openShiftRequestId.isEmpty() && requestId == m_openShiftRequestId) {
                    m_openShiftRequestId.clear();
                    onOpenShiftFound(reply);
                    return;
                }
                if (requestId != m_shiftRequestId)
                    return;
                m_shiftRequestId.clear();
                if (!reply.error.isEmpty()) {
                    m_notice->showNotice(reply.error);
                } else if (reply.shift.isOpen() && m_cashier &&
                           reply.shift.cashierId == m_cashier->id) {
                    m_shiftId = reply.shift.id;
                } else if (!reply.shift.isOpen()) {
                    m_shiftId = 0;
                    m_header->setStatus(tr("Shift %1 ended.").arg(reply.shift.id));
                }
                updateActions();
            });
    connect(&m_till, &service::PosService::linkStatusChanged, m_header, &TillHeader::setLinkStatus);
    connect(&m_till, &service::PosService::printFinished, this, &MainWindow::onPrintFinished);
    // A refund that ended after its own report (closed, refused, held by the provider).
    connect(&m_till, &service::PosService::refundFinished, this,
            [this](const checkout::RefundReport& report) {
                if (report.requestId.isEmpty() && !report.message.isEmpty())
                    m_notice->showNotice(report.message);
                if (!report.drawerMessage.isEmpty())
                    m_notice->showNotice(report.drawerMessage);
            });
    connect(&m_till, &service::PosService::cashSaleRecorded, this, &MainWindow::onCashSaleRecorded);
    connect(&m_till, &service::PosService::orderChanged, this, [this] {
        if (m_ready)
            m_totalsDelay->start();
    });
    connect(m_login, &LoginPanel::loginRequested, this, &MainWindow::onLoginRequested);
    connect(m_sale, &SalePanel::qrChargeRequested, this, &MainWindow::onQrCharge);
    connect(m_sale, &SalePanel::connectionWanted, &m_till, &service::PosService::warmUpGateways);
    connect(m_sale, &SalePanel::codeChargeRequested, this, &MainWindow::onCodeCharge);
    connect(m_sale, &SalePanel::cashChargeRequested, this, &MainWindow::onCashCharge);
    connect(m_checkout, &CheckoutController::opened, this, [this] {
        m_sale->setSalesEnabled(false);
        m_header->setStatus(tr("Payment in progress…"));
        updateActions();
    });
    connect(m_checkout, &CheckoutController::finished, this, &MainWindow::onCheckoutFinished);

    m_header->setStatus(tr("Starting…"));
    m_startup->showRecovering();
    setScreen(Screen::Starting);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions() {
    QMenu* tillMenu = menuBar()->addMenu(tr("&Till"));
    // No shortcut: F4 takes cash on the sale screen, and Esc leaves the orders.
    m_saleAction = tillMenu->addAction(tr("&Sale screen"), this, &MainWindow::showSale);
    m_logOutAction = tillMenu->addAction(tr("&Log out"), this, &MainWindow::logOut);
    m_logOutAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    m_logOutAction->setObjectName(QStringLiteral("logOutAction"));
    m_shiftXAction =
        tillMenu->addAction(tr("&X report of my shift"), this, &MainWindow::openShiftReport);
    m_shiftXAction->setObjectName(QStringLiteral("shiftXAction"));
    m_endShiftAction = tillMenu->addAction(tr("&End my shift"), this, &MainWindow::endShift);
    m_endShiftAction->setObjectName(QStringLiteral("endShiftAction"));
    tillMenu->addSeparator();
    QAction* quit = tillMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));

    QMenu* managerMenu = menuBar()->addMenu(tr("&Manager"));
    m_ordersAction =
        managerMenu->addAction(tr("&Orders and refunds"), this, &MainWindow::showOrders);
    m_ordersAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_ordersAction->setObjectName(QStringLiteral("ordersAction"));
    m_reportsAction = managerMenu->addAction(tr("&Reports…"), this, &MainWindow::openReports);
    m_reportsAction->setShortcut(QKeySequence(Qt::Key_F6));
    m_reportsAction->setObjectName(QStringLiteral("reportsAction"));
    m_zReportAction = managerMenu->addAction(tr("&Z report…"), this, &MainWindow::openZReport);
    m_zReportAction->setObjectName(QStringLiteral("zReportAction"));
    m_reconcileAction =
        managerMenu->addAction(tr("Re&conciliation…"), this, &MainWindow::openReconcile);
    m_reconcileAction->setObjectName(QStringLiteral("reconcileAction"));
    m_settingsAction = managerMenu->addAction(tr("&Settings…"), this, &MainWindow::openSettings);
    m_settingsAction->setObjectName(QStringLiteral("settingsAction"));

    // The header's buttons show the icon text; the menus keep their own text and shortcut.
    m_ordersAction->setIconText(tr("Orders  (F5)"));
    m_header->addActionButton(m_ordersAction);
    m_header->addActionButton(m_logOutAction);
    m_logOutAction->setIconText(tr("Log out"));
    updateActions();
}

void MainWindow::setScreen(Screen screen) {
    m_screen = screen;
    switch (screen) {
    case Screen::Starting:
        m_stack->setCurrentWidget(m_startup);
        break;
    case Screen::Login:
        m_stack->setCurrentWidget(m_login);
        m_login->reset();
        break;
    case Screen::Sale:
        m_stack->setCurrentWidget(m_sale);
        m_sale->focusAmount();
        break;
    case Screen::Orders:
        m_stack->setCurrentWidget(m_ordersPage);
        if (m_orders)
            m_orders->setFocus();
        break;
    }
    m_sale->setSalesEnabled(screen == Screen::Sale && !m_checkout->isOpen() &&
                            m_cashRequestId.isEmpty() && (!m_channels.isEmpty() || takesCash()));
    updateActions();
    emit screenChanged(screen);
}

void MainWindow::updateActions() {
    const bool loggedIn = m_cashier.has_value();
    const bool paying = m_checkout && m_checkout->isOpen();
    m_logOutAction->setEnabled(loggedIn && !paying);
    m_logOutAction->setVisible(loggedIn);
    m_saleAction->setEnabled(loggedIn && !paying && m_screen != Screen::Sale);
    m_ordersAction->setEnabled(loggedIn && !paying && m_ready);
    m_ordersAction->setVisible(loggedIn);
    m_reportsAction->setEnabled(!paying && m_ready);
    m_reconcileAction->setEnabled(!paying && m_ready);
    m_zReportAction->setEnabled(!paying && m_ready);
    m_shiftXAction->setEnabled(loggedIn && m_shiftId > 0);
    m_endShiftAction->setEnabled(loggedIn && !paying && m_shiftId > 0);
    // Settings stay reachable when the till cannot open: a wrong key is fixed there.
    m_settingsAction->setEnabled(!paying);
}

void MainWindow::onReady(const service::PosReady& ready) {
    if (!ready.error.isEmpty()) {
        qCWarning(lcUi).noquote() << "the till cannot open:" << ready.error;
        m_ready = false;
        m_startup->showError(ready.error);
        m_header->setStatus(tr("The till cannot take payments."), true);
        setScreen(Screen::Starting);
        return;
    }
    m_ready = true;
    m_channels = ready.channels;
    m_sale->setRouting(ready.routing);

    const checkout::RecoveryReport& recovery = ready.recovery;
    if (recovery.settled > 0 || recovery.unresolved > 0) {
        QStringList lines{
            tr("Open orders from the last run were checked with the provider at start-up: %1 "
               "looked at, %2 settled, %3 still open (checked again later).")
                .arg(recovery.examined)
                .arg(recovery.settled)
                .arg(recovery.unresolved)};
        for (int i = 0; i < recovery.lines.size() && i < kMaxRecoveryLinesShown; ++i)
            lines << QStringLiteral("• ") + recovery.lines.at(i);
        if (recovery.lines.size() > kMaxRecoveryLinesShown)
            lines << tr("… and %1 more (see Orders).")
                         .arg(recovery.lines.size() - kMaxRecoveryLinesShown);
        m_notice->showNotice(lines.join(u'\n'));
    }

    if (m_channels.isEmpty() && !takesCash())
        m_header->setStatus(tr("No payment channel is offered: nothing can be charged. IT: "
                               "enable [alipay] or [wechat] in qpos.ini, and check [routing] "
                               "channels."),
                            true);
    else
        showLoginStatus(ready.hasStaff);
    requestStaff();
    requestTotals();
    setScreen(Screen::Login);
}

void MainWindow::showLoginStatus(bool hasStaff) {
    if (hasStaff)
        m_header->setStatus(tr("Ready. Log in with your PIN."));
    else
        m_header->setStatus(tr("No staff set up yet: nobody can log in."), true);
}

void MainWindow::requestStaff() {
    m_staffRequestId = newRequestId();
    m_till.listStaff(m_staffRequestId);
}

void MainWindow::requestTotals() {
    m_totalsRequestId = newRequestId();
    const int today = china_calendar::dayNumberOf(QDateTime::currentMSecsSinceEpoch());
    m_till.loadDailyTotals(m_totalsRequestId, today, today);
}

void MainWindow::onStaffListed(const QString& requestId, const service::StaffListReply& reply) {
    if (requestId != m_staffRequestId)
        return;
    m_staffRequestId.clear();
    if (!reply.error.isEmpty()) {
        m_login->showError(reply.error);
        return;
    }
    m_login->setStaff(reply.staff);
    if (!m_cashier && !m_channels.isEmpty())
        showLoginStatus(!reply.staff.isEmpty());
}

void MainWindow::onLoginRequested(const QString& staffId, const QString& pin) {
    if (!m_ready || !m_loginRequestId.isEmpty())
        return;
    m_loginRequestId = newRequestId();
    m_login->setBusy(true);
    m_till.verifyStaff(m_loginRequestId, staffId, pin);
}

void MainWindow::onStaffVerified(const QString& requestId, const service::StaffReply& reply) {
    if (m_loginRequestId.isEmpty() || requestId != m_loginRequestId)
        return;
    m_loginRequestId.clear();
    m_login->setBusy(false);
    if (!reply.error.isEmpty()) {
        if (reply.errorCode == QLatin1String("staff.wrong_pin") ||
            reply.errorCode == QLatin1String("staff.unknown"))
            m_login->showError(tr("Wrong PIN. Try again."));
        else
            m_login->showError(reply.error);
        return;
    }
    m_cashier = reply.member;
    qCInfo(lcUi).noquote() << "logged in:" << reply.member.id;
    m_header->setCashier(m_cashier);
    m_header->setStatus(tr("Ready to sell."));
    m_sale->clearSale();
    m_shiftId = 0;
    setScreen(Screen::Sale);
    startShift();
}

void MainWindow::startShift() {
    if (!m_cashier)
        return;
    if (!takesCash()) {
        m_shiftRequestId = newRequestId();
        m_till.openShift(m_shiftRequestId, m_cashier->id, std::nullopt);
        return;
    }
    // Back from a break the drawer was counted already: the float is asked for a new shift only.
    m_openShiftRequestId = newRequestId();
    m_till.loadOpenShift(m_openShiftRequestId);
}

void MainWindow::onOpenShiftFound(const service::ShiftReply& reply) {
    if (!m_cashier)
        return;
    if (reply.error.isEmpty() && reply.shift.id > 0 && reply.shift.cashierId == m_cashier->id) {
        m_shiftRequestId = newRequestId();
        m_till.openShift(m_shiftRequestId, m_cashier->id, std::nullopt); // carries on with it
        return;
    }
    auto* dialog = new OpeningFloatDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (!m_cashier)
            return;
        m_shiftRequestId = newRequestId();
        m_till.openShift(m_shiftRequestId, m_cashier->id, dialog->floatFen());
        m_sale->focusAmount();
    });
    connect(dialog, &QDialog::rejected, this, &MainWindow::logOut);
    dialog->open();
}

void MainWindow::onDailyTotals(const QString& requestId, const service::TotalsReply& reply) {
    if (requestId != m_totalsRequestId)
        return;
    m_totalsRequestId.clear();
    if (!reply.error.isEmpty())
        m_header->setTotalsError(reply.error);
    else
        m_header->setTotals(reply.totals);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (m_checkout->isOpen()) {
        // The customer may be paying right now: the payment is finished or cancelled first.
        event->ignore();
        m_header->setStatus(tr("A payment is open: finish or cancel it before closing qpos."),
                            true);
        if (PaymentDialog* dialog = m_checkout->dialog())
            dialog->raise();
        return;
    }
    QMainWindow::closeEvent(event);
}

void MainWindow::logOut() {
    if (!m_cashier || m_checkout->isOpen())
        return;
    qCInfo(lcUi).noquote() << "logged out:" << m_cashier->id;
    m_cashier.reset();
    m_shiftId = 0; // the shift stays open for the next login of the same cashier
    m_header->setCashier(std::nullopt);
    m_header->setStatus(tr("Logged out. Log in with your PIN."));
    m_sale->clearSale();
    setScreen(Screen::Login);
}

void MainWindow::showSale() {
    if (!m_cashier || m_checkout->isOpen())
        return;
    setScreen(Screen::Sale);
}

void MainWindow::showOrders() {
    if (!m_cashier || !m_ready || m_checkout->isOpen())
        return;
    if (!m_orders) {
        m_orders = new OrdersView(m_till, m_ordersPage);
        m_ordersPage->layout()->addWidget(m_orders);
    } else {
        m_orders->showToday();
    }
    setScreen(Screen::Orders);
}

void MainWindow::openSettings() {
    if (m_checkout->isOpen())
        return;
    auto* approval = new ManagerPinDialog(m_till, tr("Open the till's settings."), this);
    approval->setAttribute(Qt::WA_DeleteOnClose);
    connect(approval, &QDialog::accepted, this, [this] {
        auto* settings = new SettingsDialog(m_options.config, m_options.settingsFiles, this);
        settings->setAttribute(Qt::WA_DeleteOnClose);
        connect(settings, &SettingsDialog::saved, this, [this] {
            m_header->setStatus(tr("Settings saved. They take effect when qpos starts again."));
        });
        settings->open();
    });
    approval->open();
}

void MainWindow::openShiftReport() {
    if (!m_cashier || m_shiftId <= 0)
        return;
    auto* x = new ReportsWindow(m_till, m_options.config.store.name, {}, m_shiftId, this);
    x->setAttribute(Qt::WA_DeleteOnClose);
    x->open();
}

void MainWindow::endShift() {
    if (!m_cashier || m_shiftId <= 0 || m_checkout->isOpen())
        return;
    if (takesCash()) {
        auto* count = new ShiftCountDialog(m_till, m_shiftId, m_cashier->id, this);
        count->setAttribute(Qt::WA_DeleteOnClose);
        connect(count, &QDialog::accepted, this, [this, shift = m_shiftId] {
            m_header->setStatus(tr("Shift %1 ended; the cash count is stored.").arg(shift));
            m_shiftId = 0;
            logOut();
        });
        count->open();
        return;
    }
    m_shiftRequestId = newRequestId();
    m_till.closeShift(m_shiftRequestId, m_shiftId, m_cashier->id);
    logOut();
}

void MainWindow::openZReport() {
    if (m_checkout->isOpen() || !m_ready)
        return;
    auto* approval = new ManagerPinDialog(m_till, tr("Close the business day (Z report)."), this);
    approval->setAttribute(Qt::WA_DeleteOnClose);
    connect(approval, &QDialog::accepted, this, [this, approval] {
        const QString manager = approval->approver() ? approval->approver()->id : QString();
        auto* z = new ZReportDialog(m_till, m_options.config.store.name, manager, this);
        z->setAttribute(Qt::WA_DeleteOnClose);
        z->open();
    });
    approval->open();
}

void MainWindow::openReports() {
    if (m_checkout->isOpen() || !m_ready)
        return;
    auto* approval = new ManagerPinDialog(m_till, tr("Open the reports."), this);
    approval->setAttribute(Qt::WA_DeleteOnClose);
    connect(approval, &QDialog::accepted, this, [this] {
        auto* reports = new ReportsWindow(m_till, m_options.config.store.name, {}, 0, this);
        if (link::tillEndpoint(m_options.config))
            reports->offerWholeStore();
        reports->setAttribute(Qt::WA_DeleteOnClose);
        reports->open();
    });
    approval->open();
}

void MainWindow::openReconcile() {
    if (m_checkout->isOpen() || !m_ready)
        return;
    auto* approval = new ManagerPinDialog(m_till, tr("Open the reconciliation."), this);
    approval->setAttribute(Qt::WA_DeleteOnClose);
    connect(approval, &QDialog::accepted, this, [this, approval] {
        const QString manager = approval->approver() ? approval->approver()->id : QString();
        // An enrolled till shows the whole store's batches, from the store server.
        const Result<link::StoreServerEndpoint> server = link::tillEndpoint(m_options.config);
        std::unique_ptr<reconcile::BatchSource> source;
        if (server)
            source =
                std::make_unique<link::RemoteBatchStore>(*server, link::StoreServerHttp::Clock());
        else
            source = std::make_unique<reconcile::AsyncBatchStore>(m_options.config.database.path);
        auto* reconcile = new ReconcileWindow(std::move(source), manager, {}, this);
        if (!server && server.error().code != u"link.not_configured")
            reconcile->showSourceProblem(server.error().message);
        reconcile->setAttribute(Qt::WA_DeleteOnClose);
        reconcile->open();
    });
    approval->open();
}

NewOrder MainWindow::newOrder(Channel channel, PaymentFlow flow, const SaleDraft& draft) const {
    NewOrder order;
    order.channel = channel;
    order.flow = flow;
    order.amountFen = draft.amountFen;
    order.items = draft.items;
    order.cashierId = m_cashier ? m_cashier->id : QString();
    // What the buyer's phone shows: the shop, and the items when there are any.
    QString subject = m_options.config.store.name;
    if (!draft.items.isEmpty()) {
        QStringList names;
        for (const OrderItem& item : draft.items)
            names << (item.quantity > 1 ? QStringLiteral("%1 ×%2").arg(item.name).arg(item.quantity)
                                        : item.name);
        subject = subject.isEmpty()
                      ? names.join(QStringLiteral(", "))
                      : subject + QStringLiteral(": ") + names.join(QStringLiteral(", "));
    }
    if (subject.isEmpty())
        subject = tr("Sale");
    if (subject.size() > kMaxSubjectLength)
        subject = subject.left(kMaxSubjectLength - 1) + QStringLiteral("…");
    order.subject = subject;
    return order;
}

void MainWindow::onQrCharge(Channel channel, const SaleDraft& draft) {
    if (!m_cashier || !m_ready)
        return;
    m_checkout->startQr(newOrder(channel, PaymentFlow::QrCode, draft));
}

void MainWindow::onCodeCharge(Channel channel, const SaleDraft& draft, const QString& code) {
    if (!m_cashier || !m_ready)
        return;
    m_checkout->startCode(newOrder(channel, PaymentFlow::PayByCode, draft), code);
}

void MainWindow::onCashCharge(const SaleDraft& draft) {
    if (!m_cashier || !m_ready || !takesCash() || m_checkout->isOpen() ||
        !m_cashRequestId.isEmpty())
        return;
    auto* dialog = new CashTenderDialog(draft.amountFen, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, draft] {
        if (!m_cashier || !dialog->tenderedFen())
            return;
        m_cashRequestId = newRequestId();
        m_sale->setSalesEnabled(false);
        m_till.takeCash(m_cashRequestId, newOrder(Channel::Cash, PaymentFlow::Cash, draft),
                        *dialog->tenderedFen());
    });
    connect(dialog, &QDialog::rejected, m_sale, &SalePanel::focusAmount);
    dialog->open();
}

void MainWindow::onCashSaleRecorded(const checkout::CashSaleReport& report) {
    if (m_cashRequestId.isEmpty() || report.requestId != m_cashRequestId)
        return;
    m_cashRequestId.clear();
    if (!report.error.isEmpty() || !report.order) {
        // Nothing was recorded: the sale stays keyed.
        m_sale->showMessage(report.error, true);
        setScreen(m_cashier ? Screen::Sale : Screen::Login);
        return;
    }
    m_header->setStatus(tr("Last sale: %1 paid in cash; change %2.")
                            .arg(yuanText(report.order->amountFen), yuanText(report.changeFen)));
    m_header->setStatusDetail(tr("Order %1").arg(report.order->outTradeNo));
    if (!report.drawerMessage.isEmpty())
        m_notice->showNotice(report.drawerMessage);
    m_sale->clearSale();
    setScreen(m_cashier ? Screen::Sale : Screen::Login);
    requestTotals();
}

void MainWindow::onCheckoutFinished(const checkout::CheckoutUpdate& last) {
    m_sale->paymentScreenClosed();
    if (last.phase == checkout::CheckoutPhase::Paid) {
        m_header->setStatus(tr("Last sale: %1 paid with %2.")
                                .arg(yuanText(last.amountFen), channelLabel(last.channel)));
        m_sale->clearSale();
    } else {
        // The sale stays keyed: the customer may pay another way.
        m_header->setStatus(
            tr("Last payment: %1, %2.")
                .arg(payment_status::finalTitle(last.phase, last.flow), yuanText(last.amountFen)),
            last.phase == checkout::CheckoutPhase::Failed);
    }
    m_header->setStatusDetail(last.outTradeNo.isEmpty() ? QString()
                                                        : tr("Order %1").arg(last.outTradeNo));
    setScreen(m_cashier ? Screen::Sale : Screen::Login);
    requestTotals();
}

void MainWindow::showProvisioning(const link::ProvisioningStatus& status) {
    using State = link::ProvisioningStatus::State;
    switch (status.state) {
    case State::NoCode:
        break;
    case State::Enrolling:
        m_notice->showNotice(tr("Enrolling this till with the store server…"));
        break;
    case State::Waiting:
        m_notice->showNotice(tr("This till could not enroll with the store server yet; it tries "
                                "again by itself at %1. Selling works meanwhile.\n%2")
                                 .arg(localTimeText(status.nextAttemptMs), status.message));
        break;
    case State::Enrolled:
        // The manager's screens read the store server from now on.
        m_options.config.storeServer.url = status.serverUrl.toString(QUrl::FullyEncoded);
        m_notice->showNotice(status.message.isEmpty()
                                 ? tr("This till is enrolled with the store server at %1.")
                                       .arg(status.serverUrl.toString())
                                 : tr("This till is enrolled with the store server at %1, but: %2")
                                       .arg(status.serverUrl.toString(), status.message));
        break;
    }
}

void MainWindow::onPrintFinished(const QString& requestId, const service::PrintReply& reply) {
    // Only the receipt printed on its own after a sale, and the drawer kicked after a cash
    // sale or refund, have no screen waiting for their answer.
    if (!requestId.isEmpty() || reply.error.isEmpty())
        return;
    if (reply.kind == service::PrintKind::Drawer) {
        m_notice->showNotice(tr("The cash drawer did not open: %1 The sale or refund itself is "
                                "recorded; open the drawer by hand.")
                                 .arg(reply.error));
        return;
    }
    if (reply.kind != service::PrintKind::Receipt)
        return;
    m_notice->showNotice(tr("The receipt for order %1 was not printed: %2 The sale itself is "
                            "recorded. Reprint the receipt from the order's detail (F5, then "
                            "the order, then Print receipt).")
                             .arg(reply.outTradeNo, reply.error));
}

} // namespace qpos::ui
