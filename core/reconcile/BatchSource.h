#pragma once

#include "core/reconcile/ReconcileBatch.h"

#include <QDate>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <optional>

namespace qpos::reconcile {

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

// Where the manager's reconciliation screen reads and settles batches: this till's own
// database (AsyncBatchStore) or the store server's API for every till of the store
// (link::RemoteBatchStore). Every method returns at once; the answer arrives as a signal in the
// thread that made the object, tagged with the caller's requestId, so the GUI thread never
// waits on a query or the network.
class BatchSource : public QObject {
    Q_OBJECT

public:
    enum class Origin { ThisTill, StoreServer };

    using QObject::QObject;

    virtual Origin origin() const = 0;
    virtual void loadBatches(const QString& requestId, const QDate& from, const QDate& to) = 0;
    // The batch as stored now, with its items.
    virtual void loadItems(const QString& requestId, qint64 batchId) = 0;
    // `atMs` dates the note where the source keeps the till's clock; the store server dates it
    // by its own.
    virtual void markHandled(const QString& requestId, qint64 itemId, const QString& staffId,
                             const QString& note, qint64 atMs) = 0;

signals:
    void batchesLoaded(const QString& requestId, const qpos::reconcile::BatchListReply& reply);
    void itemsLoaded(const QString& requestId, const qpos::reconcile::BatchItemsReply& reply);
    void markedHandled(const QString& requestId, const qpos::reconcile::MarkHandledReply& reply);
};

} // namespace qpos::reconcile

Q_DECLARE_METATYPE(qpos::reconcile::BatchListReply)
Q_DECLARE_METATYPE(qpos::reconcile::BatchItemsReply)
Q_DECLARE_METATYPE(qpos::reconcile::MarkHandledReply)
