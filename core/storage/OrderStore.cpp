#include "core/storage/OrderStore.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/logging/LogCategories.h"
#include "core/orders/OrderStateMachine.h"
#include "core/orders/OutTradeNo.h"
#include "core/storage/OrderSchema.h"
#include "core/storage/ReportLedger.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringList>
#include <QUuid>

namespace qpos {

namespace {

const QString kOrderColumns = QStringLiteral(
    "id, out_trade_no, channel, flow, amount_fen, refunded_fen, subject, state, "
    "provider_trade_no, store_id, terminal_id, cashier_id, created_at_ms, updated_at_ms, "
    "paid_at_ms");

Order orderFromRow(const QSqlQuery& q) {
    Order o;
    o.id = q.value(0).toLongLong();
    o.outTradeNo = q.value(1).toString();
    o.channel = channelFromName(q.value(2).toString()).value_or(Channel::Alipay);
    o.flow = paymentFlowFromName(q.value(3).toString()).value_or(PaymentFlow::QrCode);
    o.amountFen = q.value(4).toLongLong();
    o.refundedFen = q.value(5).toLongLong();
    o.subject = q.value(6).toString();
    o.state = OrderState(q.value(7).toInt());
    o.providerTradeNo = q.value(8).toString();
    o.storeId = q.value(9).toString();
    o.terminalId = q.value(10).toString();
    o.cashierId = q.value(11).toString();
    o.createdAtMs = q.value(12).toLongLong();
    o.updatedAtMs = q.value(13).toLongLong();
    if (!q.value(14).isNull())
        o.paidAtMs = q.value(14).toLongLong();
    return o;
}

// How far along the lifecycle a state is. An answer that would move an order backwards is a
// late answer (a poll overtaken by a push, a query overtaken by a refund) and is ignored.
int progress(OrderState state) {
    switch (state) {
    case OrderState::Created:
        return 0;
    case OrderState::Pending:
    case OrderState::Unknown:
        return 1;
    case OrderState::Paid:
    case OrderState::Cancelled:
    case OrderState::Failed:
        return 2;
    case OrderState::PartiallyRefunded:
        return 3;
    case OrderState::Refunded:
        return 4;
    }
    return 0;
}

bool countsAsSale(OrderState state) {
    return state == OrderState::Paid || state == OrderState::PartiallyRefunded ||
           state == OrderState::Refunded;
}

Error queryError(const QString& what, const QSqlQuery& query) {
    return databaseError(what, query.lastError().text());
}

Error notOpen() {
    return Error{
        QStringLiteral("db.closed"),
        QCoreApplication::translate("qpos::OrderStore", "The order database is not open.")};
}

Error notFound(const QString& outTradeNo) {
    return Error{QStringLiteral("order.not_found"),
                 QCoreApplication::translate(
                     "qpos::OrderStore", "No order %1 on this terminal. Check the order number.")
                     .arg(outTradeNo)};
}

// Qt binds a null QString as SQL NULL; text columns that are NOT NULL get an empty string.
QString notNull(const QString& text) {
    return text.isNull() ? QStringLiteral("") : text;
}

QString likePattern(const QString& text) {
    QString escaped = text;
    escaped.replace(u'\\', QStringLiteral("\\\\"));
    escaped.replace(u'%', QStringLiteral("\\%"));
    escaped.replace(u'_', QStringLiteral("\\_"));
    return u'%' + escaped + u'%';
}

} // namespace

// Prepared once per connection: the hot paths do not re-parse SQL.
struct OrderStore::Statements {
    explicit Statements(QSqlDatabase& db)
        : nextSequence(db)
        , insertOrder(db)
        , insertItem(db)
        , selectOrder(db)
        , updateOrder(db)
        , insertEvent(db)
        , insertOutbox(db)
        , addTotals(db)
        , refundNote(db)
        , reports(db) {}
    QSqlQuery nextSequence;
    QSqlQuery insertOrder;
    QSqlQuery insertItem;
    QSqlQuery selectOrder;
    QSqlQuery updateOrder;
    QSqlQuery insertEvent;
    QSqlQuery insertOutbox;
    QSqlQuery addTotals;
    QSqlQuery refundNote;
    ReportLedger reports;
};

OrderStore::OrderStore(OrderStoreOptions options)
    : m_options(std::move(options)) {}

OrderStore::~OrderStore() {
    close();
}

qint64 OrderStore::now() const {
    return m_options.clock ? m_options.clock() : QDateTime::currentMSecsSinceEpoch();
}

Status OrderStore::open(const QString& path) {
    close();
    if (!out_trade_no::isValidPartId(m_options.storeId) ||
        !out_trade_no::isValidPartId(m_options.terminalId))
        return Error{QStringLiteral("order.bad_ids"),
                     QCoreApplication::translate(
                         "qpos::OrderStore",
                         "Store id '%1' or terminal id '%2' is not valid: use 1-16 letters or "
                         "digits, set in [store] id and [terminal] id.")
                         .arg(m_options.storeId, m_options.terminalId)};
    if (Status s = m_db.open(path); !s.ok())
        return s;
    if (Status s = order_schema::migrate(m_db, order_schema::kCurrentVersion, now()); !s.ok()) {
        m_db.close();
        return s;
    }
    if (Status s = prepareStatements(); !s.ok()) {
        close();
        return s;
    }
    return Status::success();
}

void OrderStore::close() {
    m_sql.reset(); // queries must go before their connection
    m_db.close();
}

Status OrderStore::prepareStatements() {
    m_sql = std::make_unique<Statements>(m_db.handle());
    struct {
        QSqlQuery* query;
        const char* sql;
    } const all[] = {
        {&m_sql->nextSequence,
         "INSERT INTO sequences (name, value) VALUES ('out_trade_no', 1) "
         "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value"},
        {&m_sql->insertOrder,
         "INSERT INTO orders (out_trade_no, channel, flow, amount_fen, refunded_fen, subject, "
         "state, store_id, terminal_id, cashier_id, created_at_ms, updated_at_ms) "
         "VALUES (?, ?, ?, ?, 0, ?, 0, ?, ?, ?, ?, ?)"},
        {&m_sql->insertItem, "INSERT INTO order_items (order_id, line_no, name, quantity, "
                             "unit_price_fen) VALUES (?, ?, ?, ?, ?)"},
        {&m_sql->selectOrder, "SELECT id, state, amount_fen, refunded_fen, provider_trade_no, "
                              "channel, created_at_ms, paid_at_ms, store_id, terminal_id, "
                              "cashier_id FROM orders WHERE out_trade_no = ?"},
        {&m_sql->updateOrder,
         "UPDATE orders SET state = ?, refunded_fen = ?, provider_trade_no = ?, paid_at_ms = ?, "
         "updated_at_ms = ? WHERE id = ?"},
        {&m_sql->insertEvent,
         "INSERT INTO order_events (order_id, old_state, new_state, source, actor, at_ms, "
         "refunded_fen, provider_fields, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"},
        {&m_sql->insertOutbox, "INSERT INTO outbox (event_id, idempotency_key, payload, "
                               "created_at_ms) VALUES (?, ?, ?, ?)"},
        {&m_sql->addTotals,
         "INSERT INTO daily_totals (day, channel, paid_count, paid_fen, refunded_fen) "
         "VALUES (?, ?, ?, ?, ?) ON CONFLICT (day, channel) DO UPDATE SET "
         "paid_count = paid_count + excluded.paid_count, "
         "paid_fen = paid_fen + excluded.paid_fen, "
         "refunded_fen = refunded_fen + excluded.refunded_fen"},
        {&m_sql->refundNote, "SELECT reason, actor FROM refunds WHERE out_request_no = ?"},
    };
    for (const auto& statement : all) {
        if (!statement.query->prepare(QString::fromUtf8(statement.sql)))
            return queryError(
                QCoreApplication::translate("qpos::OrderStore", "preparing statements"),
                *statement.query);
    }
    return m_sql->reports.prepare();
}

namespace {

// What an uploaded entry tells the store server beyond the order's state: reconciliation's
// payment time and refund number, and the people the store's report names, as the till's own
// report names them (report_totals, report_refunds).
struct LedgerFacts {
    std::optional<qint64> paidAtMs;     // the order's payment time, once it has one
    QString outRequestNo;               // the refund this change records, if it records one
    QString cashierId;                  // the order's cashier; empty when it has none
    std::optional<QString> approvedBy;  // set when the change gave money back
    QString reason;                     // with approvedBy: why the money was given back
    std::optional<qint64> refundedAtMs; // the provider's time of the refund, when it gave one
};

// The event as the store backend receives it through the outbox. Older servers ignore the
// keys they do not know, so the ledger facts are only added, never required.
QByteArray outboxPayload(const QString& key, qint64 eventId, const QString& outTradeNo,
                         const QString& storeId, const QString& terminalId, const QString& channel,
                         money::Fen amountFen, money::Fen refundedFen,
                         std::optional<OrderState> oldState, OrderState newState,
                         TransitionSource source, qint64 atMs, const QString& providerTradeNo,
                         const LedgerFacts& facts) {
    QJsonObject o{
        {QStringLiteral("idempotency_key"), key},
        {QStringLiteral("event_id"), QString::number(eventId)},
        {QStringLiteral("out_trade_no"), outTradeNo},
        {QStringLiteral("store_id"), storeId},
        {QStringLiteral("terminal_id"), terminalId},
        {QStringLiteral("channel"), channel},
        // Integers as strings: JSON numbers are doubles in many readers.
        {QStringLiteral("amount_fen"), QString::number(amountFen)},
        {QStringLiteral("refunded_fen"), QString::number(refundedFen)},
        {QStringLiteral("old_state"), oldState ? orderStateName(*oldState) : QString()},
        {QStringLiteral("new_state"), orderStateName(newState)},
        {QStringLiteral("source"), transitionSourceName(source)},
        {QStringLiteral("at_ms"), QString::number(atMs)},
        {QStringLiteral("provider_trade_no"), providerTradeNo},
    };
    if (facts.paidAtMs)
        o.insert(QStringLiteral("paid_at_ms"), QString::number(*facts.paidAtMs));
    if (!facts.outRequestNo.isEmpty())
        o.insert(QStringLiteral("out_request_no"), facts.outRequestNo);
    o.insert(QStringLiteral("cashier_id"), facts.cashierId);
    if (facts.approvedBy) {
        o.insert(QStringLiteral("approved_by"), *facts.approvedBy);
        o.insert(QStringLiteral("reason"), facts.reason);
    }
    if (facts.refundedAtMs)
        o.insert(QStringLiteral("refunded_at_ms"), QString::number(*facts.refundedAtMs));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

Result<Order> OrderStore::createOrder(const NewOrder& request) {
    if (!m_sql)
        return notOpen();
    if (request.channel == Channel::Cash || request.flow == PaymentFlow::Cash)
        return Error{QStringLiteral("order.cash_sale"),
                     QCoreApplication::translate("qpos::OrderStore",
                                                 "A cash sale is recorded paid at once; take it "
                                                 "with the till's cash key (F4).")};
    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s.error();
    Result<Order> order = createInTransaction(request);
    if (!order)
        return order;
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    return order;
}

Result<Order> OrderStore::recordCashSale(const NewOrder& request, money::Fen tenderedFen) {
    if (!m_sql)
        return notOpen();
    if (request.channel != Channel::Cash || request.flow != PaymentFlow::Cash)
        return Error{QStringLiteral("order.not_cash"),
                     QCoreApplication::translate("qpos::OrderStore",
                                                 "Only a cash sale is recorded paid at once; "
                                                 "a payment provider's sale waits for its "
                                                 "answer.")};
    if (request.cashierId.trimmed().isEmpty())
        return Error{QStringLiteral("order.cash_cashier"),
                     QCoreApplication::translate("qpos::OrderStore",
                                                 "A cash sale needs the cashier who took the "
                                                 "money. Log in and take it again.")};
    if (tenderedFen < request.amountFen || tenderedFen > money::kMaxFen)
        return Error{
            QStringLiteral("order.cash_tendered"),
            QCoreApplication::translate("qpos::OrderStore",
                                        "The customer gave %1, less than the %2 to pay. "
                                        "Take the full amount, or let them pay another "
                                        "way.")
                .arg(money::formatYuan(tenderedFen), money::formatYuan(request.amountFen))};
    // The order, its creation, its payment and their outbox rows and report lines commit
    // together: a cash sale is never left half-recorded.
    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s.error();
    Result<Order> order = createInTransaction(request);
    if (!order)
        return order;
    OrderTransition paid;
    paid.outTradeNo = order->outTradeNo;
    paid.to = OrderState::Paid;
    paid.source = TransitionSource::Cash;
    paid.actor = request.cashierId;
    paid.paidAtMs = order->createdAtMs;
    paid.note = QStringLiteral("cash tendered %1, change %2")
                    .arg(money::formatYuan(tenderedFen),
                         money::formatYuan(tenderedFen - request.amountFen));
    Result<TransitionOutcome> applied = applyInTransaction(paid, QString());
    if (!applied)
        return applied.error();
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    order->state = OrderState::Paid;
    order->paidAtMs = order->createdAtMs;
    qCInfo(lcStore).noquote() << "cash sale" << order->outTradeNo << "of"
                              << money::formatYuan(order->amountFen) << "by" << request.cashierId;
    return order;
}

Result<Order> OrderStore::createInTransaction(const NewOrder& request) {
    if (request.amountFen <= 0 || request.amountFen > money::kMaxFen)
        return Error{QStringLiteral("order.amount"),
                     QCoreApplication::translate("qpos::OrderStore",
                                                 "The amount must be between 0.01 and %1.")
                         .arg(money::formatYuan(money::kMaxFen))};
    const QString subject = request.subject.trimmed();
    if (subject.isEmpty() || subject.size() > 127)
        return Error{
            QStringLiteral("order.subject"),
            QCoreApplication::translate("qpos::OrderStore",
                                        "The order description must be 1-127 characters long.")};
    if (!request.items.isEmpty()) {
        money::Fen sum = 0;
        for (const OrderItem& item : request.items) {
            if (item.name.trimmed().isEmpty() || item.quantity <= 0 || item.quantity > 100000 ||
                item.unitPriceFen < 0 || item.unitPriceFen > money::kMaxFen)
                return Error{QStringLiteral("order.item"),
                             QCoreApplication::translate(
                                 "qpos::OrderStore",
                                 "Item '%1' needs a name, a quantity of at least 1 and a price "
                                 "of at most %2.")
                                 .arg(item.name, money::formatYuan(money::kMaxFen))};
            sum += item.lineTotalFen();
        }
        if (sum != request.amountFen)
            return Error{QStringLiteral("order.items_total"),
                         QCoreApplication::translate("qpos::OrderStore",
                                                     "The items add up to %1 but the amount is %2.")
                             .arg(money::formatYuan(sum), money::formatYuan(request.amountFen))};
    }

    const qint64 at = now();
    QSqlQuery& seq = m_sql->nextSequence;
    if (!seq.exec() || !seq.next())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "numbering the order"),
                          seq);
    const qint64 sequence = seq.value(0).toLongLong();
    seq.finish();

    Order order;
    order.outTradeNo = out_trade_no::make(m_options.storeId, m_options.terminalId, at, sequence);
    order.channel = request.channel;
    order.flow = request.flow;
    order.amountFen = request.amountFen;
    order.subject = subject;
    order.state = OrderState::Created;
    order.storeId = m_options.storeId;
    order.terminalId = m_options.terminalId;
    order.cashierId = request.cashierId;
    order.createdAtMs = at;
    order.updatedAtMs = at;
    order.items = request.items;

    QSqlQuery& ins = m_sql->insertOrder;
    ins.bindValue(0, order.outTradeNo);
    ins.bindValue(1, channelName(order.channel));
    ins.bindValue(2, paymentFlowName(order.flow));
    ins.bindValue(3, order.amountFen);
    ins.bindValue(4, order.subject);
    ins.bindValue(5, order.storeId);
    ins.bindValue(6, order.terminalId);
    ins.bindValue(7, order.cashierId);
    ins.bindValue(8, at);
    ins.bindValue(9, at);
    if (!ins.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "saving the order"), ins);
    order.id = ins.lastInsertId().toLongLong();

    for (qsizetype i = 0; i < order.items.size(); ++i) {
        const OrderItem& item = order.items[i];
        QSqlQuery& it = m_sql->insertItem;
        it.bindValue(0, order.id);
        it.bindValue(1, qint64(i + 1));
        it.bindValue(2, item.name.trimmed());
        it.bindValue(3, item.quantity);
        it.bindValue(4, item.unitPriceFen);
        if (!it.exec())
            return queryError(
                QCoreApplication::translate("qpos::OrderStore", "saving the order's items"), it);
    }

    QSqlQuery& ev = m_sql->insertEvent;
    ev.bindValue(0, order.id);
    ev.bindValue(1, QVariant(QMetaType::fromType<int>()));
    ev.bindValue(2, int(OrderState::Created));
    ev.bindValue(3, transitionSourceName(TransitionSource::Cashier));
    ev.bindValue(4, notNull(request.cashierId));
    ev.bindValue(5, at);
    ev.bindValue(6, qint64(0));
    ev.bindValue(7, QStringLiteral("{}"));
    ev.bindValue(8, notNull(QString()));
    if (!ev.exec())
        return queryError(
            QCoreApplication::translate("qpos::OrderStore", "recording the order's creation"), ev);
    const qint64 eventId = ev.lastInsertId().toLongLong();

    LedgerFacts facts;
    facts.cashierId = notNull(order.cashierId);
    const QString key = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QSqlQuery& ob = m_sql->insertOutbox;
    ob.bindValue(0, eventId);
    ob.bindValue(1, key);
    ob.bindValue(2, QString::fromUtf8(outboxPayload(
                        key, eventId, order.outTradeNo, order.storeId, order.terminalId,
                        channelName(order.channel), order.amountFen, 0, std::nullopt,
                        OrderState::Created, TransitionSource::Cashier, at, QString(), facts)));
    ob.bindValue(3, at);
    if (!ob.exec())
        return queryError(
            QCoreApplication::translate("qpos::OrderStore", "queueing the order for upload"), ob);
    return order;
}

Result<TransitionOutcome> OrderStore::apply(const OrderTransition& t) {
    if (!m_sql)
        return notOpen();

    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s.error();
    Result<TransitionOutcome> outcome = applyInTransaction(t, QString());
    if (!outcome || *outcome != TransitionOutcome::Applied)
        return outcome;
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    qCInfo(lcStore).noquote() << "order" << t.outTradeNo << "->" << orderStateName(t.to) << "by"
                              << transitionSourceName(t.source);
    return outcome;
}

Result<qint64> OrderStore::insertTransitionEvent(qint64 orderId, OrderState from,
                                                 const OrderTransition& t, qint64 atMs,
                                                 money::Fen refundedAfter, const QString& note) {
    QSqlQuery& ev = m_sql->insertEvent;
    ev.bindValue(0, orderId);
    ev.bindValue(1, int(from));
    ev.bindValue(2, int(t.to));
    ev.bindValue(3, transitionSourceName(t.source));
    ev.bindValue(4, notNull(t.actor));
    ev.bindValue(5, atMs);
    ev.bindValue(6, refundedAfter);
    ev.bindValue(7,
                 QString::fromUtf8(QJsonDocument(t.providerFields).toJson(QJsonDocument::Compact)));
    ev.bindValue(8, notNull(note));
    if (!ev.exec())
        return queryError(
            QCoreApplication::translate("qpos::OrderStore", "recording the order's change"), ev);
    return ev.lastInsertId().toLongLong();
}

Result<TransitionOutcome> OrderStore::applyInTransaction(const OrderTransition& t,
                                                         const QString& outRequestNo) {
    QSqlQuery& sel = m_sql->selectOrder;
    sel.bindValue(0, t.outTradeNo);
    if (!sel.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "reading the order"),
                          sel);
    if (!sel.next()) {
        sel.finish();
        return notFound(t.outTradeNo);
    }
    const qint64 orderId = sel.value(0).toLongLong();
    const auto from = OrderState(sel.value(1).toInt());
    const money::Fen amount = sel.value(2).toLongLong();
    const money::Fen refundedBefore = sel.value(3).toLongLong();
    const QString knownTradeNo = sel.value(4).toString();
    const QString channel = sel.value(5).toString();
    const qint64 createdAt = sel.value(6).toLongLong();
    const QVariant paidAtBefore = sel.value(7);
    const QString storeId = sel.value(8).toString();
    const QString terminalId = sel.value(9).toString();
    const QString cashierId = sel.value(10).toString();
    sel.finish();

    money::Fen refundedAfter = refundedBefore;
    if (t.to == OrderState::Refunded) {
        refundedAfter = amount;
    } else if (t.to == OrderState::PartiallyRefunded) {
        if (!t.refundedFen || *t.refundedFen <= 0 || *t.refundedFen >= amount)
            return Error{QStringLiteral("order.refund_amount"),
                         QCoreApplication::translate(
                             "qpos::OrderStore",
                             "Order %1: a partial refund must leave between 0.01 and %2 "
                             "refunded; the change was not applied.")
                             .arg(t.outTradeNo, money::formatYuan(amount - 1))};
        refundedAfter = *t.refundedFen;
    }

    if (from == t.to && refundedAfter == refundedBefore)
        return TransitionOutcome::Duplicate;
    if (progress(from) > progress(t.to) || (from == t.to && refundedAfter < refundedBefore)) {
        qCInfo(lcStore).noquote() << "order" << t.outTradeNo << "is already" << orderStateName(from)
                                  << "- late answer" << orderStateName(t.to) << "from"
                                  << transitionSourceName(t.source) << "ignored";
        return TransitionOutcome::Superseded;
    }
    // Cash has no provider: no provider answer may move a cash order, and the till's own cash
    // record moves nothing else.
    const bool cashOrder = channel == channelName(Channel::Cash);
    if (cashOrder != (t.source == TransitionSource::Cash)) {
        qCWarning(lcStore).noquote() << "order" << t.outTradeNo << "(" << channel << ")"
                                     << "refused a change from" << transitionSourceName(t.source);
        return Error{QStringLiteral("order.cash_source"),
                     cashOrder ? QCoreApplication::translate(
                                     "qpos::OrderStore",
                                     "Order %1 was paid in cash: only the till records its "
                                     "changes; the change from %2 was not applied.")
                                     .arg(t.outTradeNo, transitionSourceName(t.source))
                               : QCoreApplication::translate(
                                     "qpos::OrderStore",
                                     "Order %1 was not paid in cash: a cash record cannot change "
                                     "it; the change was not applied.")
                                     .arg(t.outTradeNo)};
    }
    if (Status s = OrderStateMachine::check(from, t.to, t.source); !s.ok()) {
        qCWarning(lcStore).noquote() << "order" << t.outTradeNo << s.error().message;
        return s.error();
    }

    const qint64 at = now();
    const QString tradeNo = knownTradeNo.isEmpty() ? t.providerTradeNo : knownTradeNo;
    QVariant paidAt = paidAtBefore;
    if (t.to == OrderState::Paid && !countsAsSale(from))
        paidAt = t.paidAtMs.value_or(at);

    QSqlQuery& up = m_sql->updateOrder;
    up.bindValue(0, int(t.to));
    up.bindValue(1, refundedAfter);
    up.bindValue(2, tradeNo.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : tradeNo);
    up.bindValue(3, paidAt);
    up.bindValue(4, at);
    up.bindValue(5, orderId);
    if (!up.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "updating the order"),
                          up);

    const Result<qint64> event = insertTransitionEvent(orderId, from, t, at, refundedAfter, t.note);
    if (!event)
        return event.error();
    const qint64 eventId = *event;

    const bool newSale = countsAsSale(t.to) && !countsAsSale(from);
    const money::Fen refundDelta = refundedAfter - refundedBefore;
    // The refund the till asked for says who approved it and why; a refund learned another way
    // (the provider's bill, a push) has only the change's own actor and note.
    QString approvedBy = t.actor;
    QString reason = t.note;
    if (refundDelta > 0 && !outRequestNo.isEmpty()) {
        QSqlQuery& note = m_sql->refundNote;
        note.bindValue(0, outRequestNo);
        if (!note.exec())
            return queryError(QCoreApplication::translate("qpos::OrderStore", "reading the refund"),
                              note);
        if (note.next()) {
            reason = note.value(0).toString();
            approvedBy = note.value(1).toString();
        }
        note.finish();
    }

    // The server dates a payment by the provider's time and keeps the till's refund numbers,
    // which its own numbering could not match after a failed refund; its report names the
    // cashier and the refund's approver and reason as this till's report does.
    LedgerFacts facts;
    if (!paidAt.isNull())
        facts.paidAtMs = paidAt.toLongLong();
    facts.cashierId = cashierId;
    if (refundDelta > 0) {
        facts.outRequestNo = outRequestNo;
        facts.approvedBy = approvedBy;
        facts.reason = reason;
        facts.refundedAtMs = t.refundedAtMs;
    }
    const QString key = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QSqlQuery& ob = m_sql->insertOutbox;
    ob.bindValue(0, eventId);
    ob.bindValue(1, key);
    ob.bindValue(2, QString::fromUtf8(outboxPayload(key, eventId, t.outTradeNo, storeId, terminalId,
                                                    channel, amount, refundedAfter, from, t.to,
                                                    t.source, at, tradeNo, facts)));
    ob.bindValue(3, at);
    if (!ob.exec())
        return queryError(
            QCoreApplication::translate("qpos::OrderStore", "queueing the change for upload"), ob);

    if (newSale || refundDelta != 0) {
        QSqlQuery& tot = m_sql->addTotals;
        tot.bindValue(0, china_calendar::dayNumberOf(createdAt));
        tot.bindValue(1, channel);
        tot.bindValue(2, newSale ? 1 : 0);
        tot.bindValue(3, newSale ? amount : 0);
        tot.bindValue(4, refundDelta);
        if (!tot.exec())
            return queryError(
                QCoreApplication::translate("qpos::OrderStore", "updating the daily totals"), tot);
    }
    if (newSale) {
        const qint64 paidAtMs = paidAt.isNull() ? at : paidAt.toLongLong();
        if (Status s = m_sql->reports.recordSale(channel, cashierId, amount, paidAtMs, at); !s.ok())
            return s.error();
    }
    if (refundDelta > 0) {
        if (Status s = m_sql->reports.recordRefund(orderId, eventId, channel, cashierId,
                                                   refundDelta, at, approvedBy, reason);
            !s.ok())
            return s.error();
    }

    return TransitionOutcome::Applied;
}

Result<Order> OrderStore::order(const QString& outTradeNo) {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("SELECT %1 FROM orders WHERE out_trade_no = ?").arg(kOrderColumns));
    q.bindValue(0, outTradeNo);
    if (!q.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "reading the order"), q);
    if (!q.next())
        return notFound(outTradeNo);
    Order o = orderFromRow(q);

    QSqlQuery items(m_db.handle());
    items.prepare(QStringLiteral("SELECT name, quantity, unit_price_fen FROM order_items "
                                 "WHERE order_id = ? ORDER BY line_no"));
    items.bindValue(0, o.id);
    if (!items.exec())
        return queryError(
            QCoreApplication::translate("qpos::OrderStore", "reading the order's items"), items);
    while (items.next())
        o.items.append(OrderItem{items.value(0).toString(), items.value(1).toInt(),
                                 items.value(2).toLongLong()});
    return o;
}

Result<OrderWithEvents> OrderStore::orderWithEvents(const QString& outTradeNo) {
    Result<Order> o = order(outTradeNo);
    if (!o)
        return o.error();
    OrderWithEvents result{std::move(o).value(), {}};

    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("SELECT id, old_state, new_state, source, actor, at_ms, refunded_fen, "
                             "provider_fields, note FROM order_events WHERE order_id = ? "
                             "ORDER BY id"));
    q.bindValue(0, result.order.id);
    if (!q.exec())
        return queryError(
            QCoreApplication::translate("qpos::OrderStore", "reading the order's history"), q);
    while (q.next()) {
        OrderEvent e;
        e.id = q.value(0).toLongLong();
        e.orderId = result.order.id;
        if (!q.value(1).isNull())
            e.oldState = OrderState(q.value(1).toInt());
        e.newState = OrderState(q.value(2).toInt());
        e.source =
            transitionSourceFromName(q.value(3).toString()).value_or(TransitionSource::Cashier);
        e.actor = q.value(4).toString();
        e.atMs = q.value(5).toLongLong();
        e.refundedFen = q.value(6).toLongLong();
        e.providerFields = QJsonDocument::fromJson(q.value(7).toString().toUtf8()).object();
        e.note = q.value(8).toString();
        result.events.append(e);
    }
    return result;
}

Result<OrderPage> OrderStore::listOrders(const OrderFilter& filter) {
    const int limit = qBound(1, filter.limit, 1000);
    // Fixed SQL fragments chosen by the filter; every value is a bound parameter.
    QString sql = QStringLiteral("SELECT %1 FROM orders WHERE created_at_ms >= ? AND "
                                 "created_at_ms < ?")
                      .arg(kOrderColumns);
    QVariantList values{filter.fromMs, filter.toMs};
    if (!filter.states.isEmpty()) {
        QStringList marks;
        for (OrderState s : filter.states) {
            marks << QStringLiteral("?");
            values << int(s);
        }
        sql += QStringLiteral(" AND state IN (%1)").arg(marks.join(u','));
    }
    if (filter.channel) {
        sql += QStringLiteral(" AND channel = ?");
        values << channelName(*filter.channel);
    }
    const QString search = filter.search.trimmed();
    if (!search.isEmpty()) {
        // A whole order number is looked up through the indexes; a fragment (the last digits
        // a customer reads out) is matched within the date range.
        if (search.size() >= 16 && out_trade_no::isWellFormed(search)) {
            sql += QStringLiteral(" AND (out_trade_no = ? OR provider_trade_no = ?)");
            values << search << search;
        } else {
            sql += QStringLiteral(" AND out_trade_no LIKE ? ESCAPE '\\'");
            values << likePattern(search);
        }
    }
    if (filter.after) {
        sql += QStringLiteral(" AND (created_at_ms, id) < (?, ?)");
        values << filter.after->createdAtMs << filter.after->id;
    }
    sql += QStringLiteral(" ORDER BY created_at_ms DESC, id DESC LIMIT ?");
    values << limit + 1;

    QSqlQuery q(m_db.handle());
    if (!q.prepare(sql))
        return queryError(QCoreApplication::translate("qpos::OrderStore", "listing orders"), q);
    for (qsizetype i = 0; i < values.size(); ++i)
        q.bindValue(int(i), values[i]);
    if (!q.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "listing orders"), q);

    OrderPage page;
    while (q.next()) {
        if (page.orders.size() == limit) {
            const Order& last = page.orders.constLast();
            page.next = OrderCursor{last.createdAtMs, last.id};
            break;
        }
        page.orders.append(orderFromRow(q));
    }
    return page;
}

Result<QList<DailyTotal>> OrderStore::dailyTotals(int fromDay, int toDay) {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("SELECT day, channel, paid_count, paid_fen, refunded_fen "
                             "FROM daily_totals WHERE day BETWEEN ? AND ? ORDER BY day, channel"));
    q.bindValue(0, fromDay);
    q.bindValue(1, toDay);
    if (!q.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "reading daily totals"),
                          q);
    QList<DailyTotal> totals;
    while (q.next()) {
        DailyTotal t;
        t.day = q.value(0).toInt();
        t.channel = channelFromName(q.value(1).toString()).value_or(Channel::Alipay);
        t.paidCount = q.value(2).toLongLong();
        t.paidFen = q.value(3).toLongLong();
        t.refundedFen = q.value(4).toLongLong();
        totals.append(t);
    }
    return totals;
}

Result<QList<Order>> OrderStore::openOrders() {
    QSqlQuery q(m_db.handle());
    // A cash order is never open (it is paid as it is written) and has no provider to ask.
    q.prepare(QStringLiteral("SELECT %1 FROM orders WHERE state IN (0, 1, 2) "
                             "AND channel <> 'cash' ORDER BY created_at_ms, id")
                  .arg(kOrderColumns));
    if (!q.exec())
        return queryError(
            QCoreApplication::translate("qpos::OrderStore", "finding unfinished orders"), q);
    QList<Order> orders;
    while (q.next())
        orders.append(orderFromRow(q));
    return orders;
}

Result<QList<OutboxEntry>> OrderStore::pendingOutbox(int limit) {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("SELECT id, event_id, idempotency_key, payload, attempts, "
                             "created_at_ms FROM outbox WHERE sent_at_ms IS NULL AND "
                             "next_attempt_at_ms <= ? ORDER BY next_attempt_at_ms, id LIMIT ?"));
    q.bindValue(0, now());
    q.bindValue(1, qBound(1, limit, 10000));
    if (!q.exec())
        return queryError(
            QCoreApplication::translate("qpos::OrderStore", "reading the upload queue"), q);
    QList<OutboxEntry> entries;
    while (q.next()) {
        entries.append(OutboxEntry{q.value(0).toLongLong(), q.value(1).toLongLong(),
                                   q.value(2).toString(), q.value(3).toString().toUtf8(),
                                   q.value(4).toInt(), q.value(5).toLongLong()});
    }
    return entries;
}

Status OrderStore::markOutboxSent(const QList<qint64>& outboxIds) {
    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s;
    QSqlQuery q(m_db.handle());
    q.prepare(
        QStringLiteral("UPDATE outbox SET sent_at_ms = ? WHERE id = ? AND sent_at_ms IS NULL"));
    const qint64 at = now();
    for (qint64 id : outboxIds) {
        q.bindValue(0, at);
        q.bindValue(1, id);
        if (!q.exec())
            return queryError(
                QCoreApplication::translate("qpos::OrderStore", "marking uploaded changes"), q);
    }
    return tx.commit();
}

Result<OutboxBacklog> OrderStore::outboxBacklog() {
    QSqlQuery q(m_db.handle());
    q.prepare(
        QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT e.order_id) FROM outbox o "
                       "JOIN order_events e ON e.id = o.event_id WHERE o.sent_at_ms IS NULL"));
    if (!q.exec() || !q.next())
        return queryError(
            QCoreApplication::translate("qpos::OrderStore", "reading the upload queue"), q);
    return OutboxBacklog{q.value(0).toLongLong(), q.value(1).toLongLong()};
}

Status OrderStore::deferOutbox(const QList<qint64>& outboxIds, qint64 nextAttemptAtMs) {
    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s;
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("UPDATE outbox SET attempts = attempts + 1, next_attempt_at_ms = ? "
                             "WHERE id = ? AND sent_at_ms IS NULL"));
    for (qint64 id : outboxIds) {
        q.bindValue(0, nextAttemptAtMs);
        q.bindValue(1, id);
        if (!q.exec())
            return queryError(
                QCoreApplication::translate("qpos::OrderStore", "rescheduling uploads"), q);
    }
    return tx.commit();
}

} // namespace qpos

namespace qpos {

namespace {

const QString kRefundColumns = QStringLiteral(
    "r.id, o.out_trade_no, r.out_request_no, r.amount_fen, r.reason, r.actor, r.state, "
    "r.created_at_ms, r.updated_at_ms");

RefundRecord refundFromQuery(const QSqlQuery& q) {
    RefundRecord r;
    r.id = q.value(0).toLongLong();
    r.outTradeNo = q.value(1).toString();
    r.outRequestNo = q.value(2).toString();
    r.amountFen = q.value(3).toLongLong();
    r.reason = q.value(4).toString();
    r.actor = q.value(5).toString();
    r.state = RefundRecordState(q.value(6).toInt());
    r.createdAtMs = q.value(7).toLongLong();
    r.updatedAtMs = q.value(8).toLongLong();
    return r;
}

} // namespace

Result<RefundRecord> OrderStore::beginRefund(const QString& outTradeNo, money::Fen amountFen,
                                             const QString& reason, const QString& actor) {
    if (!m_sql)
        return notOpen();
    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s.error();
    Result<RefundRecord> r = insertRefundInTransaction(outTradeNo, amountFen, reason, actor,
                                                       RefundRecordState::Requested);
    if (!r)
        return r;
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    qCInfo(lcStore).noquote() << "refund" << r->outRequestNo << "of" << money::formatYuan(amountFen)
                              << "requested by" << actor;
    return r;
}

Result<RefundRecord> OrderStore::recordCashRefund(const QString& outTradeNo, money::Fen amountFen,
                                                  const QString& reason, const QString& managerId) {
    if (!m_sql)
        return notOpen();
    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s.error();
    // Cash leaves the drawer on the spot: only a manager may approve it, whoever else may
    // refund provider payments.
    QSqlQuery role(m_db.handle());
    role.prepare(QStringLiteral("SELECT role FROM staff WHERE id = ?"));
    role.bindValue(0, managerId);
    if (!role.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "reading the staff"),
                          role);
    if (!role.next() || role.value(0).toString() != QLatin1String("manager"))
        return Error{QStringLiteral("refund.cash_needs_manager"),
                     QCoreApplication::translate("qpos::OrderStore",
                                                 "A cash refund needs a manager's approval: ask a "
                                                 "manager to enter their PIN.")};
    role.finish();
    Result<RefundRecord> r = insertRefundInTransaction(outTradeNo, amountFen, reason, managerId,
                                                       RefundRecordState::Succeeded);
    if (!r)
        return r;
    Result<Order> before = order(outTradeNo);
    if (!before)
        return before.error();
    const money::Fen total = before->refundedFen + amountFen;
    OrderTransition t;
    t.outTradeNo = outTradeNo;
    t.to = total >= before->amountFen ? OrderState::Refunded : OrderState::PartiallyRefunded;
    t.refundedFen = total;
    t.source = TransitionSource::Cash;
    t.actor = managerId;
    t.note =
        QStringLiteral("cash refund %1 of %2").arg(r->outRequestNo, money::formatYuan(amountFen));
    Result<TransitionOutcome> applied = applyInTransaction(t, r->outRequestNo);
    if (!applied)
        return applied.error();
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    qCInfo(lcStore).noquote() << "cash refund" << r->outRequestNo << "of"
                              << money::formatYuan(amountFen) << "approved by" << managerId;
    return r;
}

Result<RefundRecord> OrderStore::insertRefundInTransaction(const QString& outTradeNo,
                                                           money::Fen amountFen,
                                                           const QString& reason,
                                                           const QString& actor,
                                                           RefundRecordState recordState) {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral(
        "SELECT o.id, o.state, o.amount_fen, o.refunded_fen, "
        "COALESCE((SELECT SUM(amount_fen) FROM refunds WHERE order_id = o.id AND state = 0), 0), "
        "(SELECT COUNT(*) FROM refunds WHERE order_id = o.id), "
        "COALESCE((SELECT SUM(amount_fen) FROM refunds WHERE order_id = o.id AND state = 3), 0), "
        "o.channel FROM orders o WHERE o.out_trade_no = ?"));
    q.bindValue(0, outTradeNo);
    if (!q.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "reading the order"), q);
    if (!q.next())
        return notFound(outTradeNo);
    const qint64 orderId = q.value(0).toLongLong();
    const auto state = OrderState(q.value(1).toInt());
    const money::Fen amount = q.value(2).toLongLong();
    const money::Fen refunded = q.value(3).toLongLong();
    const money::Fen open = q.value(4).toLongLong();
    const qint64 earlier = q.value(5).toLongLong();
    const money::Fen held = q.value(6).toLongLong();
    const bool cashOrder = q.value(7).toString() == channelName(Channel::Cash);
    q.finish();

    if (cashOrder != (recordState == RefundRecordState::Succeeded))
        return Error{QStringLiteral("refund.channel"),
                     cashOrder ? QCoreApplication::translate(
                                     "qpos::OrderStore",
                                     "Order %1 was paid in cash: give the money back from the "
                                     "drawer with a manager's approval at the till.")
                                     .arg(outTradeNo)
                               : QCoreApplication::translate(
                                     "qpos::OrderStore",
                                     "Order %1 was paid through a payment provider: its refund "
                                     "goes through the provider.")
                                     .arg(outTradeNo)};

    if (state != OrderState::Paid && state != OrderState::PartiallyRefunded)
        return Error{QStringLiteral("refund.not_paid"),
                     QCoreApplication::translate("qpos::OrderStore",
                                                 "Order %1 is %2: only a paid order can be "
                                                 "refunded.")
                         .arg(outTradeNo, orderStateLabel(state))};
    const money::Fen left = amount - refunded - open - held;
    if (held > 0 && (amountFen <= 0 || amountFen > left))
        return Error{QStringLiteral("refund.held"),
                     QCoreApplication::translate(
                         "qpos::OrderStore",
                         "At most %1 can be refunded on order %2: %3 of an earlier refund is held "
                         "by the payment provider (for example, the customer's card was closed). "
                         "A manager must handle it on the provider's merchant platform; do not "
                         "refund it again here.")
                         .arg(money::formatYuan(qMax<money::Fen>(left, 0)), outTradeNo,
                              money::formatYuan(held))};
    if (amountFen <= 0 || amountFen > left)
        return Error{QStringLiteral("refund.amount"),
                     open > 0 ? QCoreApplication::translate(
                                    "qpos::OrderStore",
                                    "At most %1 can be refunded on order %2 (%3 is still being "
                                    "confirmed from an earlier refund).")
                                    .arg(money::formatYuan(qMax<money::Fen>(left, 0)), outTradeNo,
                                         money::formatYuan(open))
                              : QCoreApplication::translate(
                                    "qpos::OrderStore", "At most %1 can be refunded on order %2.")
                                    .arg(money::formatYuan(qMax<money::Fen>(left, 0)), outTradeNo)};

    RefundRecord r;
    r.outTradeNo = outTradeNo;
    // Unique per merchant and at most 64 characters (out_trade_no is at most 60 here).
    r.outRequestNo = outTradeNo + QLatin1Char('R') + QString::number(earlier + 1);
    r.amountFen = amountFen;
    r.reason = reason.trimmed().left(200);
    r.actor = actor;
    r.state = recordState;
    r.createdAtMs = now();
    r.updatedAtMs = r.createdAtMs;
    QSqlQuery ins(m_db.handle());
    ins.prepare(QStringLiteral(
        "INSERT INTO refunds (order_id, out_request_no, amount_fen, reason, actor, state, "
        "created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    ins.bindValue(0, orderId);
    ins.bindValue(1, r.outRequestNo);
    ins.bindValue(2, r.amountFen);
    ins.bindValue(3, notNull(r.reason));
    ins.bindValue(4, notNull(r.actor));
    ins.bindValue(5, int(r.state));
    ins.bindValue(6, r.createdAtMs);
    ins.bindValue(7, r.updatedAtMs);
    if (!ins.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "saving the refund"),
                          ins);
    r.id = ins.lastInsertId().toLongLong();
    return r;
}

Result<TransitionOutcome>
OrderStore::settleRefund(const QString& outRequestNo, RefundRecordState state,
                         const std::optional<OrderTransition>& transition) {
    if (!m_sql)
        return notOpen();
    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s.error();
    QSqlQuery up(m_db.handle());
    // Only an open refund moves, and only to another state: a held refund can still end.
    up.prepare(QStringLiteral("UPDATE refunds SET state = ?, updated_at_ms = ? "
                              "WHERE out_request_no = ? AND state IN (0, 3) AND state <> ?"));
    up.bindValue(0, int(state));
    up.bindValue(1, now());
    up.bindValue(2, outRequestNo);
    up.bindValue(3, int(state));
    if (!up.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "settling the refund"),
                          up);
    const bool changed = up.numRowsAffected() > 0;
    TransitionOutcome outcome = changed ? TransitionOutcome::Applied : TransitionOutcome::Duplicate;
    // Only the call that settles the refund moves the order: a repeat would count it twice.
    if (transition && changed) {
        Result<TransitionOutcome> applied = applyInTransaction(*transition, outRequestNo);
        if (!applied)
            return applied.error();
        if (*applied == TransitionOutcome::Applied)
            outcome = TransitionOutcome::Applied;
    }
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    if (changed)
        qCInfo(lcStore).noquote() << "refund" << outRequestNo
                                  << (state == RefundRecordState::Succeeded        ? "succeeded"
                                      : state == RefundRecordState::HeldByProvider ? "held"
                                                                                   : "failed");
    return outcome;
}

Result<RefundRecord> OrderStore::beginCancelRefund(const OrderTransition& paid,
                                                   const QString& outRequestNo,
                                                   money::Fen amountFen, const QString& actor) {
    if (!m_sql)
        return notOpen();
    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s.error();
    Result<TransitionOutcome> applied = applyInTransaction(paid, QString());
    if (!applied)
        return applied.error();
    const qint64 at = now();
    QSqlQuery ins(m_db.handle());
    ins.prepare(QStringLiteral(
        "INSERT INTO refunds (order_id, out_request_no, amount_fen, reason, actor, state, "
        "created_at_ms, updated_at_ms) "
        "SELECT id, ?, ?, 'cancel', ?, 0, ?, ? FROM orders WHERE out_trade_no = ? "
        "ON CONFLICT (out_request_no) DO NOTHING"));
    ins.bindValue(0, outRequestNo);
    ins.bindValue(1, amountFen);
    ins.bindValue(2, notNull(actor));
    ins.bindValue(3, at);
    ins.bindValue(4, at);
    ins.bindValue(5, paid.outTradeNo);
    if (!ins.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "saving the refund"),
                          ins);
    const bool added = ins.numRowsAffected() > 0;
    ins.finish();
    QSqlQuery sel(m_db.handle());
    sel.prepare(QStringLiteral("SELECT %1 FROM refunds r JOIN orders o ON o.id = r.order_id "
                               "WHERE r.out_request_no = ?")
                    .arg(kRefundColumns));
    sel.bindValue(0, outRequestNo);
    if (!sel.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "reading refunds"), sel);
    if (!sel.next())
        return notFound(paid.outTradeNo);
    const RefundRecord record = refundFromQuery(sel);
    sel.finish();
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    if (added)
        qCInfo(lcStore).noquote() << "refund" << outRequestNo << "of"
                                  << money::formatYuan(amountFen) << "made by a cancel, open";
    return record;
}

Result<TransitionOutcome> OrderStore::recordProviderRefund(const QString& outTradeNo,
                                                           const QString& outRequestNo,
                                                           money::Fen amountFen,
                                                           std::optional<qint64> refundedAtMs,
                                                           const QJsonObject& providerFields) {
    if (!m_sql)
        return notOpen();
    if (amountFen <= 0 || outRequestNo.isEmpty())
        return Error{QStringLiteral("refund.amount"),
                     QCoreApplication::translate("qpos::OrderStore",
                                                 "The provider's refund %1 of order %2 names no "
                                                 "amount; it was not recorded. Check it on the "
                                                 "provider's merchant platform.")
                         .arg(outRequestNo, outTradeNo)};
    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s.error();
    QSqlQuery o(m_db.handle());
    o.prepare(QStringLiteral(
        "SELECT id, state, amount_fen, refunded_fen, channel FROM orders WHERE out_trade_no = ?"));
    o.bindValue(0, outTradeNo);
    if (!o.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "reading the order"), o);
    if (!o.next())
        return notFound(outTradeNo);
    const qint64 orderId = o.value(0).toLongLong();
    const auto state = OrderState(o.value(1).toInt());
    const money::Fen amount = o.value(2).toLongLong();
    const money::Fen refunded = o.value(3).toLongLong();
    const bool cashOrder = o.value(4).toString() == channelName(Channel::Cash);
    o.finish();
    if (cashOrder)
        return Error{QStringLiteral("refund.channel"),
                     QCoreApplication::translate("qpos::OrderStore",
                                                 "Order %1 was paid in cash: no provider's refund "
                                                 "belongs to it.")
                         .arg(outTradeNo)};
    if (state != OrderState::Paid && state != OrderState::PartiallyRefunded &&
        state != OrderState::Refunded)
        return Error{QStringLiteral("refund.not_paid"),
                     QCoreApplication::translate("qpos::OrderStore",
                                                 "Order %1 is %2 here: the provider's refund %3 is "
                                                 "recorded once its payment is.")
                         .arg(outTradeNo, orderStateLabel(state), outRequestNo)};

    QSqlQuery known(m_db.handle());
    known.prepare(QStringLiteral("SELECT r.state, r.order_id FROM refunds r "
                                 "WHERE r.out_request_no = ?"));
    known.bindValue(0, outRequestNo);
    if (!known.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "reading refunds"),
                          known);
    const qint64 at = now();
    // Dated by the provider, as its bill dates it: a refund recorded days later would else be
    // expected in the later day's bill.
    const qint64 refundedAt = refundedAtMs.value_or(at);
    if (known.next()) {
        const auto recorded = RefundRecordState(known.value(0).toInt());
        const qint64 owner = known.value(1).toLongLong();
        known.finish();
        // The till's refund numbers are unique across its orders; Alipay's only within a trade.
        if (owner != orderId)
            return Error{QStringLiteral("refund.number_taken"),
                         QCoreApplication::translate(
                             "qpos::OrderStore",
                             "The provider's refund %1 of order %2 has a number another order's "
                             "refund holds here; it was not recorded. Note it by hand.")
                             .arg(outRequestNo, outTradeNo)};
        if (recorded == RefundRecordState::Succeeded)
            return TransitionOutcome::Duplicate;
        if (recorded == RefundRecordState::Failed)
            return Error{QStringLiteral("refund.failed_here"),
                         QCoreApplication::translate(
                             "qpos::OrderStore",
                             "Refund %1 of order %2 is recorded here as failed, but the provider "
                             "says it was made. Check it on the provider's merchant platform.")
                             .arg(outRequestNo, outTradeNo)};
        // Asked for here and still open: the provider's amount is what went back.
        QSqlQuery settle(m_db.handle());
        settle.prepare(QStringLiteral("UPDATE refunds SET state = ?, amount_fen = ?, "
                                      "updated_at_ms = ? WHERE out_request_no = ?"));
        settle.bindValue(0, int(RefundRecordState::Succeeded));
        settle.bindValue(1, amountFen);
        settle.bindValue(2, refundedAt);
        settle.bindValue(3, outRequestNo);
        if (!settle.exec())
            return queryError(
                QCoreApplication::translate("qpos::OrderStore", "settling the refund"), settle);
    } else {
        known.finish();
        QSqlQuery ins(m_db.handle());
        ins.prepare(QStringLiteral(
            "INSERT INTO refunds (order_id, out_request_no, amount_fen, reason, actor, state, "
            "created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
        ins.bindValue(0, orderId);
        ins.bindValue(1, outRequestNo);
        ins.bindValue(2, amountFen);
        ins.bindValue(3, QStringLiteral("made at the provider"));
        ins.bindValue(4, QStringLiteral("reconcile"));
        ins.bindValue(5, int(RefundRecordState::Succeeded));
        ins.bindValue(6, refundedAt);
        ins.bindValue(7, refundedAt);
        if (!ins.exec())
            return queryError(QCoreApplication::translate("qpos::OrderStore", "saving the refund"),
                              ins);
    }

    QSqlQuery sum(m_db.handle());
    sum.prepare(QStringLiteral(
        "SELECT COALESCE(SUM(amount_fen), 0) FROM refunds WHERE order_id = ? AND state = ?"));
    sum.bindValue(0, orderId);
    sum.bindValue(1, int(RefundRecordState::Succeeded));
    if (!sum.exec() || !sum.next())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "reading refunds"), sum);
    const money::Fen total = qMin(amount, qMax(refunded, sum.value(0).toLongLong()));
    sum.finish();

    OrderTransition t;
    t.outTradeNo = outTradeNo;
    t.source = TransitionSource::Reconcile;
    t.actor = QStringLiteral("reconcile");
    t.providerFields = providerFields;
    t.refundedAtMs = refundedAtMs;
    t.note = QStringLiteral("refund %1 of %2 made at the provider")
                 .arg(outRequestNo, money::formatYuan(amountFen));
    if (total > refunded) {
        t.to = total >= amount ? OrderState::Refunded : OrderState::PartiallyRefunded;
        t.refundedFen = total;
        Result<TransitionOutcome> applied = applyInTransaction(t, outRequestNo);
        if (!applied)
            return applied.error();
    } else {
        // The money was counted already (a push): the refund is written, the order stays.
        t.to = state;
        const Result<qint64> event = insertTransitionEvent(
            orderId, state, t, at, refunded, t.note + QStringLiteral(", counted before"));
        if (!event)
            return event.error();
    }
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    qCInfo(lcStore).noquote() << "refund" << outRequestNo << "of" << money::formatYuan(amountFen)
                              << "made at the provider recorded on order" << outTradeNo;
    return TransitionOutcome::Applied;
}

Result<QList<RefundRecord>> OrderStore::refunds(const QString& outTradeNo) {
    return selectRefunds(QStringLiteral("o.out_trade_no = ? ORDER BY r.id"), outTradeNo);
}

Result<QList<RefundRecord>> OrderStore::openRefunds() {
    return selectRefunds(QStringLiteral("r.state IN (0, 3) ORDER BY r.created_at_ms, r.id"), {});
}

Result<QList<RefundRecord>> OrderStore::selectRefunds(const QString& where,
                                                      const QString& outTradeNo) {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("SELECT %1 FROM refunds r JOIN orders o ON o.id = r.order_id WHERE %2")
                  .arg(kRefundColumns, where));
    if (!outTradeNo.isEmpty())
        q.bindValue(0, outTradeNo);
    if (!q.exec())
        return queryError(QCoreApplication::translate("qpos::OrderStore", "reading refunds"), q);
    QList<RefundRecord> all;
    while (q.next())
        all << refundFromQuery(q);
    return all;
}

} // namespace qpos
