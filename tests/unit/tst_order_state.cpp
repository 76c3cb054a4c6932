#include "core/orders/OrderStateMachine.h"

#include <QSet>
#include <QTest>

using namespace qpos;

namespace {

using S = OrderState;
using Src = TransitionSource;

struct Allowed {
    S from;
    S to;
    QList<Src> sources;
};

// The expected table, written out independently of the implementation: every (from, to,
// source) triple not listed here must be refused.
const QList<Allowed>& expectedTable() {
    static const QList<Src> providerSays{Src::Request, Src::Poll, Src::Push, Src::Recovery,
                                         Src::Reconcile};
    static const QList<Src> queryAnswer{Src::Poll, Src::Recovery};
    // A cash refund is recorded by the till itself as the money leaves the drawer.
    static const QList<Src> refundNews{Src::Request,  Src::Poll,      Src::Push,
                                       Src::Recovery, Src::Reconcile, Src::Cash};
    static const QList<Src> moneyFound{Src::Poll, Src::Push, Src::Recovery, Src::Reconcile};
    static const QList<Allowed> table{
        {S::Created, S::Pending, {Src::Request, Src::Poll, Src::Recovery}},
        {S::Created, S::Unknown, {Src::Request}},
        {S::Created, S::Failed, {Src::Request, Src::Poll, Src::Recovery}},
        {S::Created, S::Paid, providerSays + QList<Src>{Src::Cash}}, // a cash sale
        {S::Created, S::Cancelled, {Src::Cashier, Src::Request, Src::Poll, Src::Recovery}},
        {S::Pending, S::Paid, providerSays},
        {S::Pending,
         S::Cancelled,
         {Src::Request, Src::Poll, Src::Push, Src::Recovery, Src::Reconcile}},
        {S::Pending, S::Failed, {Src::Request, Src::Poll, Src::Recovery}},
        {S::Pending, S::Unknown, {Src::Request}},
        {S::Unknown, S::Pending, queryAnswer},
        {S::Unknown, S::Paid, queryAnswer},
        {S::Unknown, S::Cancelled, queryAnswer},
        {S::Unknown, S::Failed, queryAnswer},
        {S::Paid, S::PartiallyRefunded, refundNews},
        {S::Paid, S::Refunded, refundNews},
        {S::PartiallyRefunded, S::PartiallyRefunded, refundNews},
        {S::PartiallyRefunded, S::Refunded, refundNews},
        {S::Cancelled, S::Paid, moneyFound},
        {S::Failed, S::Paid, moneyFound},
    };
    return table;
}

bool expectedAllowed(S from, S to, Src source) {
    for (const Allowed& a : expectedTable()) {
        if (a.from == from && a.to == to)
            return a.sources.contains(source);
    }
    return false;
}

} // namespace

class TestOrderState : public QObject {
    Q_OBJECT

private slots:
    void everyTriple_data() {
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("to");
        QTest::addColumn<int>("source");
        QTest::addColumn<bool>("allowed");
        for (S from : kAllOrderStates) {
            for (S to : kAllOrderStates) {
                for (Src source : kAllTransitionSources) {
                    const QByteArray name =
                        (orderStateName(from) + QStringLiteral("->") + orderStateName(to) +
                         QStringLiteral(" by ") + transitionSourceName(source))
                            .toUtf8();
                    QTest::newRow(name.constData())
                        << int(from) << int(to) << int(source) << expectedAllowed(from, to, source);
                }
            }
        }
    }

    void everyTriple() {
        QFETCH(int, from);
        QFETCH(int, to);
        QFETCH(int, source);
        QFETCH(bool, allowed);
        const S f = S(from);
        const S t = S(to);
        const Src src = Src(source);
        QCOMPARE(OrderStateMachine::isAllowed(f, t, src), allowed);
        const Status status = OrderStateMachine::check(f, t, src);
        QCOMPARE(status.ok(), allowed);
        if (!allowed) {
            QCOMPARE(status.error().code, QStringLiteral("order.illegal_transition"));
            // The message names both states so the log says exactly what was refused.
            QVERIFY(status.error().message.contains(orderStateName(f)));
            QVERIFY(status.error().message.contains(orderStateName(t)));
            QVERIFY(status.error().message.contains(transitionSourceName(src)));
        }
    }

    void tripleCountIsComplete() {
        QCOMPARE(int(kAllOrderStates.size()), 8);
        QCOMPARE(int(kAllTransitionSources.size()), 7);
    }

    void unknownLeavesOnlyThroughAQuery() {
        for (S to : kAllOrderStates) {
            for (Src source : {Src::Cashier, Src::Request, Src::Push, Src::Reconcile})
                QVERIFY(!OrderStateMachine::isAllowed(S::Unknown, to, source));
        }
    }

    void refundedIsTerminal() {
        for (S to : kAllOrderStates) {
            for (Src source : kAllTransitionSources)
                QVERIFY(!OrderStateMachine::isAllowed(S::Refunded, to, source));
        }
    }

    void cashierCannotDecideAPayment() {
        for (S from : kAllOrderStates) {
            for (S to : kAllOrderStates) {
                if (from == S::Created && to == S::Cancelled)
                    continue;
                QVERIFY(!OrderStateMachine::isAllowed(from, to, Src::Cashier));
            }
        }
    }

    void cashOnlyPaysAndRefunds() {
        // Cash never leaves Unknown/Pending/Cancelled: it has no provider to ask.
        for (S from : {S::Pending, S::Unknown, S::Cancelled, S::Failed}) {
            for (S to : kAllOrderStates)
                QVERIFY(!OrderStateMachine::isAllowed(from, to, Src::Cash));
        }
        QCOMPARE(transitionSourceName(Src::Cash), QStringLiteral("cash"));
    }

    void namesRoundTrip() {
        QSet<QString> seen;
        for (S s : kAllOrderStates) {
            QCOMPARE(orderStateFromName(orderStateName(s)), s);
            QVERIFY(!seen.contains(orderStateName(s)));
            seen.insert(orderStateName(s));
            QVERIFY(!orderStateLabel(s).isEmpty());
        }
        for (Src s : kAllTransitionSources)
            QCOMPARE(transitionSourceFromName(transitionSourceName(s)), s);
        QVERIFY(!orderStateFromName(u"PAID").has_value());
        QVERIFY(!transitionSourceFromName(u"").has_value());
    }

    void recoveryCoversOpenStates() {
        QVERIFY(needsRecovery(S::Created));
        QVERIFY(needsRecovery(S::Pending));
        QVERIFY(needsRecovery(S::Unknown));
        for (S s : {S::Paid, S::PartiallyRefunded, S::Refunded, S::Cancelled, S::Failed}) {
            QVERIFY(!needsRecovery(s));
            QVERIFY(isFinal(s));
        }
    }
};

QTEST_GUILESS_MAIN(TestOrderState)
#include "tst_order_state.moc"
