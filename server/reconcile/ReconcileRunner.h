#pragma once

#include "core/orders/Channel.h"
#include "core/reconcile/BatchStore.h"
#include "core/reconcile/DailyReconciliation.h"

#include <QDate>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>

#include <functional>

namespace qpos::gateway {
class PaymentGateway;
}

namespace qpos::server {

struct ReconcileRunOptions {
    QDate day;                     // the bill's China date
    QList<Channel> providers;      // in this order
    bool wait = false;             // a bill not made yet is asked for again until the deadline
    qint64 retryMs = 600 * 1000;   // between tries while waiting
    qint64 deadlineMs = 0;         // UTC: a bill still not made then is Overdue
    QString billDirectory;         // where the bills are kept
    std::function<qint64()> nowMs; // empty: the system clock
    // Asked about every item reconcile::janitorAsks() names (ServerJanitor); null: none is.
    reconcile::ReconcileJanitor* janitor = nullptr;
};

// The store server's reconciliation of one day: each provider's DailyReconciliation in turn,
// over the server's ledger and batches, with the options' Janitor (ServerJanitor: the server
// never moves a till's ledger itself, it asks the till to settle from its provider). With `wait`, a
// bill the provider has not made yet is asked for again every retryMs; the try at or after the
// deadline saves Overdue, the alert. Ends with finished() once.
class ReconcileRunner : public QObject {
    Q_OBJECT

public:
    ReconcileRunner(QMap<Channel, gateway::PaymentGateway*> gateways,
                    reconcile::ReconcileLedger& ledger, reconcile::BatchStore& batches,
                    QMap<Channel, QString> merchants, ReconcileRunOptions options,
                    QObject* parent = nullptr);

    void start();

    // 0: the batch is complete (or there was no bill that day); 3: the bill is not made yet
    // (waiting or overdue); 1: the run failed. A run of several providers ends with 1 if any
    // failed, else the largest.
    static int exitCodeOf(reconcile::BatchState state);

signals:
    // Each try's outcome, retries included.
    void tried(qpos::Channel provider, const qpos::reconcile::DailyRunOutcome& outcome);
    void finished(int exitCode);

private:
    void runCurrent();
    void onFinished(const reconcile::DailyRunOutcome& outcome);
    qint64 now() const;

    QMap<Channel, gateway::PaymentGateway*> m_gateways;
    reconcile::ReconcileLedger& m_ledger;
    reconcile::BatchStore& m_batches;
    QMap<Channel, QString> m_merchants;
    ReconcileRunOptions m_options;
    qsizetype m_next = 0;
    int m_exitCode = 0;
    reconcile::DailyReconciliation* m_run = nullptr;
};

} // namespace qpos::server
