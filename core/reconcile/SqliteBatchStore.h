#pragma once

#include "core/reconcile/BatchStore.h"
#include "core/storage/Database.h"

#include <QString>

#include <memory>

namespace qpos::reconcile {

// Reconciliation batches in the till's order database (tables reconcile_batches,
// reconcile_items and reconcile_pool, schema 9): its own connection (WAL lets the till keep
// writing), prepared statements only, one transaction per write. open() brings an older
// database up to date like OrderStore does. Use from the thread that called open().
class SqliteBatchStore final : public BatchStore {
public:
    SqliteBatchStore();
    ~SqliteBatchStore() override;
    SqliteBatchStore(const SqliteBatchStore&) = delete;
    SqliteBatchStore& operator=(const SqliteBatchStore&) = delete;

    Status open(const QString& dbPath);
    void close();

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

    // The longest note a manager may give (the server API's limit too).
    static constexpr int kMaxNoteLength = 500;

private:
    Status checkItemOpen(qint64 itemId);
    struct Statements;
    struct Existing;
    Status prepareStatements();
    Result<std::optional<Existing>> existing(const LedgerScope& scope, const QDate& day);
    Result<HoldingPool> poolOf(qint64 batchId);
    Status writePool(qint64 batchId, const HoldingPool& pool);
    Result<qint64> countAttempt(WriteTransaction& tx, qint64 batchId, qint64 atMs);
    Result<qint64> writeBatch(const std::optional<Existing>& before, const LedgerScope& scope,
                              const QDate& day, BatchState state, const BatchTotals& totals,
                              const QString& billSha256, const QString& billFile,
                              const QString& error, qint64 atMs);

    Database m_db;
    std::unique_ptr<Statements> m_sql;
};

} // namespace qpos::reconcile
