#include "core/service/PosService.h"

#include "core/link/RemoteSalesReport.h"
#include "core/logging/LogCategories.h"
#include "core/printing/ReceiptPrinter.h"
#include "core/printing/ReportSlip.h"
#include "core/printing/SaleReceipt.h"
#include "core/service/PrinterCashDrawer.h"
#include "core/staff/StaffStore.h"
#include "core/storage/DatabaseLock.h"
#include "core/storage/OrderStore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QThread>

#include <openssl/crypto.h>

namespace qpos::service {

// Everything that waits: the database, the PIN hashes, the gateways and the engine. Made
// and destroyed on the worker thread.
class PosService::Worker : public QObject {
public:
    Worker(PosService* service, PosOptions options)
        : m_service(service)
        , m_options(std::move(options))
        , m_store(OrderStoreOptions{m_options.config.store.id, m_options.config.terminal.id,
                                    m_options.clock}) {}

    ~Worker() override {
        m_link.reset();   // before the engine and the store it uses
        m_engine.reset(); // before the gateways and the drawer it uses
        m_drawer.reset();
        m_gateways.reset();
        m_staff.reset();
        m_store.close();
        m_lock.reset(); // after the database is closed
    }

    void open() {
        PosReady ready;
        Result<std::unique_ptr<DatabaseLock>> lock =
            DatabaseLock::acquire(m_options.config.database.path);
        if (!lock) {
            ready.error = lock.error().message;
            emit m_service->ready(ready);
            return;
        }
        m_lock = std::move(lock).value();
        if (Status s = m_store.open(m_options.config.database.path); !s.ok()) {
            ready.error = s.error().message;
            emit m_service->ready(ready);
            return;
        }
        m_staff = std::make_unique<StaffStore>(m_store.database(), m_options.clock);
        if (m_options.config.sandbox && m_staff->isEmpty())
            seedDemoStaff();
        ready.hasStaff = !m_staff->isEmpty();

        m_gateways = std::make_unique<checkout::GatewayDirectory>();
        if (m_options.makeGateways) {
            Result<GatewayList> made = m_options.makeGateways();
            if (made) {
                for (auto& gateway : made.value())
                    m_gateways->add(std::move(gateway));
            } else {
                ready.error = made.error().message;
            }
        }
        warmUpGateways(); // the first sale is likely soon
        checkout::CheckoutPolicy policy = m_options.policy;
        policy.qrTimeoutS = m_options.config.checkout.qrTimeoutS;
        if (!policy.clock)
            policy.clock = m_options.clock;
        m_engine = std::make_unique<checkout::CheckoutEngine>(m_store, *m_gateways, policy);
        m_engine->setCashDrawer(m_drawer.get());
        PosService* service = m_service;
        connect(m_engine.get(), &checkout::CheckoutEngine::checkoutUpdated, service,
                &PosService::checkoutUpdated, Qt::DirectConnection);
        connect(m_engine.get(), &checkout::CheckoutEngine::orderChanged, service,
                &PosService::orderChanged, Qt::DirectConnection);
        connect(m_engine.get(), &checkout::CheckoutEngine::refundFinished, service,
                &PosService::refundFinished, Qt::DirectConnection);
        connect(m_engine.get(), &checkout::CheckoutEngine::recoveryFinished, service,
                &PosService::recoveryFinished, Qt::DirectConnection);
        startLink();
        const PrinterConfig& printer = m_options.config.printer;
        if (printer.enabled && printer.receiptAfterSale)
            connect(m_engine.get(), &checkout::CheckoutEngine::checkoutUpdated, this,
                    [this](const checkout::CheckoutUpdate& update) {
                        if (update.phase == checkout::CheckoutPhase::Paid &&
                            !update.outTradeNo.isEmpty())
                            printReceipt(QString(), update.outTradeNo, false);
                    });
        m_routing = routing::ChannelRouting::fromConfig(m_options.config, m_gateways->channels());
        ready.channels = m_routing.channels();
        ready.routing = m_routing;

        // The till opens only after every open order of an earlier run was looked at.
        auto first = std::make_shared<QMetaObject::Connection>();
        *first = connect(m_engine.get(), &checkout::CheckoutEngine::recoveryFinished, this,
                         [service, ready, first](const checkout::RecoveryReport& report) mutable {
                             QObject::disconnect(*first);
                             ready.recovery = report;
                             emit service->ready(ready);
                         });
        m_engine->recover();
    }

    // The till was enrolled while it ran: the link starts on the new credentials, and the
    // outbox kept so far is uploaded.
    void useStoreServer(const QString& url) {
        m_options.config.storeServer.url = url;
        if (m_engine)
            startLink(); // otherwise open() starts it with this url
    }

    void warmUpGateways() {
        if (!m_gateways)
            return;
        for (const Channel channel : m_gateways->channels())
            m_gateways->find(channel)->warmUp();
    }

    checkout::CheckoutEngine* engine() { return m_engine.get(); }
    bool takesCash() const { return m_options.config.checkout.cashEnabled; }
    bool printsAfterSale() const {
        return m_options.config.printer.enabled && m_options.config.printer.receiptAfterSale;
    }
    void setDrawer(std::unique_ptr<printing::CashDrawer> drawer) {
        if (m_engine)
            m_engine->setCashDrawer(drawer.get());
        m_drawer = std::move(drawer);
    }
    StoreLink* link() { return m_link.get(); }
    const routing::ChannelRouting& routing() const { return m_routing; }
    OrderStore& store() { return m_store; }
    StaffStore* staff() { return m_staff.get(); }
    PosService* service() { return m_service; }
    const std::function<qint64()>& clock() const { return m_options.clock; }

    qint64 now() const {
        return m_options.clock ? m_options.clock() : QDateTime::currentMSecsSinceEpoch();
    }
    const QString& shopName() const { return m_options.config.store.name; }

    // Reads the order and its cashier here, then prints on the printer thread.
    void printReceipt(const QString& requestId, const QString& outTradeNo, bool reprint) {
        PrintReply reply;
        reply.kind = reprint ? PrintKind::Reprint : PrintKind::Receipt;
        reply.outTradeNo = outTradeNo;
        Result<Order> order = m_staff
                                  ? m_store.order(outTradeNo)
                                  : Result<Order>(Error{QStringLiteral("db.closed"), notOpen()});
        Status allowed = order ? printing::receiptAllowed(*order) : Status(order.error());
        if (!allowed.ok()) {
            m_service->runOnPrinter(requestId, reply,
                                    [allowed](printing::ReceiptPrinter&) { return allowed; });
            return;
        }
        printing::SaleReceipt receipt;
        receipt.shopName = shopName();
        receipt.order = *order;
        if (Result<StaffMember> cashier = m_staff->find(order->cashierId))
            receipt.cashierName = cashier->name;
        receipt.reprint = reprint;
        receipt.printedAtMs = now();
        m_service->runOnPrinter(requestId, reply, [receipt](printing::ReceiptPrinter& printer) {
            return printer.print(printing::saleReceiptDocument(receipt, printer.columns()));
        });
    }

    QString notOpen() const {
        return QCoreApplication::translate("qpos::service::PosService",
                                           "The till is not ready: the order database is not "
                                           "open. Restart qpos; if it happens again, run "
                                           "'qposctl doctor'.");
    }

private:
    void startLink() {
        m_link.reset();
        m_link = std::make_unique<StoreLink>(
            m_options.config, m_store, *m_gateways, *m_engine, m_options.link,
            m_options.clock ? m_options.clock : [] { return QDateTime::currentMSecsSinceEpoch(); });
        connect(m_link.get(), &StoreLink::statusChanged, m_service, &PosService::linkStatusChanged,
                Qt::DirectConnection);
        // Every change of an order adds to the outbox: upload it soon.
        connect(m_engine.get(), &checkout::CheckoutEngine::orderChanged, m_link.get(),
                &StoreLink::nudge);
        m_link->start();
    }

    void seedDemoStaff() {
        // The demo shop's staff; the login screen shows these PINs in sandbox mode only.
        const struct {
            const char* id;
            const char* name;
            StaffRole role;
            const char* pin;
        } demo[] = {
            {"1001", "收银员 Cashier", StaffRole::Cashier, "1234"},
            {"9001", "店长 Manager", StaffRole::Manager, "9999"},
        };
        for (const auto& d : demo) {
            const Status s = m_staff->save(
                StaffMember{QString::fromUtf8(d.id), QString::fromUtf8(d.name), d.role},
                QString::fromUtf8(d.pin));
            if (!s.ok())
                qCWarning(lcApp).noquote() << "demo staff not added:" << s.error().message;
        }
    }

    PosService* m_service;
    PosOptions m_options;
    std::unique_ptr<DatabaseLock> m_lock;
    OrderStore m_store;
    std::unique_ptr<StaffStore> m_staff;
    std::unique_ptr<checkout::GatewayDirectory> m_gateways;
    std::unique_ptr<printing::CashDrawer> m_drawer;
    std::unique_ptr<checkout::CheckoutEngine> m_engine;
    std::unique_ptr<StoreLink> m_link;
    routing::ChannelRouting m_routing;
};

namespace {

// Whether the terminal's routing lets this charge start; a refusal goes back as the
// checkout's one and final update (no order is written).
bool routingAllows(PosService& service, const routing::ChannelRouting& routing,
                   const QString& requestId, const NewOrder& order, const QString* authCode) {
    Status allowed = routing.checkCharge(order.channel, order.amountFen);
    if (allowed.ok() && authCode) {
        const Result<Channel> wallet = routing.channelForCode(*authCode);
        if (!wallet)
            allowed = wallet.error();
        else if (*wallet != order.channel)
            allowed = Error{QStringLiteral("routing.wrong_wallet"),
                            QCoreApplication::translate(
                                "qpos::service::PosService",
                                "This is a %1 payment code, not a %2 one. Scan it again: the "
                                "till picks the payment app by the code.")
                                .arg(channelLabel(*wallet), channelLabel(order.channel))};
    }
    if (allowed.ok())
        return true;
    qCInfo(lcApp).noquote() << "charge refused by routing:" << allowed.error().code
                            << channelName(order.channel) << money::formatYuan(order.amountFen);
    checkout::CheckoutUpdate update;
    update.requestId = requestId;
    update.channel = order.channel;
    update.flow = order.flow;
    update.amountFen = order.amountFen;
    update.phase = checkout::CheckoutPhase::Failed;
    update.message = allowed.error().message;
    emit service.checkoutUpdated(update);
    return false;
}

} // namespace

// The printer thread's resident: the receipt printer, whose calls block until the printer took
// the job.
class PosService::PrinterDesk : public QObject {
public:
    PrinterDesk(const PrinterConfig& config, printing::TransportTimeouts timeouts)
        : printer(config, timeouts) {}
    printing::ReceiptPrinter printer;
};

PosService::PosService(PosOptions options, QObject* parent)
    : QObject(parent) {
    qRegisterMetaType<PosReady>();
    qRegisterMetaType<OrderListReply>();
    qRegisterMetaType<OrderReply>();
    qRegisterMetaType<link::LinkStatus>();
    qRegisterMetaType<TotalsReply>();
    qRegisterMetaType<SalesReportReply>();
    qRegisterMetaType<ShiftReply>();
    qRegisterMetaType<ZReportsReply>();
    qRegisterMetaType<PrintReply>();
    qRegisterMetaType<StaffReply>();
    qRegisterMetaType<StaffListReply>();
    qRegisterMetaType<checkout::CheckoutUpdate>();
    qRegisterMetaType<checkout::RefundReport>();
    qRegisterMetaType<checkout::RecoveryReport>();
    qRegisterMetaType<checkout::CashSaleReport>();
    qRegisterMetaType<Order>();
    const bool printerEnabled = options.config.printer.enabled;
    m_printerShopName = options.config.store.name;
    m_printerClock = options.clock ? options.clock : [] {
        return QDateTime::currentMSecsSinceEpoch();
    };
    m_printerThread = new QThread(this);
    m_printerThread->setObjectName(QStringLiteral("till-printer"));
    m_printer = new PrinterDesk(options.config.printer, options.printer);
    m_printer->moveToThread(m_printerThread);
    connect(m_printerThread, &QThread::finished, m_printer, &QObject::deleteLater);
    m_printerThread->start();
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("till-worker"));
    m_worker = new Worker(this, std::move(options));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    // OpenSSL frees a thread's own state (its random generator) when told, on that thread;
    // otherwise a process that exits right after the till stops races the clean-up.
    connect(
        m_thread, &QThread::finished, m_thread, [] { OPENSSL_thread_stop(); },
        Qt::DirectConnection);
    m_thread->start();
    // With a receipt printer, the cash drawer opens through its drawer kick.
    if (printerEnabled)
        setCashDrawer(std::make_unique<PrinterCashDrawer>(this));
}

PosService::~PosService() {
    m_thread->quit();
    m_thread->wait();
    // After the worker, which may still have handed the printer a job.
    m_printerThread->quit();
    m_printerThread->wait();
}

void PosService::runOnPrinter(const QString& requestId, PrintReply reply,
                              std::function<Status(printing::ReceiptPrinter&)> job) {
    PrinterDesk* desk = m_printer;
    QMetaObject::invokeMethod(
        desk,
        [this, desk, requestId, reply, job = std::move(job)]() mutable {
            const Status done = job(desk->printer);
            if (!done.ok()) {
                reply.error = done.error().message;
                reply.errorCode = done.error().code;
            }
            emit printFinished(requestId, reply);
        },
        Qt::QueuedConnection);
}

void PosService::printReceipt(const QString& requestId, const QString& outTradeNo) {
    post([requestId, outTradeNo](Worker& w) { w.printReceipt(requestId, outTradeNo, true); });
}

void PosService::printSalesReport(const QString& requestId, const reports::SalesReport& report,
                                  const QString& title, const QString& subtitle) {
    PrintReply reply;
    reply.kind = PrintKind::Report;
    const QString shop = m_printerShopName;
    const std::function<qint64()> clock = m_printerClock;
    runOnPrinter(requestId, reply,
                 [report, title, subtitle, shop, clock](printing::ReceiptPrinter& printer) {
                     return printer.print(printing::reportSlipDocument(
                         report, title, subtitle, shop, clock(), printer.columns()));
                 });
}

void PosService::printZReport(const QString& requestId, qint64 seq) {
    post([requestId, seq](Worker& w) {
        PrintReply reply;
        reply.kind = PrintKind::Report;
        if (!w.staff()) {
            const Status closed = Error{QStringLiteral("db.closed"), w.notOpen()};
            w.service()->runOnPrinter(requestId, reply,
                                      [closed](printing::ReceiptPrinter&) { return closed; });
            return;
        }
        reports::ZReportBook book(w.store().database(), w.clock());
        Result<reports::ZReport> z = book.find(seq);
        if (!z) {
            const Status missing = z.error();
            w.service()->runOnPrinter(requestId, reply,
                                      [missing](printing::ReceiptPrinter&) { return missing; });
            return;
        }
        w.service()->runOnPrinter(
            requestId, reply,
            [z = *z, shop = w.shopName(), at = w.now()](printing::ReceiptPrinter& printer) {
                return printer.print(printing::zReportSlipDocument(z, shop, at, printer.columns()));
            });
    });
}

void PosService::openDrawer(const QString& requestId) {
    PrintReply reply;
    reply.kind = PrintKind::Drawer;
    runOnPrinter(requestId, reply,
                 [](printing::ReceiptPrinter& printer) { return printer.openDrawer(); });
}

void PosService::post(std::function<void(Worker&)> job) {
    Worker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, job = std::move(job)] { job(*worker); }, Qt::QueuedConnection);
}

void PosService::start() {
    post([](Worker& w) { w.open(); });
}

void PosService::startQrCheckout(const QString& requestId, const NewOrder& order) {
    post([requestId, order](Worker& w) {
        if (w.engine() && routingAllows(*w.service(), w.routing(), requestId, order, nullptr))
            w.engine()->startQr(requestId, order);
    });
}

void PosService::startCodeCheckout(const QString& requestId, const NewOrder& order,
                                   const QString& authCode) {
    post([requestId, order, authCode](Worker& w) {
        if (w.engine() && routingAllows(*w.service(), w.routing(), requestId, order, &authCode))
            w.engine()->startWithCode(requestId, order, authCode);
    });
}

void PosService::cancelCheckout(const QString& outTradeNo, const QString& actor) {
    post([outTradeNo, actor](Worker& w) {
        if (w.engine())
            w.engine()->cancel(outTradeNo, actor);
    });
}

void PosService::refund(const checkout::RefundCommand& command) {
    post([command](Worker& w) {
        if (w.engine()) {
            w.engine()->refund(command);
            return;
        }
        checkout::RefundReport report;
        report.requestId = command.requestId;
        report.outTradeNo = command.outTradeNo;
        report.message = w.notOpen();
        emit w.service()->refundFinished(report);
    });
}

void PosService::takeCash(const QString& requestId, const NewOrder& order, money::Fen tenderedFen) {
    post([requestId, order, tenderedFen](Worker& w) {
        checkout::CashSaleReport report;
        report.requestId = requestId;
        if (!w.engine())
            report.error = w.notOpen();
        else if (!w.takesCash())
            report.error = QCoreApplication::translate(
                "qpos::service::PosService",
                "This till does not take cash. A manager can turn it on in Settings "
                "([checkout] cash).");
        else
            report = w.engine()->takeCash(requestId, order, tenderedFen);
        emit w.service()->cashSaleRecorded(report);
        // A cash customer gets a receipt as a QR one does.
        if (report.error.isEmpty() && report.order && w.printsAfterSale())
            w.printReceipt(QString(), report.order->outTradeNo, false);
    });
}

void PosService::setCashDrawer(std::unique_ptr<printing::CashDrawer> drawer) {
    // A shared holder: the job is copied, the drawer is not.
    auto held = std::make_shared<std::unique_ptr<printing::CashDrawer>>(std::move(drawer));
    post([held](Worker& w) { w.setDrawer(std::move(*held)); });
}

void PosService::acceptNotification(const gateway::PaymentNotification& notification,
                                    std::function<void(const Status&)> done) {
    post([notification, done = std::move(done)](Worker& w) {
        const Status s = w.engine() ? w.engine()->acceptNotification(notification)
                                    : Status(Error{QStringLiteral("db.closed"), w.notOpen()});
        if (done)
            done(s);
    });
}

void PosService::recover() {
    post([](Worker& w) {
        if (w.engine())
            w.engine()->recover();
    });
}

void PosService::useStoreServer(const QString& url) {
    post([url](Worker& w) { w.useStoreServer(url); });
}

void PosService::warmUpGateways() {
    post([](Worker& w) { w.warmUpGateways(); });
}

void PosService::listOrders(const QString& requestId, const OrderFilter& filter) {
    post([requestId, filter](Worker& w) {
        OrderListReply reply;
        if (!w.staff()) {
            reply.error = w.notOpen();
        } else if (Result<OrderPage> page = w.store().listOrders(filter)) {
            reply.page = *page;
        } else {
            reply.error = page.error().message;
        }
        emit w.service()->ordersListed(requestId, reply);
    });
}

void PosService::loadOrder(const QString& requestId, const QString& outTradeNo) {
    post([requestId, outTradeNo](Worker& w) {
        OrderReply reply;
        if (!w.staff()) {
            reply.error = w.notOpen();
        } else if (Result<OrderWithEvents> order = w.store().orderWithEvents(outTradeNo)) {
            reply.order = *order;
            if (Result<QList<RefundRecord>> refunds = w.store().refunds(outTradeNo))
                reply.refunds = *refunds;
            else
                reply.error = refunds.error().message;
        } else {
            reply.error = order.error().message;
        }
        emit w.service()->orderLoaded(requestId, reply);
    });
}

void PosService::loadDailyTotals(const QString& requestId, int fromDay, int toDay) {
    post([requestId, fromDay, toDay](Worker& w) {
        TotalsReply reply;
        if (!w.staff()) {
            reply.error = w.notOpen();
        } else if (Result<QList<DailyTotal>> totals = w.store().dailyTotals(fromDay, toDay)) {
            reply.totals = *totals;
        } else {
            reply.error = totals.error().message;
        }
        emit w.service()->dailyTotalsLoaded(requestId, reply);
    });
}

void PosService::loadSalesReport(const QString& requestId, const reports::ReportScope& scope) {
    post([requestId, scope](Worker& w) {
        SalesReportReply reply;
        if (!w.staff()) {
            reply.error = w.notOpen();
        } else if (Result<reports::SalesReport> report =
                       reports::buildSalesReport(w.store().database(), scope)) {
            reply.report = *report;
        } else {
            reply.error = report.error().message;
        }
        emit w.service()->salesReportLoaded(requestId, reply);
    });
}

namespace {

// The store server knows cashiers by id only: the names come from this till's staff list,
// which the store's tills share when staff are provisioned alike. An id this till does not
// know stays an id.
void nameCashiersFromStaff(reports::SalesReport& report, StaffStore* staff) {
    if (!staff)
        return;
    const Result<QList<StaffMember>> members = staff->list();
    if (!members)
        return;
    QHash<QString, QString> names;
    for (const StaffMember& m : *members)
        names.insert(m.id, m.name);
    for (reports::CashierFigures& c : report.cashiers) {
        if (c.name.isEmpty())
            c.name = names.value(c.cashierId);
    }
}

} // namespace

void PosService::loadStoreSalesReport(const QString& requestId, const reports::ReportScope& scope) {
    post([requestId, scope](Worker& w) {
        PosService* service = w.service();
        link::StoreServerHttp* http = w.link() ? w.link()->http() : nullptr;
        if (!http) {
            SalesReportReply reply;
            reply.error = w.link() && !w.link()->status().problem.isEmpty()
                              ? w.link()->status().problem
                              : tr("This till has no store server, so it can show only its own "
                                   "sales. Enroll it with the code from qpos-server terminal "
                                   "add.");
            emit service->salesReportLoaded(requestId, reply);
            return;
        }
        link::fetchStoreSalesReport(
            *http, scope,
            [service, requestId, staff = w.staff()](const Result<reports::SalesReport>& report) {
                SalesReportReply reply;
                if (report) {
                    reply.report = *report;
                    nameCashiersFromStaff(reply.report, staff);
                } else {
                    reply.error = report.error().message;
                }
                emit service->salesReportLoaded(requestId, reply);
            });
    });
}

namespace {

// Opens or closes a shift on the worker and reports the shift, or why not.
template <typename TillWorker, typename Change>
void changeShift(TillWorker& w, const QString& requestId, Change change) {
    ShiftReply reply;
    if (!w.staff()) {
        reply.error = w.notOpen();
    } else {
        reports::ShiftBook book(w.store().database(), w.clock());
        if (Result<reports::Shift> shift = change(book))
            reply.shift = *shift;
        else
            reply.error = shift.error().message;
    }
    emit w.service()->shiftChanged(requestId, reply);
}

} // namespace

void PosService::openShift(const QString& requestId, const QString& cashierId,
                           std::optional<money::Fen> openingFloatFen) {
    post([requestId, cashierId, openingFloatFen](Worker& w) {
        changeShift(w, requestId, [&](reports::ShiftBook& book) {
            return book.openShift(cashierId, openingFloatFen);
        });
    });
}

void PosService::closeShift(const QString& requestId, qint64 shiftId, const QString& closedBy,
                            const std::optional<reports::CashCount>& count) {
    post([requestId, shiftId, closedBy, count](Worker& w) {
        changeShift(w, requestId, [&](reports::ShiftBook& book) {
            return book.closeShift(shiftId, closedBy, count);
        });
    });
}

void PosService::loadOpenShift(const QString& requestId) {
    post([requestId](Worker& w) {
        changeShift(w, requestId, [](reports::ShiftBook& book) -> Result<reports::Shift> {
            Result<std::optional<reports::Shift>> open = book.openShiftNow();
            if (!open)
                return open.error();
            return open->value_or(reports::Shift{});
        });
    });
}

namespace {

// The Z reports' state after a read or a Z: the warnings and the business day now.
void fillZState(reports::ZReportBook& book, ZReportsReply& reply) {
    if (Result<reports::ZWarnings> warnings = book.warnings())
        reply.warnings = *warnings;
    else if (reply.error.isEmpty())
        reply.error = warnings.error().message;
    if (Result<int> day = book.currentBusinessDay())
        reply.businessDay = *day;
    else if (reply.error.isEmpty())
        reply.error = day.error().message;
    if (Result<bool> closed = book.closedToday())
        reply.closedToday = *closed;
    else if (reply.error.isEmpty())
        reply.error = closed.error().message;
}

} // namespace

void PosService::loadZReports(const QString& requestId) {
    post([requestId](Worker& w) {
        ZReportsReply reply;
        if (!w.staff()) {
            reply.error = w.notOpen();
            emit w.service()->zReportsLoaded(requestId, reply);
            return;
        }
        reports::ZReportBook book(w.store().database(), w.clock());
        if (Result<QList<reports::ZReport>> all = book.list(100))
            reply.zReports = *all;
        else
            reply.error = all.error().message;
        fillZState(book, reply);
        emit w.service()->zReportsLoaded(requestId, reply);
    });
}

void PosService::takeZReport(const QString& requestId, const QString& takenBy,
                             bool despiteWarnings) {
    post([requestId, takenBy, despiteWarnings](Worker& w) {
        ZReportsReply reply;
        if (!w.staff()) {
            reply.error = w.notOpen();
            emit w.service()->zReportsLoaded(requestId, reply);
            return;
        }
        reports::ZReportBook book(w.store().database(), w.clock());
        if (Result<reports::ZReport> z = book.take(takenBy, despiteWarnings)) {
            reply.zReports = {*z};
        } else {
            reply.error = z.error().message;
            reply.errorCode = z.error().code;
        }
        fillZState(book, reply);
        emit w.service()->zReportsLoaded(requestId, reply);
    });
}

namespace {

StaffReply staffReply(const Result<StaffMember>& member) {
    StaffReply reply;
    if (member) {
        reply.member = *member;
    } else {
        reply.error = member.error().message;
        reply.errorCode = member.error().code;
    }
    return reply;
}

} // namespace

void PosService::verifyStaff(const QString& requestId, const QString& staffId, const QString& pin) {
    post([requestId, staffId, pin](Worker& w) {
        StaffReply reply;
        if (!w.staff())
            reply.error = w.notOpen();
        else
            reply = staffReply(w.staff()->verify(staffId, pin));
        emit w.service()->staffVerified(requestId, reply);
    });
}

void PosService::verifyManagerPin(const QString& requestId, const QString& pin) {
    post([requestId, pin](Worker& w) {
        StaffReply reply;
        if (!w.staff())
            reply.error = w.notOpen();
        else
            reply = staffReply(w.staff()->findManagerByPin(pin));
        emit w.service()->staffVerified(requestId, reply);
    });
}

void PosService::listStaff(const QString& requestId) {
    post([requestId](Worker& w) {
        StaffListReply reply;
        if (!w.staff()) {
            reply.error = w.notOpen();
        } else if (Result<QList<StaffMember>> all = w.staff()->list()) {
            reply.staff = *all;
        } else {
            reply.error = all.error().message;
        }
        emit w.service()->staffListed(requestId, reply);
    });
}

void PosService::saveStaff(const QString& requestId, const StaffMember& member,
                           const QString& pin) {
    post([requestId, member, pin](Worker& w) {
        QString error;
        if (!w.staff())
            error = w.notOpen();
        else if (Status s = w.staff()->save(member, pin); !s.ok())
            error = s.error().message;
        emit w.service()->staffSaved(requestId, error);
    });
}

} // namespace qpos::service
