#pragma once

#include "core/common/Result.h"
#include "core/orders/Order.h"
#include "core/orders/OrderTransition.h"
#include "core/storage/Database.h"
#include "core/storage/OrderQuery.h"

#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace qpos {

struct OrderStoreOptions {
    QString storeId;
    QString terminalId;
    std::function<qint64()> clock; // UTC ms; the system clock when empty
};

// The terminal's order ledger (docs/architecture.md, "Storage"). Every state change is checked
// against the transition table and written with its event and outbox rows in one durable
// transaction, or not at all. Use from the thread that called open().
class OrderStore {
public:
    explicit OrderStore(OrderStoreOptions options);
    ~OrderStore();
    OrderStore(const OrderStore&) = delete;
    OrderStore& operator=(const OrderStore&) = delete;

    // Opens the database file and brings its schema up to date.
    Status open(const QString& path);
    void close();
    Database& database() { return m_db; }

    // Writes a new order in state Created with a fresh out_trade_no. Nothing has been sent
    // to a provider when this returns; the caller sends only after it succeeded.
    Result<Order> createOrder(const NewOrder& request);
    // A cash sale (channel and flow Cash): the order, its creation and its payment with their
    // events, outbox rows and report lines, in one transaction. Nothing is sent anywhere.
    // `tenderedFen`, what the customer handed over, is at least the amount.
    Result<Order> recordCashSale(const NewOrder& request, money::Fen tenderedFen);

    // Applies one transition. Duplicate and late answers are not errors (see
    // TransitionOutcome); an illegal transition is refused and logged.
    Result<TransitionOutcome> apply(const OrderTransition& transition);

    Result<Order> order(const QString& outTradeNo);
    Result<OrderWithEvents> orderWithEvents(const QString& outTradeNo);
    Result<OrderPage> listOrders(const OrderFilter& filter);
    // Days are yyyyMMdd China dates, inclusive.
    Result<QList<DailyTotal>> dailyTotals(int fromDay, int toDay);
    // Orders whose outcome is still open, oldest first: what recovery must query.
    Result<QList<Order>> openOrders();

    // Refunds. beginRefund() checks the order can give back `amountFen` (paid, and not more
    // than what is left after earlier and still-open refunds) and writes the refund with a
    // fresh stable request number before any request leaves. settleRefund() records the
    // provider's answer and, when it moved money, applies `transition` in the same
    // transaction.
    Result<RefundRecord> beginRefund(const QString& outTradeNo, money::Fen amountFen,
                                     const QString& reason, const QString& actor);
    Result<TransitionOutcome> settleRefund(const QString& outRequestNo, RefundRecordState state,
                                           const std::optional<OrderTransition>& transition);
    // A refund a cancel made at the provider that the provider has not finished (WeChat Pay
    // refunds a paid Native order it is asked to cancel): `paid` is applied and the refund
    // written open under the provider's `outRequestNo`, in one transaction, so it is followed
    // like a refund the till asked for. A repeat returns the refund already written.
    Result<RefundRecord> beginCancelRefund(const OrderTransition& paid, const QString& outRequestNo,
                                           money::Fen amountFen, const QString& actor);
    // A refund the provider confirmed (a refund query, for reconciliation) that the till did not
    // ask for, made on the provider's merchant platform say, or asked for and never saw settle:
    // written settled under the provider's request number and amount, and the order's refunded
    // total raised to cover it, in one transaction with its event and outbox row. Money already
    // counted is not counted again: a push may have raised the total before (Alipay's refund
    // notification names no refund). Duplicate when the refund is recorded as made already.
    // The refund is dated by the provider's `refundedAtMs` when it gave one, as its bill is.
    Result<TransitionOutcome> recordProviderRefund(const QString& outTradeNo,
                                                   const QString& outRequestNo,
                                                   money::Fen amountFen,
                                                   std::optional<qint64> refundedAtMs,
                                                   const QJsonObject& providerFields);
    // A cash refund: the money leaves the drawer now, so the refund is written settled and the
    // order refunded (event, outbox row, report line) in one transaction. `managerId` must be
    // a manager in the staff table. Only for cash orders; beginRefund() refuses them.
    Result<RefundRecord> recordCashRefund(const QString& outTradeNo, money::Fen amountFen,
                                          const QString& reason, const QString& managerId);
    Result<QList<RefundRecord>> refunds(const QString& outTradeNo);
    // Refunds whose outcome is still open, oldest first.
    Result<QList<RefundRecord>> openRefunds();

    Result<QList<OutboxEntry>> pendingOutbox(int limit);
    Status markOutboxSent(const QList<qint64>& outboxIds);
    Status deferOutbox(const QList<qint64>& outboxIds, qint64 nextAttemptAtMs);
    // How much is waiting to reach the store backend: unsent outbox rows and their orders.
    Result<OutboxBacklog> outboxBacklog();

private:
    struct Statements;
    qint64 now() const;
    Status prepareStatements();
    // apply() inside a transaction the caller opened and commits; `outRequestNo` names the
    // refund being settled, if any, for the reports' list of refunds.
    Result<TransitionOutcome> applyInTransaction(const OrderTransition& transition,
                                                 const QString& outRequestNo);
    Result<Order> createInTransaction(const NewOrder& request);
    // The order's event for `t` (from `from`), inside the caller's transaction; its id.
    Result<qint64> insertTransitionEvent(qint64 orderId, OrderState from, const OrderTransition& t,
                                         qint64 atMs, money::Fen refundedAfter,
                                         const QString& note);
    // Checks what is left to refund on the order and writes the refund in `state`.
    Result<RefundRecord> insertRefundInTransaction(const QString& outTradeNo, money::Fen amountFen,
                                                   const QString& reason, const QString& actor,
                                                   RefundRecordState state);
    // Refunds matching `where` (our own SQL; the only value is bound).
    Result<QList<RefundRecord>> selectRefunds(const QString& where, const QString& outTradeNo);

    OrderStoreOptions m_options;
    Database m_db;
    std::unique_ptr<Statements> m_sql;
};

} // namespace qpos
