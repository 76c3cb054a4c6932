#pragma once

#include "core/common/Result.h"
#include "core/reconcile/ReconcileBatch.h"
#include "core/reconcile/ReconcileLedger.h"

#include <QDate>
#include <QList>
#include <QString>

#include <optional>

namespace qpos::reconcile {

// What a finished run hands to the store.
struct CompletedRun {
    // Complete: the bill was matched. NoBill: the provider said it has no bill of the day, and
    // the day was matched as an empty bill (no file, no hash).
    BatchState state = BatchState::Complete;
    ReconcileResult result;
    // Per item of result.items, in the same order: the Janitor's verdict (Open or Automatic,
    // with its evidence).
    QList<ItemResolution> resolutions;
    QList<QString> evidence;
    QString billSha256;
    QString billFile;
    qint64 atMs = 0;
};

// Where reconciliation batches live: the till's order database (SqliteBatchStore) or the
// store server's database. Every write is one transaction.
//
// Running a date again is safe: there is one batch per (provider, merchant, day). Saving a
// run replaces the batch's totals and items; an item a manager already marked handled keeps
// its note when the run finds the same difference again (same class, out_trade_no, request
// number). A complete batch is never replaced by a run without a bill (no bill, waiting,
// overdue, failed), nor a no-bill batch by one that matched nothing (waiting, overdue,
// failed): its items, its pool and the managers' notes stay.
class BatchStore {
public:
    virtual ~BatchStore() = default;

    // The holding pool the latest Complete or NoBill batch before `day` left (empty when
    // none): the next run's input.
    virtual Result<HoldingPool> poolBefore(const LedgerScope& scope, const QDate& day) = 0;
    // A matched run, Complete or NoBill (run.state).
    virtual Result<qint64> saveCompleted(const CompletedRun& run) = 0;
    // A run that matched nothing (WaitingForBill, Overdue, Failed): no items, no pool.
    virtual Result<qint64> saveIncomplete(const LedgerScope& scope, const QDate& day,
                                          BatchState state, const QString& error, qint64 atMs) = 0;

    // Batches whose day is in [from, to], newest day first.
    virtual Result<QList<StoredBatch>> batches(const QDate& from, const QDate& to) = 0;
    virtual Result<std::optional<StoredBatch>> batch(qint64 batchId) = 0;
    virtual Result<QList<StoredItem>> items(qint64 batchId) = 0;
    // A manager settles an item by hand. An item already Automatic or Handled is refused
    // (Error code "reconcile.already_resolved").
    virtual Status markHandled(qint64 itemId, const QString& staffId, const QString& note,
                               qint64 atMs) = 0;
    // The Janitor settles an item after the batch was saved (the store server's settle
    // request answered later by the till): Automatic with its evidence, resolved by "janitor".
    // An item already Automatic or Handled is refused (reconcile.already_resolved).
    virtual Status resolveAutomatically(qint64 itemId, const QString& evidence, qint64 atMs) = 0;
};

} // namespace qpos::reconcile
