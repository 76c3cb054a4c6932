// Child process of tst_store_crash: applies order transitions in a loop on the database it is
// given and reports each one on stdout only after the call that applied it has returned. The
// test kills it with SIGKILL at random moments.
#include "core/storage/OrderStore.h"

#include <QCoreApplication>
#include <QRandomGenerator>

#include <cstdio>
#include <unistd.h>

using namespace qpos;

namespace {

void report(const QByteArray& line) {
    const QByteArray out = line + '\n';
    // Unbuffered: the parent must see exactly what returned before the kill.
    qsizetype done = 0;
    while (done < out.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, out.constData() + done, size_t(out.size() - done));
        if (n <= 0)
            std::_Exit(3);
        done += n;
    }
}

struct Step {
    OrderState to;
    TransitionSource source;
    money::Fen refunded;
};

QList<Step> pathFor(quint32 kind, money::Fen amount) {
    using S = OrderState;
    using Src = TransitionSource;
    switch (kind % 5) {
    case 0:
        return {{S::Pending, Src::Request, 0},
                {S::Paid, Src::Push, 0},
                {S::PartiallyRefunded, Src::Request, amount / 2},
                {S::Refunded, Src::Request, 0}};
    case 1:
        return {{S::Unknown, Src::Request, 0}, {S::Pending, Src::Poll, 0}, {S::Paid, Src::Poll, 0}};
    case 2:
        return {{S::Pending, Src::Request, 0}, {S::Cancelled, Src::Request, 0}};
    case 3:
        return {{S::Failed, Src::Request, 0}};
    default:
        return {{S::Paid, Src::Request, 0}};
    }
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: qpos_crash_writer DATABASE SEED\n");
        return 2;
    }
    QRandomGenerator rng(quint32(QByteArray(argv[2]).toUInt()));
    OrderStore store(OrderStoreOptions{QStringLiteral("CRASH"), QStringLiteral("T1"), {}});
    if (Status s = store.open(QString::fromLocal8Bit(argv[1])); !s.ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(s.error().message));
        return 1;
    }
    report("ready");
    for (;;) {
        NewOrder n;
        n.channel = rng.bounded(2) ? Channel::Alipay : Channel::WeChat;
        n.amountFen = 2 + rng.bounded(100000);
        n.subject = QStringLiteral("crash test");
        Result<Order> order = store.createOrder(n);
        if (!order) {
            std::fprintf(stderr, "%s\n", qPrintable(order.error().message));
            return 1;
        }
        // "A <order> <event number> <state>": the order's n-th event is durable.
        int eventNo = 1;
        report("A " + order->outTradeNo.toLatin1() + " 1 created");
        for (const Step& step : pathFor(rng.generate(), n.amountFen)) {
            OrderTransition t;
            t.outTradeNo = order->outTradeNo;
            t.to = step.to;
            t.source = step.source;
            if (step.refunded > 0)
                t.refundedFen = step.refunded;
            Result<TransitionOutcome> r = store.apply(t);
            if (!r || *r != TransitionOutcome::Applied) {
                std::fprintf(stderr, "apply failed\n");
                return 1;
            }
            ++eventNo;
            report("A " + order->outTradeNo.toLatin1() + ' ' + QByteArray::number(eventNo) + ' ' +
                   orderStateName(step.to).toLatin1());
        }
    }
}
