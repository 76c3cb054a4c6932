#pragma once

#include "core/reconcile/BatchStore.h"
#include "core/reconcile/ReconcileJanitor.h"
#include "core/reconcile/ReconcileLedger.h"

#include <QDate>
#include <QObject>
#include <QString>

#include <optional>

namespace qpos::gateway {
class PaymentGateway;
}

namespace qpos::reconcile {

struct DailyRunOptions {
    // Where the raw bill files are kept (created when missing), named
    // <provider>-<merchant>-<yyyy-MM-dd>.<zip|csv.gz>; empty: not kept, only their hash.
    QString billDirectory;
    // A bill still not made at or after this UTC time gives Overdue instead of WaitingForBill.
    std::optional<qint64> deadlineMs;
};

struct DailyRunOutcome {
    BatchState state = BatchState::Failed;
    qint64 batchId = 0;
    qint64 itemCount = 0;
    qint64 openItemCount = 0;
    QString message; // translated: what happened and, unless Complete, what next
};

// One provider's reconciliation of one China day (docs/reconciliation.md, "Runs"):
// downloads the bill, keeps the raw file, matches it against the ledger with the pool the
// previous day left, asks the Janitor about every item janitorAsks() names, and saves the
// batch. A day the provider has no bill of is matched as an empty bill and saved as NoBill. A
// bill not made yet is saved as WaitingForBill (Overdue past the deadline): the caller runs
// again later. Lives in the gateway's thread; ends with finished(), once.
class DailyReconciliation : public QObject {
    Q_OBJECT

public:
    DailyReconciliation(gateway::PaymentGateway& gateway, ReconcileLedger& ledger,
                        BatchStore& store, ReconcileJanitor* janitor, LedgerScope scope, QDate day,
                        DailyRunOptions options, QObject* parent = nullptr);
    ~DailyReconciliation() override;

    void start();

signals:
    void finished(const qpos::reconcile::DailyRunOutcome& outcome);

private:
    struct Run;
    std::unique_ptr<Run> m_run;
};

} // namespace qpos::reconcile
