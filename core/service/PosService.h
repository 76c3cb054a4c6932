#pragma once

#include "core/checkout/CheckoutEngine.h"
#include "core/checkout/CheckoutTypes.h"
#include "core/common/Result.h"
#include "core/config/AppConfig.h"
#include "core/gateways/PaymentGateway.h"
#include "core/link/LinkStatus.h"
#include "core/printing/CashDrawer.h"
#include "core/printing/PrinterTransport.h"
#include "core/reports/ReportBuilder.h"
#include "core/reports/SalesReport.h"
#include "core/reports/ShiftBook.h"
#include "core/reports/ZReportBook.h"
#include "core/routing/ChannelRouting.h"
#include "core/service/StoreLink.h"
#include "core/staff/Staff.h"
#include "core/storage/OrderQuery.h"

#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

class QThread;

namespace qpos::printing {
class ReceiptPrinter;
}

namespace qpos::service {

using GatewayList = gateway::GatewayList;

struct PosOptions {
    AppConfig config;
    // Builds the terminal's gateways. Runs on the till's worker thread, where they live.
    std::function<Result<GatewayList>()> makeGateways;
    checkout::CheckoutPolicy policy;     // qrTimeoutS is taken from config.checkout
    std::function<qint64()> clock;       // UTC ms; the system clock when empty
    StoreLinkPolicy link;                // the store backend link's timings ([store_server])
    printing::TransportTimeouts printer; // the receipt printer's waits ([printer])
};

// Replies to the reads. `error` is a translated message; empty on success.
struct PosReady {
    QString error;
    // The channels offered for new charges, in the configured order (the first is Enter's):
    // [routing] channels that have a gateway. Gateways not offered still serve old orders.
    QList<Channel> channels;
    routing::ChannelRouting routing; // the rules for charges: code prefixes, amount limits
    checkout::RecoveryReport recovery;
    bool hasStaff = false;
};
struct OrderListReply {
    QString error;
    OrderPage page;
};
struct OrderReply {
    QString error;
    OrderWithEvents order;
    QList<RefundRecord> refunds;
};
struct TotalsReply {
    QString error;
    QList<DailyTotal> totals;
};
struct SalesReportReply {
    QString error;
    reports::SalesReport report;
};
struct ShiftReply {
    QString error;
    reports::Shift shift;
};
struct ZReportsReply {
    QString error;
    QString errorCode;                // "z.warnings", "z.taken", ...
    reports::ZWarnings warnings;      // as of the answer
    int businessDay = 0;              // the business day now
    bool closedToday = false;         // a Z closed today: the next one can be taken tomorrow
    QList<reports::ZReport> zReports; // newest first; a taken Z is the only one
};
// What a print job was.
enum class PrintKind { Receipt, Reprint, Report, Drawer };
// The answer to a print job or a drawer kick. A failed print never changes an order: a
// receipt is a copy for the customer, not the ledger.
struct PrintReply {
    PrintKind kind = PrintKind::Receipt;
    QString outTradeNo; // a receipt's order
    QString error;      // translated, says what to do; empty when the printer took the job
    QString errorCode;  // "printer.unreachable", "printer.disabled", ...
};
struct StaffReply {
    QString error;
    QString errorCode; // "staff.wrong_pin", "staff.locked", ...
    StaffMember member;
};
struct StaffListReply {
    QString error;
    QList<StaffMember> staff;
};

// The till's worker: owns the order database, the staff table, the gateways and the
// checkout engine on a thread of its own, so the GUI thread never waits on the network or a
// query. Every method returns at once and is called from the thread that made the service;
// answers arrive as signals in that thread, tagged with the caller's requestId.
class PosService : public QObject {
    Q_OBJECT

public:
    explicit PosService(PosOptions options, QObject* parent = nullptr);
    // Stops the worker: running checkouts stay open in the database and the next start's
    // recovery settles them.
    ~PosService() override;

    // Opens the database, builds the gateways, runs recovery; then ready().
    void start();

    // A charge the routing refuses (a channel not offered, an amount over the channel's
    // limit, a code of another wallet) is not started: one Failed update with the reason.
    void startQrCheckout(const QString& requestId, const NewOrder& order);
    void startCodeCheckout(const QString& requestId, const NewOrder& order,
                           const QString& authCode);
    void cancelCheckout(const QString& outTradeNo, const QString& actor);
    void refund(const checkout::RefundCommand& command);
    // A cash sale ([checkout] cash): recorded paid at once with what the customer handed
    // over; cashSaleRecorded() answers. Refused when the till does not take cash.
    void takeCash(const QString& requestId, const NewOrder& order, money::Fen tenderedFen);
    // The drawer opened after a cash sale or refund; owned by the service from now on (used
    // on its worker). Without one the drawer is opened by hand and the cashier is told nothing.
    void setCashDrawer(std::unique_ptr<printing::CashDrawer> drawer);
    // `done`, when given, runs on the worker once what the notification changed is committed.
    void acceptNotification(const gateway::PaymentNotification& notification,
                            std::function<void(const Status&)> done = {});
    void recover();
    // Opens (or keeps) each gateway's connection to its provider on the worker, so the next
    // Charge finds it ready: the till calls it when the cashier starts keying a sale. Never
    // waits, reports nothing.
    void warmUpGateways();
    // The till enrolled with its store server while running (docs/deploy.md,
    // "Provisioning"): the link starts with [store_server] url = `url` and the credentials
    // file, without a restart.
    void useStoreServer(const QString& url);

    void listOrders(const QString& requestId, const OrderFilter& filter);
    void loadOrder(const QString& requestId, const QString& outTradeNo);
    void loadDailyTotals(const QString& requestId, int fromDay, int toDay);
    // The manager's report (core/reports/ReportBuilder.h), computed on the worker.
    void loadSalesReport(const QString& requestId, const reports::ReportScope& scope);
    // The same report for every till of the store, from the store server (a range of days);
    // answered by salesReportLoaded. An error when the till is not enrolled.
    void loadStoreSalesReport(const QString& requestId, const reports::ReportScope& scope);
    // Shifts and Z reports (core/reports/ShiftBook.h, ZReportBook.h).
    void openShift(const QString& requestId, const QString& cashierId,
                   std::optional<money::Fen> openingFloatFen);
    // With `count`, the cash counted at the shift's end (reports::ShiftBook::closeShift).
    void closeShift(const QString& requestId, qint64 shiftId, const QString& closedBy,
                    const std::optional<reports::CashCount>& count = std::nullopt);
    // The shift open now, if any (shift.id 0 when none): at login, whether to ask a float.
    void loadOpenShift(const QString& requestId);
    void loadZReports(const QString& requestId);
    void takeZReport(const QString& requestId, const QString& takenBy, bool despiteWarnings);

    // The receipt printer ([printer], docs/printing.md). Jobs run one after another on a
    // printer thread of their own, so a slow or absent printer never holds up a sale; each
    // ends with printFinished(requestId). A receipt after a sale needs no call: with
    // receipt_after_sale, the till prints one when a checkout ends paid (requestId empty).
    void printReceipt(const QString& requestId, const QString& outTradeNo); // a reprint
    // A report as the report function returned it (the reports window's, an X of a shift).
    void printSalesReport(const QString& requestId, const reports::SalesReport& report,
                          const QString& title, const QString& subtitle);
    // A Z report from its frozen snapshot.
    void printZReport(const QString& requestId, qint64 seq);
    // Opens the cash drawer on the printer's kick-out connector ([printer] drawer).
    void openDrawer(const QString& requestId);

    // PIN checks (slow on purpose; done on the worker).
    void verifyStaff(const QString& requestId, const QString& staffId, const QString& pin);
    void verifyManagerPin(const QString& requestId, const QString& pin);
    void listStaff(const QString& requestId);
    void saveStaff(const QString& requestId, const StaffMember& member, const QString& pin);

signals:
    void ready(const qpos::service::PosReady& ready);
    void checkoutUpdated(const qpos::checkout::CheckoutUpdate& update);
    void orderChanged(const qpos::Order& order);
    void refundFinished(const qpos::checkout::RefundReport& report);
    void cashSaleRecorded(const qpos::checkout::CashSaleReport& report);
    void recoveryFinished(const qpos::checkout::RecoveryReport& report);
    void ordersListed(const QString& requestId, const qpos::service::OrderListReply& reply);
    void orderLoaded(const QString& requestId, const qpos::service::OrderReply& reply);
    void dailyTotalsLoaded(const QString& requestId, const qpos::service::TotalsReply& reply);
    void salesReportLoaded(const QString& requestId, const qpos::service::SalesReportReply& reply);
    void shiftChanged(const QString& requestId, const qpos::service::ShiftReply& reply);
    void zReportsLoaded(const QString& requestId, const qpos::service::ZReportsReply& reply);
    void staffVerified(const QString& requestId, const qpos::service::StaffReply& reply);
    void staffListed(const QString& requestId, const qpos::service::StaffListReply& reply);
    void staffSaved(const QString& requestId, const QString& error);
    void printFinished(const QString& requestId, const qpos::service::PrintReply& reply);
    // The link to the store backend: state, orders waiting to upload, clock difference.
    void linkStatusChanged(const qpos::link::LinkStatus& status);

private:
    class Worker;
    class PrinterDesk;
    // Runs `job` on the worker thread with the worker.
    void post(std::function<void(Worker&)> job);
    // Runs `job` on the printer thread, then printFinished(requestId, reply with its outcome).
    // Callable from any thread.
    void runOnPrinter(const QString& requestId, PrintReply reply,
                      std::function<Status(printing::ReceiptPrinter&)> job);

    QThread* m_thread = nullptr;
    Worker* m_worker = nullptr; // lives in m_thread
    QThread* m_printerThread = nullptr;
    PrinterDesk* m_printer = nullptr;       // lives in m_printerThread
    QString m_printerShopName;              // [store] name, heading printed reports
    std::function<qint64()> m_printerClock; // UTC ms, for "printed at"
};

} // namespace qpos::service

Q_DECLARE_METATYPE(qpos::service::PosReady)
Q_DECLARE_METATYPE(qpos::service::OrderListReply)
Q_DECLARE_METATYPE(qpos::service::OrderReply)
Q_DECLARE_METATYPE(qpos::service::TotalsReply)
Q_DECLARE_METATYPE(qpos::service::SalesReportReply)
Q_DECLARE_METATYPE(qpos::service::ShiftReply)
Q_DECLARE_METATYPE(qpos::service::ZReportsReply)
Q_DECLARE_METATYPE(qpos::service::PrintReply)
Q_DECLARE_METATYPE(qpos::service::StaffReply)
Q_DECLARE_METATYPE(qpos::service::StaffListReply)
