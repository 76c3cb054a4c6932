#pragma once

#include "core/reconcile/ReconcileBatch.h"

#include <QDate>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

class QThread;

namespace qpos::reconcile {

class SqliteBatchStore;

struct BatchListReply {
    QString error; // translated; empty on success
    QList<StoredBatch> batches;
};

struct BatchItemsReply {
    QString error;
    std::optional<StoredBatch> batch; // empty: no such batch (any more)
    QList<StoredItem> items;
};

struct MarkHandledReply {
    QString error;
    QString errorCode; // e.g. "reconcile.already_resolved"
    qint64 itemId = 0;
};

// The till's reconciliation batches (SqliteBatchStore) on a thread of their own, so the GUI
// thread never waits on a query: every method returns at once, and the answer arrives as a
// signal in the thread that made this object, tagged with the caller's requestId. The
// database is opened on that thread at the first request (and again after a failed open).
class AsyncBatchStore : public QObject {
    Q_OBJECT

public:
    explicit AsyncBatchStore(const QString& dbPath, QObject* parent = nullptr);
    ~AsyncBatchStore() override; // waits for the request running, if any

    void loadBatches(const QString& requestId, const QDate& from, const QDate& to);
    // The batch as stored now, with its items.
    void loadItems(const QString& requestId, qint64 batchId);
    void markHandled(const QString& requestId, qint64 itemId, const QString& staffId,
                     const QString& note, qint64 atMs);

signals:
    void batchesLoaded(const QString& requestId, const qpos::reconcile::BatchListReply& reply);
    void itemsLoaded(const QString& requestId, const qpos::reconcile::BatchItemsReply& reply);
    void markedHandled(const QString& requestId, const qpos::reconcile::MarkHandledReply& reply);

private:
    class Worker;
    void post(std::function<void(Worker&)> job);

    QThread* m_thread = nullptr;
    Worker* m_worker = nullptr; // lives in m_thread
};

} // namespace qpos::reconcile

Q_DECLARE_METATYPE(qpos::reconcile::BatchListReply)
Q_DECLARE_METATYPE(qpos::reconcile::BatchItemsReply)
Q_DECLARE_METATYPE(qpos::reconcile::MarkHandledReply)
