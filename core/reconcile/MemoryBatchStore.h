#pragma once

#include "core/reconcile/BatchStore.h"

#include <QList>

namespace qpos::reconcile {

// A BatchStore in memory, with every rule of the interface: for tests, and for a caller
// without a database (a one-off check whose batches need not outlive the process).
class MemoryBatchStore final : public BatchStore {
public:
    Result<HoldingPool> poolBefore(const LedgerScope& scope, const QDate& day) override;
    Result<qint64> saveCompleted(const CompletedRun& run) override;
    Result<qint64> saveIncomplete(const LedgerScope& scope, const QDate& day, BatchState state,
                                  const QString& error, qint64 atMs) override;

    Result<QList<StoredBatch>> batches(const QDate& from, const QDate& to) override;
    Result<std::optional<StoredBatch>> batch(qint64 batchId) override;
    Result<QList<StoredItem>> items(qint64 batchId) override;
    Status markHandled(qint64 itemId, const QString& staffId, const QString& note,
                       qint64 atMs) override;
    Status resolveAutomatically(qint64 itemId, const QString& evidence, qint64 atMs) override;

    static constexpr int kMaxNoteLength = 500; // as SqliteBatchStore

private:
    struct Entry {
        StoredBatch batch;
        QList<StoredItem> items;
        HoldingPool pool; // Complete or NoBill: what the run left
    };

    Entry* find(const LedgerScope& scope, const QDate& day);
    Entry& findOrCreate(const LedgerScope& scope, const QDate& day, qint64 atMs);
    static void recount(Entry& entry);

    QList<Entry> m_entries;
    qint64 m_nextBatchId = 1;
    qint64 m_nextItemId = 1;
};

} // namespace qpos::reconcile
