#include "core/calendar/ChinaCalendar.h"
#include "core/orders/OutTradeNo.h"
#include "core/storage/OrderSchema.h"
#include "core/storage/OrderStore.h"
#include "tests/support/TempDir.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QSqlQuery>
#include <QTest>

using namespace qpos;

namespace {

// 2026-11-23 10:00:00 China time.
constexpr qint64 kMorning = 1795399200000;
constexpr qint64 kDayMs = 24LL * 3600 * 1000;

struct Fixture {
    test::TempDir dir;
    qint64 clock = kMorning;
    OrderStore store{OrderStoreOptions{QStringLiteral("S001"), QStringLiteral("T01"), [this] {
                                           return clock;
                                       }}};

    Fixture() { openOrDie(); }
    void openOrDie() {
        const Status s = store.open(dir.file(QStringLiteral("orders.db")));
        if (!s.ok())
            qFatal("open failed: %s", qPrintable(s.error().message));
    }

    Order create(money::Fen amount, Channel channel = Channel::Alipay) {
        NewOrder n;
        n.channel = channel;
        n.amountFen = amount;
        n.subject = QStringLiteral("Test sale");
        n.cashierId = QStringLiteral("c1");
        Result<Order> r = store.createOrder(n);
        if (!r.ok())
            qFatal("create failed: %s", qPrintable(r.error().message));
        return *r;
    }

    TransitionOutcome move(const QString& no, OrderState to, TransitionSource source,
                           std::optional<money::Fen> refunded = std::nullopt) {
        OrderTransition t;
        t.outTradeNo = no;
        t.to = to;
        t.source = source;
        t.refundedFen = refunded;
        t.actor = QStringLiteral("test");
        Result<TransitionOutcome> r = store.apply(t);
        if (!r.ok())
            qFatal("apply failed: %s", qPrintable(r.error().message));
        return *r;
    }

    qint64 count(const QString& table) {
        QSqlQuery q(store.database().handle());
        q.exec(QStringLiteral("SELECT COUNT(*) FROM ") + table);
        q.next();
        return q.value(0).toLongLong();
    }

    QString pragma(const char* name) {
        QSqlQuery q(store.database().handle());
        q.exec(QStringLiteral("PRAGMA ") + QString::fromLatin1(name));
        q.next();
        return q.value(0).toString();
    }
};

} // namespace

class TestOrderStore : public QObject {
    Q_OBJECT

private slots:
    void opensDurably() {
        Fixture f;
        QCOMPARE(f.pragma("journal_mode"), QStringLiteral("wal"));
        QCOMPARE(f.pragma("synchronous"), QStringLiteral("2")); // FULL
        QCOMPARE(f.pragma("foreign_keys"), QStringLiteral("1"));
        QCOMPARE(f.pragma("user_version"), QString::number(order_schema::kCurrentVersion));
    }

    void createWritesOrderEventAndOutbox() {
        Fixture f;
        NewOrder n;
        n.channel = Channel::WeChat;
        n.amountFen = 1234;
        n.subject = QStringLiteral("  Coffee  ");
        n.cashierId = QStringLiteral("alice");
        n.items = {OrderItem{QStringLiteral("Latte"), 2, 500},
                   OrderItem{QStringLiteral("Cookie"), 1, 234}};
        Result<Order> r = f.store.createOrder(n);
        QVERIFY(r.ok());
        QCOMPARE(r->state, OrderState::Created);
        QCOMPARE(r->outTradeNo, QStringLiteral("S001_T01_20261123_00000001"));
        QCOMPARE(r->subject, QStringLiteral("Coffee"));

        Result<OrderWithEvents> full = f.store.orderWithEvents(r->outTradeNo);
        QVERIFY(full.ok());
        QCOMPARE(full->order.amountFen, 1234);
        QCOMPARE(full->order.channel, Channel::WeChat);
        QCOMPARE(full->order.items.size(), 2);
        QCOMPARE(full->order.items[0].name, QStringLiteral("Latte"));
        QCOMPARE(full->order.items[1].unitPriceFen, 234);
        QCOMPARE(full->events.size(), 1);
        QVERIFY(!full->events[0].oldState.has_value());
        QCOMPARE(full->events[0].newState, OrderState::Created);
        QCOMPARE(full->events[0].actor, QStringLiteral("alice"));

        Result<QList<OutboxEntry>> outbox = f.store.pendingOutbox(10);
        QVERIFY(outbox.ok());
        QCOMPARE(outbox->size(), 1);
        const QJsonObject payload = QJsonDocument::fromJson(outbox->at(0).payload).object();
        QCOMPARE(payload.value(u"out_trade_no").toString(), r->outTradeNo);
        QCOMPARE(payload.value(u"amount_fen").toString(), QStringLiteral("1234"));
        QCOMPARE(payload.value(u"new_state").toString(), QStringLiteral("created"));
        QCOMPARE(payload.value(u"idempotency_key").toString(), outbox->at(0).idempotencyKey);
    }

    void createRefusesBadInput() {
        Fixture f;
        NewOrder n;
        n.subject = QStringLiteral("x");
        n.amountFen = 0;
        QCOMPARE(f.store.createOrder(n).error().code, QStringLiteral("order.amount"));
        n.amountFen = money::kMaxFen + 1;
        QCOMPARE(f.store.createOrder(n).error().code, QStringLiteral("order.amount"));
        n.amountFen = 100;
        n.subject = QStringLiteral("   ");
        QCOMPARE(f.store.createOrder(n).error().code, QStringLiteral("order.subject"));
        n.subject = QString(128, u'x');
        QCOMPARE(f.store.createOrder(n).error().code, QStringLiteral("order.subject"));
        n.subject = QStringLiteral("ok");
        n.items = {OrderItem{QStringLiteral("a"), 1, 99}};
        QCOMPARE(f.store.createOrder(n).error().code, QStringLiteral("order.items_total"));
        n.items = {OrderItem{QStringLiteral("a"), 0, 100}};
        QCOMPARE(f.store.createOrder(n).error().code, QStringLiteral("order.item"));
        QCOMPARE(f.count(QStringLiteral("orders")), 0);
        QCOMPARE(f.count(QStringLiteral("outbox")), 0);
    }

    void refusesBadStoreIds() {
        test::TempDir dir;
        OrderStore store(OrderStoreOptions{QStringLiteral("S_1"), QStringLiteral("T01"), {}});
        const Status s = store.open(dir.file(QStringLiteral("o.db")));
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code, QStringLiteral("order.bad_ids"));
        QVERIFY(s.error().message.contains(QStringLiteral("[store] id")));
    }

    void outTradeNumbersNeverRepeat() {
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("orders.db"));
        QSet<QString> seen;
        qint64 clock = kMorning;
        const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9_]{1,64}$"));
        for (int run = 0; run < 3; ++run) {
            OrderStore store(
                OrderStoreOptions{QStringLiteral("S001"), QStringLiteral("T01"), [&clock] {
                                      return clock;
                                  }});
            QVERIFY(store.open(path).ok());
            for (int i = 0; i < 50; ++i) {
                NewOrder n;
                n.amountFen = 1;
                n.subject = QStringLiteral("x");
                Result<Order> r = store.createOrder(n);
                QVERIFY(r.ok());
                QVERIFY2(!seen.contains(r->outTradeNo), qPrintable(r->outTradeNo));
                QVERIFY(shape.match(r->outTradeNo).hasMatch());
                QVERIFY(out_trade_no::isWellFormed(r->outTradeNo));
                seen.insert(r->outTradeNo);
            }
            clock -= kDayMs; // the clock steps back a day between restarts
        }
        QCOMPARE(seen.size(), 150);
        QVERIFY(seen.contains(QStringLiteral("S001_T01_20261121_00000150")));
    }

    void outTradeNoDateIsChinaTime() {
        // 2026-11-22 16:30 UTC is already 2026-11-23 00:30 in China.
        QCOMPARE(china_calendar::dayNumberOf(1795365000000), 20261123);
        QCOMPARE(china_calendar::dayNumberOf(1795365000000 - 3600 * 1000), 20261122);
        const QString longest = out_trade_no::make(QString(16, u'S'), QString(16, u'T'), kMorning,
                                                   std::numeric_limits<qint64>::max());
        QVERIFY(longest.size() <= 64);
        QVERIFY(!out_trade_no::isValidPartId(u"S_1"));
        QVERIFY(!out_trade_no::isValidPartId(u""));
        QVERIFY(!out_trade_no::isValidPartId(QString(17, u'a')));
        QVERIFY(!out_trade_no::isValidPartId(u"店1"));
        QVERIFY(!out_trade_no::isWellFormed(u"a-b"));
        QVERIFY(!out_trade_no::isWellFormed(QString(65, u'a')));
    }

    void paidFlowWritesEverything() {
        Fixture f;
        const Order o = f.create(1000);
        QCOMPARE(f.move(o.outTradeNo, OrderState::Pending, TransitionSource::Request),
                 TransitionOutcome::Applied);
        OrderTransition paid;
        paid.outTradeNo = o.outTradeNo;
        paid.to = OrderState::Paid;
        paid.source = TransitionSource::Push;
        paid.providerTradeNo = QStringLiteral("2026112322001400000001");
        paid.paidAtMs = kMorning + 5000;
        paid.providerFields = {{QStringLiteral("trade_status"), QStringLiteral("TRADE_SUCCESS")}};
        QCOMPARE(*f.store.apply(paid), TransitionOutcome::Applied);

        Result<OrderWithEvents> full = f.store.orderWithEvents(o.outTradeNo);
        QVERIFY(full.ok());
        QCOMPARE(full->order.state, OrderState::Paid);
        QCOMPARE(full->order.providerTradeNo, QStringLiteral("2026112322001400000001"));
        QCOMPARE(full->order.paidAtMs.value_or(0), kMorning + 5000);
        QCOMPARE(full->events.size(), 3);
        QCOMPARE(full->events[2].oldState, OrderState::Pending);
        QCOMPARE(full->events[2].source, TransitionSource::Push);
        QCOMPARE(full->events[2].providerFields.value(u"trade_status").toString(),
                 QStringLiteral("TRADE_SUCCESS"));
        QCOMPARE(f.count(QStringLiteral("outbox")), 3);
        QCOMPARE(f.count(QStringLiteral("order_events")), 3);
    }

    void duplicatesAndLateAnswersWriteNothing() {
        Fixture f;
        const Order o = f.create(1000);
        f.move(o.outTradeNo, OrderState::Pending, TransitionSource::Request);
        f.move(o.outTradeNo, OrderState::Paid, TransitionSource::Push);
        const qint64 events = f.count(QStringLiteral("order_events"));
        // The poll that raced the push says paid again: a duplicate.
        QCOMPARE(f.move(o.outTradeNo, OrderState::Paid, TransitionSource::Poll),
                 TransitionOutcome::Duplicate);
        // An older poll answer (still waiting) arrives last: superseded.
        QCOMPARE(f.move(o.outTradeNo, OrderState::Pending, TransitionSource::Poll),
                 TransitionOutcome::Superseded);
        f.move(o.outTradeNo, OrderState::Refunded, TransitionSource::Request);
        QCOMPARE(f.move(o.outTradeNo, OrderState::Paid, TransitionSource::Push),
                 TransitionOutcome::Superseded);
        QCOMPARE(f.count(QStringLiteral("order_events")), events + 1);
        QCOMPARE(f.count(QStringLiteral("outbox")), events + 1);
        QCOMPARE(f.store.order(o.outTradeNo)->state, OrderState::Refunded);
    }

    void illegalTransitionIsRefusedAndNotApplied() {
        Fixture f;
        const Order o = f.create(1000);
        f.move(o.outTradeNo, OrderState::Pending, TransitionSource::Request);
        f.move(o.outTradeNo, OrderState::Unknown, TransitionSource::Request);
        OrderTransition t;
        t.outTradeNo = o.outTradeNo;
        t.to = OrderState::Paid;
        t.source = TransitionSource::Push; // Unknown leaves only through a query
        Result<TransitionOutcome> r = f.store.apply(t);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("order.illegal_transition"));
        QVERIFY(r.error().message.contains(QStringLiteral("unknown")));
        QVERIFY(r.error().message.contains(QStringLiteral("paid")));
        QCOMPARE(f.store.order(o.outTradeNo)->state, OrderState::Unknown);
        QCOMPARE(f.count(QStringLiteral("order_events")), 3);
        t.source = TransitionSource::Poll;
        QCOMPARE(*f.store.apply(t), TransitionOutcome::Applied);
    }

    void unknownOrderIsNotFound() {
        Fixture f;
        OrderTransition t;
        t.outTradeNo = QStringLiteral("S001_T01_20261123_99999999");
        t.to = OrderState::Paid;
        Result<TransitionOutcome> r = f.store.apply(t);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, QStringLiteral("order.not_found"));
        QCOMPARE(f.store.order(t.outTradeNo).error().code, QStringLiteral("order.not_found"));
    }

    void refundsAccumulate() {
        Fixture f;
        const Order o = f.create(1000);
        f.move(o.outTradeNo, OrderState::Paid, TransitionSource::Request);
        QCOMPARE(
            f.move(o.outTradeNo, OrderState::PartiallyRefunded, TransitionSource::Request, 300),
            TransitionOutcome::Applied);
        QCOMPARE(f.move(o.outTradeNo, OrderState::PartiallyRefunded, TransitionSource::Poll, 300),
                 TransitionOutcome::Duplicate);
        QCOMPARE(
            f.move(o.outTradeNo, OrderState::PartiallyRefunded, TransitionSource::Request, 700),
            TransitionOutcome::Applied);
        // An older refund query answer with a smaller total is late.
        QCOMPARE(f.move(o.outTradeNo, OrderState::PartiallyRefunded, TransitionSource::Poll, 300),
                 TransitionOutcome::Superseded);
        QCOMPARE(f.store.order(o.outTradeNo)->refundedFen, 700);

        OrderTransition bad;
        bad.outTradeNo = o.outTradeNo;
        bad.to = OrderState::PartiallyRefunded;
        bad.source = TransitionSource::Request;
        bad.refundedFen = 1000; // a whole refund is Refunded, not partial
        QCOMPARE(f.store.apply(bad).error().code, QStringLiteral("order.refund_amount"));
        bad.refundedFen.reset();
        QCOMPARE(f.store.apply(bad).error().code, QStringLiteral("order.refund_amount"));

        QCOMPARE(f.move(o.outTradeNo, OrderState::Refunded, TransitionSource::Request),
                 TransitionOutcome::Applied);
        QCOMPARE(f.store.order(o.outTradeNo)->refundedFen, 1000);
    }

    // What the store server's reconciliation reads from the uploads: the provider's payment
    // time, and each refund's own request number, also after a refund that failed.
    void outboxEntriesCarryThePaymentTimeAndTheRefundNumber() {
        Fixture f;
        const Order o = f.create(1000);
        const qint64 providerPaid = kMorning - 90 * 1000;
        OrderTransition paid;
        paid.outTradeNo = o.outTradeNo;
        paid.to = OrderState::Paid;
        paid.source = TransitionSource::Poll;
        paid.paidAtMs = providerPaid;
        QCOMPARE(*f.store.apply(paid), TransitionOutcome::Applied);

        f.clock += 60 * 1000;
        Result<RefundRecord> failed = f.store.beginRefund(
            o.outTradeNo, 400, QStringLiteral("wrong item"), QStringLiteral("m1"));
        QVERIFY(failed.ok());
        QCOMPARE(
            *f.store.settleRefund(failed->outRequestNo, RefundRecordState::Failed, std::nullopt),
            TransitionOutcome::Applied);
        Result<RefundRecord> done = f.store.beginRefund(
            o.outTradeNo, 400, QStringLiteral("wrong item"), QStringLiteral("m1"));
        QVERIFY(done.ok());
        QVERIFY(done->outRequestNo != failed->outRequestNo);
        OrderTransition refunded;
        refunded.outTradeNo = o.outTradeNo;
        refunded.to = OrderState::PartiallyRefunded;
        refunded.source = TransitionSource::Request;
        refunded.refundedFen = 400;
        QCOMPARE(*f.store.settleRefund(done->outRequestNo, RefundRecordState::Succeeded, refunded),
                 TransitionOutcome::Applied);

        Result<QList<OutboxEntry>> outbox = f.store.pendingOutbox(10);
        QVERIFY(outbox.ok());
        QCOMPARE(outbox->size(), 3); // created, paid, partially refunded: the failure moved nothing
        QList<QJsonObject> entries;
        for (const OutboxEntry& e : *outbox)
            entries.append(QJsonDocument::fromJson(e.payload).object());
        QCOMPARE(entries[0].value(u"new_state").toString(), QStringLiteral("created"));
        QVERIFY(!entries[0].contains(u"paid_at_ms"));
        QVERIFY(!entries[0].contains(u"out_request_no"));
        QCOMPARE(entries[1].value(u"new_state").toString(), QStringLiteral("paid"));
        QCOMPARE(entries[1].value(u"paid_at_ms").toString(), QString::number(providerPaid));
        QVERIFY(entries[1].value(u"at_ms").toString() != QString::number(providerPaid));
        QVERIFY(!entries[1].contains(u"out_request_no"));
        QCOMPARE(entries[2].value(u"new_state").toString(), QStringLiteral("partially_refunded"));
        QCOMPARE(entries[2].value(u"refunded_fen").toString(), QStringLiteral("400"));
        QCOMPARE(entries[2].value(u"out_request_no").toString(), done->outRequestNo);
        QCOMPARE(entries[2].value(u"paid_at_ms").toString(), QString::number(providerPaid));

        // A refund learned from the provider, not asked for here, has no number of the till's.
        f.move(o.outTradeNo, OrderState::Refunded, TransitionSource::Poll);
        outbox = f.store.pendingOutbox(10);
        QCOMPARE(outbox->size(), 4);
        const QJsonObject learned = QJsonDocument::fromJson(outbox->at(3).payload).object();
        QCOMPARE(learned.value(u"refunded_fen").toString(), QStringLiteral("1000"));
        QVERIFY(!learned.contains(u"out_request_no"));
    }

    // What the store server's sales report reads from the uploads: the order's cashier on every
    // entry, and on each entry that gave money back the approver and reason this till's own
    // report lists for it (report_refunds), a refund learned from the provider included.
    void outboxEntriesNameTheCashierAndEachRefundsApproverAndReason() {
        Fixture f;
        const Order o = f.create(1000);
        QCOMPARE(f.move(o.outTradeNo, OrderState::Paid, TransitionSource::Poll),
                 TransitionOutcome::Applied);
        Result<RefundRecord> asked = f.store.beginRefund(
            o.outTradeNo, 400, QStringLiteral("碎了 broken"), QStringLiteral("m1"));
        QVERIFY(asked.ok());
        OrderTransition refunded;
        refunded.outTradeNo = o.outTradeNo;
        refunded.to = OrderState::PartiallyRefunded;
        refunded.source = TransitionSource::Request;
        refunded.actor = QStringLiteral("engine");
        refunded.refundedFen = 400;
        QCOMPARE(*f.store.settleRefund(asked->outRequestNo, RefundRecordState::Succeeded, refunded),
                 TransitionOutcome::Applied);
        f.move(o.outTradeNo, OrderState::Refunded, TransitionSource::Poll);

        Result<QList<OutboxEntry>> outbox = f.store.pendingOutbox(10);
        QVERIFY(outbox.ok());
        QCOMPARE(outbox->size(), 4); // created, paid, partially refunded, refunded
        QList<QJsonObject> entries;
        for (const OutboxEntry& e : *outbox)
            entries.append(QJsonDocument::fromJson(e.payload).object());
        for (const QJsonObject& e : entries)
            QCOMPARE(e.value(u"cashier_id").toString(), QStringLiteral("c1"));
        for (int i : {0, 1}) {
            QVERIFY(!entries[i].contains(u"approved_by"));
            QVERIFY(!entries[i].contains(u"reason"));
        }
        QSqlQuery lines(f.store.database().handle());
        QVERIFY(lines.exec(QStringLiteral("SELECT approved_by, reason FROM report_refunds "
                                          "ORDER BY id")));
        for (int i : {2, 3}) {
            QVERIFY(lines.next());
            QCOMPARE(entries[i].value(u"approved_by").toString(), lines.value(0).toString());
            QCOMPARE(entries[i].value(u"reason").toString(), lines.value(1).toString());
        }
        QVERIFY(!lines.next());
        QCOMPARE(entries[2].value(u"approved_by").toString(), QStringLiteral("m1"));
        QCOMPARE(entries[2].value(u"reason").toString(), QStringLiteral("碎了 broken"));
        QCOMPARE(entries[3].value(u"approved_by").toString(), QStringLiteral("test"));
        QVERIFY(entries[3].value(u"reason").isString());

        // An order taken without a cashier says so: an empty text, not a missing key.
        NewOrder unnamed;
        unnamed.amountFen = 500;
        unnamed.subject = QStringLiteral("No cashier");
        QVERIFY(f.store.createOrder(unnamed).ok());
        outbox = f.store.pendingOutbox(10);
        const QJsonObject created = QJsonDocument::fromJson(outbox->last().payload).object();
        QVERIFY(created.value(u"cashier_id").isString());
        QCOMPARE(created.value(u"cashier_id").toString(), QString());
    }

    // Reconciliation records a refund the provider made that the till did not ask for (made
    // on the merchant platform): settled under the provider's number, the order's total raised
    // with its event, outbox row (carrying the number) and report line, all at once.
    void aRefundMadeAtTheProviderIsRecordedOnce() {
        Fixture f;
        const Order o = f.create(1000);
        f.move(o.outTradeNo, OrderState::Paid, TransitionSource::Poll);
        const qint64 outboxBefore = f.count(QStringLiteral("outbox"));
        const QJsonObject fields{{QStringLiteral("refund_status"), QStringLiteral("SUCCESS")}};
        Result<TransitionOutcome> r = f.store.recordProviderRefund(
            o.outTradeNo, QStringLiteral("PLATFORM_1"), 300, kMorning - kDayMs + 1000, fields);
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        QCOMPARE(*r, TransitionOutcome::Applied);
        Result<OrderWithEvents> after = f.store.orderWithEvents(o.outTradeNo);
        QVERIFY(after.ok());
        QCOMPARE(after->order.state, OrderState::PartiallyRefunded);
        QCOMPARE(after->order.refundedFen, 300);
        QCOMPARE(after->events.last().source, TransitionSource::Reconcile);
        QCOMPARE(after->events.last().actor, QStringLiteral("reconcile"));
        Result<QList<RefundRecord>> refunds = f.store.refunds(o.outTradeNo);
        QVERIFY(refunds.ok());
        QCOMPARE(refunds->size(), 1);
        QCOMPARE(refunds->at(0).outRequestNo, QStringLiteral("PLATFORM_1"));
        QCOMPARE(refunds->at(0).state, RefundRecordState::Succeeded);
        QCOMPARE(refunds->at(0).amountFen, 300);
        QCOMPARE(refunds->at(0).actor, QStringLiteral("reconcile"));
        // Dated by the provider's time, the day before it was recorded here, as its bill is.
        QCOMPARE(refunds->at(0).updatedAtMs, kMorning - kDayMs + 1000);
        QCOMPARE(refunds->at(0).createdAtMs, kMorning - kDayMs + 1000);
        QCOMPARE(f.count(QStringLiteral("outbox")), outboxBefore + 1);
        const QJsonObject entry =
            QJsonDocument::fromJson(f.store.pendingOutbox(10)->last().payload).object();
        QCOMPARE(entry.value(u"out_request_no").toString(), QStringLiteral("PLATFORM_1"));
        QCOMPARE(entry.value(u"refunded_fen").toString(), QStringLiteral("300"));
        QCOMPARE(entry.value(u"approved_by").toString(), QStringLiteral("reconcile"));
        QCOMPARE(entry.value(u"refunded_at_ms").toString(),
                 QString::number(kMorning - kDayMs + 1000));

        // Asked again (a rerun of the day): nothing more.
        QCOMPARE(*f.store.recordProviderRefund(o.outTradeNo, QStringLiteral("PLATFORM_1"), 300, {},
                                               fields),
                 TransitionOutcome::Duplicate);
        QCOMPARE(f.store.order(o.outTradeNo)->refundedFen, 300);
        QCOMPARE(f.count(QStringLiteral("outbox")), outboxBefore + 1);

        // A push counted the next one already (Alipay's refund notification names no refund):
        // it is written, the money is not counted twice, and nothing new is uploaded.
        f.move(o.outTradeNo, OrderState::PartiallyRefunded, TransitionSource::Push, 500);
        const qint64 outboxPushed = f.count(QStringLiteral("outbox"));
        QCOMPARE(*f.store.recordProviderRefund(o.outTradeNo, QStringLiteral("PLATFORM_2"), 200, {},
                                               fields),
                 TransitionOutcome::Applied);
        QCOMPARE(f.store.order(o.outTradeNo)->refundedFen, 500);
        QCOMPARE(f.count(QStringLiteral("outbox")), outboxPushed);
        QCOMPARE(f.store.refunds(o.outTradeNo)->size(), 2);
        QCOMPARE(f.store.orderWithEvents(o.outTradeNo)->events.last().source,
                 TransitionSource::Reconcile);

        // A refund asked for here and never seen to settle is settled by the provider's word,
        // of the provider's amount; the order is refunded in full.
        Result<RefundRecord> asked =
            f.store.beginRefund(o.outTradeNo, 500, QStringLiteral("rest"), QStringLiteral("m1"));
        QVERIFY(asked.ok());
        QCOMPARE(*f.store.recordProviderRefund(o.outTradeNo, asked->outRequestNo, 500, {}, fields),
                 TransitionOutcome::Applied);
        QCOMPARE(f.store.order(o.outTradeNo)->state, OrderState::Refunded);
        QCOMPARE(f.store.order(o.outTradeNo)->refundedFen, 1000);
        const QJsonObject last =
            QJsonDocument::fromJson(f.store.pendingOutbox(20)->last().payload).object();
        QCOMPARE(last.value(u"out_request_no").toString(), asked->outRequestNo);
        QCOMPARE(last.value(u"approved_by").toString(), QStringLiteral("m1"));
        QCOMPARE(last.value(u"reason").toString(), QStringLiteral("rest"));
    }

    void aProviderRefundTheTillCannotRecordIsRefusedAndWritesNothing() {
        Fixture f;
        const Order unpaid = f.create(800);
        const Order paid = f.create(900);
        f.move(paid.outTradeNo, OrderState::Paid, TransitionSource::Poll);
        Result<RefundRecord> failed =
            f.store.beginRefund(paid.outTradeNo, 100, QStringLiteral("x"), QStringLiteral("m1"));
        QVERIFY(failed.ok());
        QVERIFY(f.store.settleRefund(failed->outRequestNo, RefundRecordState::Failed, std::nullopt)
                    .ok());
        const Order other = f.create(600);
        f.move(other.outTradeNo, OrderState::Paid, TransitionSource::Poll);
        const qint64 refunds = f.count(QStringLiteral("refunds"));
        const qint64 events = f.count(QStringLiteral("order_events"));
        const auto refused = [&](const QString& no, const QString& requestNo, money::Fen fen) {
            Result<TransitionOutcome> r = f.store.recordProviderRefund(no, requestNo, fen, {}, {});
            return r.ok() ? QStringLiteral("accepted") : r.error().code;
        };
        QCOMPARE(refused(unpaid.outTradeNo, QStringLiteral("P1"), 100),
                 QStringLiteral("refund.not_paid"));
        QCOMPARE(refused(paid.outTradeNo, QStringLiteral("P1"), 0),
                 QStringLiteral("refund.amount"));
        QCOMPARE(refused(paid.outTradeNo, failed->outRequestNo, 100),
                 QStringLiteral("refund.failed_here"));
        QCOMPARE(refused(other.outTradeNo, failed->outRequestNo, 100),
                 QStringLiteral("refund.number_taken"));
        QCOMPARE(refused(QStringLiteral("S001_T01_20261123_99999999"), QStringLiteral("P1"), 100),
                 QStringLiteral("order.not_found"));
        QCOMPARE(f.count(QStringLiteral("refunds")), refunds);
        QCOMPARE(f.count(QStringLiteral("order_events")), events);
        QCOMPARE(f.store.order(paid.outTradeNo)->refundedFen, 0);
    }

    void failureMidTransactionLeavesNothing() {
        Fixture f;
        const Order o = f.create(1000);
        f.move(o.outTradeNo, OrderState::Pending, TransitionSource::Request);
        // Make the last write of the transaction fail.
        QSqlQuery q(f.store.database().handle());
        QVERIFY(q.exec(QStringLiteral("CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox "
                                      "BEGIN SELECT RAISE(ABORT, 'disk says no'); END")));
        OrderTransition t;
        t.outTradeNo = o.outTradeNo;
        t.to = OrderState::Paid;
        t.source = TransitionSource::Poll;
        Result<TransitionOutcome> r = f.store.apply(t);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("disk says no")));
        QCOMPARE(f.store.order(o.outTradeNo)->state, OrderState::Pending);
        QCOMPARE(f.count(QStringLiteral("order_events")), 2);
        QCOMPARE(f.count(QStringLiteral("daily_totals")), 0);
        NewOrder n;
        n.amountFen = 5;
        n.subject = QStringLiteral("x");
        QVERIFY(!f.store.createOrder(n).ok());
        QCOMPARE(f.count(QStringLiteral("orders")), 1);
        QVERIFY(q.exec(QStringLiteral("DROP TRIGGER fail_outbox")));
        QCOMPARE(*f.store.apply(t), TransitionOutcome::Applied);
        // The failed create did not burn a sequence number either.
        QCOMPARE(f.store.createOrder(n)->outTradeNo, QStringLiteral("S001_T01_20261123_00000002"));
    }

    void listsPagesAndFilters() {
        Fixture f;
        QStringList created;
        for (int i = 0; i < 25; ++i) {
            f.clock = kMorning + i * 60000;
            const Order o = f.create(100 + i, i % 2 ? Channel::WeChat : Channel::Alipay);
            created << o.outTradeNo;
            if (i % 3 == 0)
                f.move(o.outTradeNo, OrderState::Paid, TransitionSource::Request);
        }
        OrderFilter filter;
        filter.fromMs = kMorning;
        filter.toMs = kMorning + kDayMs;
        filter.limit = 10;
        QStringList listed;
        int pages = 0;
        for (;;) {
            Result<OrderPage> page = f.store.listOrders(filter);
            QVERIFY(page.ok());
            ++pages;
            for (const Order& o : page->orders)
                listed << o.outTradeNo;
            if (!page->next)
                break;
            filter.after = page->next;
        }
        QCOMPARE(pages, 3);
        QStringList newestFirst = created;
        std::reverse(newestFirst.begin(), newestFirst.end());
        QCOMPARE(listed, newestFirst);

        OrderFilter paid;
        paid.fromMs = kMorning;
        paid.toMs = kMorning + kDayMs;
        paid.states = {OrderState::Paid};
        QCOMPARE(f.store.listOrders(paid)->orders.size(), 9);
        paid.channel = Channel::WeChat;
        QCOMPARE(f.store.listOrders(paid)->orders.size(), 4); // i = 3, 9, 15, 21

        OrderFilter search;
        search.fromMs = kMorning;
        search.toMs = kMorning + kDayMs;
        search.search = QStringLiteral("00000017");
        Result<OrderPage> found = f.store.listOrders(search);
        QCOMPARE(found->orders.size(), 1);
        QCOMPARE(found->orders[0].outTradeNo, created[16]);
        search.search = created[4]; // a whole number is found over any range
        search.fromMs = 0;
        QCOMPARE(f.store.listOrders(search)->orders.size(), 1);
        OrderTransition withTradeNo;
        withTradeNo.outTradeNo = created[4];
        withTradeNo.to = OrderState::Paid;
        withTradeNo.source = TransitionSource::Poll;
        withTradeNo.providerTradeNo = QStringLiteral("2026112322001499990004");
        QCOMPARE(*f.store.apply(withTradeNo), TransitionOutcome::Applied);
        search.search = QStringLiteral("2026112322001499990004");
        QCOMPARE(f.store.listOrders(search)->orders.value(0).outTradeNo, created[4]);
        search.search = QStringLiteral("%"); // a LIKE wildcard is matched literally
        QCOMPARE(f.store.listOrders(search)->orders.size(), 0);

        OrderFilter earlier;
        earlier.fromMs = kMorning - kDayMs;
        earlier.toMs = kMorning;
        QCOMPARE(f.store.listOrders(earlier)->orders.size(), 0);
    }

    void dailyTotalsFollowEveryChange() {
        Fixture f;
        const Order a = f.create(1000, Channel::Alipay);
        const Order b = f.create(2000, Channel::WeChat);
        const Order c = f.create(500, Channel::Alipay);
        f.clock += kDayMs;
        const Order d = f.create(700, Channel::Alipay);
        f.move(a.outTradeNo, OrderState::Paid, TransitionSource::Request);
        f.move(b.outTradeNo, OrderState::Paid, TransitionSource::Push);
        f.move(c.outTradeNo, OrderState::Cancelled, TransitionSource::Cashier);
        f.move(d.outTradeNo, OrderState::Paid, TransitionSource::Request);
        f.move(a.outTradeNo, OrderState::PartiallyRefunded, TransitionSource::Request, 250);
        f.move(b.outTradeNo, OrderState::Refunded, TransitionSource::Request);
        // The cancelled order turns out paid after all: it counts.
        f.move(c.outTradeNo, OrderState::Paid, TransitionSource::Reconcile);

        Result<QList<DailyTotal>> totals = f.store.dailyTotals(20261123, 20261124);
        QVERIFY(totals.ok());
        QCOMPARE(totals->size(), 3);
        const DailyTotal& alipay23 = totals->at(0);
        QCOMPARE(alipay23.day, 20261123);
        QCOMPARE(alipay23.channel, Channel::Alipay);
        QCOMPARE(alipay23.paidCount, 2);
        QCOMPARE(alipay23.paidFen, 1500);
        QCOMPARE(alipay23.refundedFen, 250);
        QCOMPARE(alipay23.netFen(), 1250);
        const DailyTotal& wechat23 = totals->at(1);
        QCOMPARE(wechat23.channel, Channel::WeChat);
        QCOMPARE(wechat23.paidFen, 2000);
        QCOMPARE(wechat23.netFen(), 0);
        QCOMPARE(totals->at(2).day, 20261124);
        QCOMPARE(totals->at(2).paidFen, 700);
        QCOMPARE(f.store.dailyTotals(20261125, 20261130)->size(), 0);
    }

    void openOrdersAreWhatRecoveryNeeds() {
        Fixture f;
        const Order a = f.create(1);
        const Order b = f.create(2);
        const Order c = f.create(3);
        const Order d = f.create(4);
        f.move(b.outTradeNo, OrderState::Pending, TransitionSource::Request);
        f.move(c.outTradeNo, OrderState::Unknown, TransitionSource::Request);
        f.move(d.outTradeNo, OrderState::Paid, TransitionSource::Request);
        Result<QList<Order>> open = f.store.openOrders();
        QVERIFY(open.ok());
        QCOMPARE(open->size(), 3);
        QCOMPARE(open->at(0).outTradeNo, a.outTradeNo);
        QCOMPARE(open->at(1).state, OrderState::Pending);
        QCOMPARE(open->at(2).state, OrderState::Unknown);
    }

    void outboxIsConsumedInOrder() {
        Fixture f;
        const Order a = f.create(1);
        f.move(a.outTradeNo, OrderState::Paid, TransitionSource::Request);
        Result<QList<OutboxEntry>> batch = f.store.pendingOutbox(10);
        QCOMPARE(batch->size(), 2);
        QVERIFY(batch->at(0).eventId < batch->at(1).eventId);
        QVERIFY(batch->at(0).idempotencyKey != batch->at(1).idempotencyKey);
        QVERIFY(f.store.deferOutbox({batch->at(1).id}, f.clock + 60000).ok());
        QVERIFY(f.store.markOutboxSent({batch->at(0).id}).ok());
        QCOMPARE(f.store.pendingOutbox(10)->size(), 0);
        f.clock += 60000;
        batch = f.store.pendingOutbox(10);
        QCOMPARE(batch->size(), 1);
        QCOMPARE(batch->at(0).attempts, 1);
    }

    void queriesUseIndexes() {
        Fixture f;
        auto plan = [&f](const QString& sql) {
            QSqlQuery q(f.store.database().handle());
            q.exec(QStringLiteral("EXPLAIN QUERY PLAN ") + sql);
            QString text;
            while (q.next())
                text += q.value(3).toString() + u'\n';
            return text;
        };
        QVERIFY(plan(QStringLiteral("SELECT id FROM orders WHERE created_at_ms >= 1 AND "
                                    "created_at_ms < 2 ORDER BY created_at_ms DESC, id DESC "
                                    "LIMIT 51"))
                    .contains(QStringLiteral("orders_by_created")));
        QVERIFY(plan(QStringLiteral("SELECT id FROM orders WHERE state IN (0, 1, 2) ORDER BY "
                                    "created_at_ms, id"))
                    .contains(QStringLiteral("INDEX")));
        QVERIFY(plan(QStringLiteral("SELECT day FROM daily_totals WHERE day BETWEEN 1 AND 2"))
                    .contains(QStringLiteral("PRIMARY KEY")));
    }
};

QTEST_GUILESS_MAIN(TestOrderStore)
#include "tst_order_store.moc"
