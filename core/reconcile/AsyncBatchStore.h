#pragma once

#include "core/reconcile/BatchSource.h"

#include <functional>

class QThread;

namespace qpos::reconcile {

// The till's reconciliation batches (SqliteBatchStore) on a thread of their own, so the GUI
// thread never waits on a query. The database is opened on that thread at the first request
// (and again after a failed open).
class AsyncBatchStore : public BatchSource {
    Q_OBJECT

public:
    explicit AsyncBatchStore(const QString& dbPath, QObject* parent = nullptr);
    ~AsyncBatchStore() override; // waits for the request running, if any

    Origin origin() const override { return Origin::ThisTill; }
    void loadBatches(const QString& requestId, const QDate& from, const QDate& to) override;
    void loadItems(const QString& requestId, qint64 batchId) override;
    void markHandled(const QString& requestId, qint64 itemId, const QString& staffId,
                     const QString& note, qint64 atMs) override;

private:
    class Worker;
    void post(std::function<void(Worker&)> job);

    QThread* m_thread = nullptr;
    Worker* m_worker = nullptr; // lives in m_thread
};

} // namespace qpos::reconcile
