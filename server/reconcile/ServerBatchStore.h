#pragma once

#include "core/reconcile/BatchStore.h"

namespace qpos::server {

class ServerStore;

// The store server's reconciliation batches (tables reconcile_batches, reconcile_items and
// reconcile_pool, schema 3 of both databases), through the server's store: one SQL for SQLite
// and PostgreSQL, every write one transaction. Several instances may share a PostgreSQL
// database: a save first creates the day's batch row if missing, then locks it, so two runs of
// one day wait for each other instead of failing. Use from the thread that opened the store.
class ServerBatchStore final : public reconcile::BatchStore {
public:
    explicit ServerBatchStore(ServerStore& store);

    Result<reconcile::HoldingPool> poolBefore(const reconcile::LedgerScope& scope,
                                              const QDate& day) override;
    Result<qint64> saveCompleted(const reconcile::CompletedRun& run) override;
    Result<qint64> saveIncomplete(const reconcile::LedgerScope& scope, const QDate& day,
                                  reconcile::BatchState state, const QString& error,
                                  qint64 atMs) override;

    Result<QList<reconcile::StoredBatch>> batches(const QDate& from, const QDate& to) override;
    Result<std::optional<reconcile::StoredBatch>> batch(qint64 batchId) override;
    Result<QList<reconcile::StoredItem>> items(qint64 batchId) override;
    // One item by its id (the API's answer after marking it).
    Result<std::optional<reconcile::StoredItem>> item(qint64 itemId);
    Status markHandled(qint64 itemId, const QString& staffId, const QString& note,
                       qint64 atMs) override;
    Status resolveAutomatically(qint64 itemId, const QString& evidence, qint64 atMs) override;
    // An open item's evidence, replaced (the till's answer to a settle request that did not
    // settle it); an item already resolved keeps its own.
    Status setOpenEvidence(qint64 itemId, const QString& evidence);
    // The open items of one trade the Janitor is asked about (reconcile::janitorAsks: status,
    // provider_only, a refund the bill lists), in every batch (the items a settle request
    // answered later may resolve).
    Result<QList<reconcile::StoredItem>> openJanitorItems(Channel provider,
                                                          const QString& outTradeNo);

    // How many batches there are of each provider and state ("alipay", "overdue") → count.
    Result<QMap<QPair<QString, QString>, qint64>> countsByState();

    // The longest note a manager may give.
    static constexpr int kMaxNoteLength = 500;

private:
    ServerStore& m_store;
};

} // namespace qpos::server
