#include "core/reconcile/AsyncBatchStore.h"

#include "core/reconcile/SqliteBatchStore.h"

#include <QThread>

namespace qpos::reconcile {

class AsyncBatchStore::Worker : public QObject {
public:
    Worker(AsyncBatchStore* owner, QString dbPath)
        : m_owner(owner)
        , m_path(std::move(dbPath)) {}

    AsyncBatchStore* owner() const { return m_owner; }

    // The open store, or why it could not be opened.
    SqliteBatchStore* store(QString& error) {
        if (m_open)
            return &m_store;
        const Status opened = m_store.open(m_path);
        if (!opened.ok()) {
            error = opened.error().message;
            return nullptr;
        }
        m_open = true;
        return &m_store;
    }

private:
    AsyncBatchStore* m_owner;
    QString m_path;
    SqliteBatchStore m_store;
    bool m_open = false;
};

AsyncBatchStore::AsyncBatchStore(const QString& dbPath, QObject* parent)
    : BatchSource(parent) {
    qRegisterMetaType<BatchListReply>();
    qRegisterMetaType<BatchItemsReply>();
    qRegisterMetaType<MarkHandledReply>();
    m_worker = new Worker(this, dbPath);
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("reconcile-store"));
    m_worker->moveToThread(m_thread);
    // The worker and its connection end on their own thread.
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
}

AsyncBatchStore::~AsyncBatchStore() {
    m_thread->quit();
    m_thread->wait();
}

void AsyncBatchStore::post(std::function<void(Worker&)> job) {
    Worker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, job = std::move(job)] { job(*worker); }, Qt::QueuedConnection);
}

void AsyncBatchStore::loadBatches(const QString& requestId, const QDate& from, const QDate& to) {
    post([requestId, from, to](Worker& w) {
        BatchListReply reply;
        if (SqliteBatchStore* store = w.store(reply.error)) {
            if (Result<QList<StoredBatch>> found = store->batches(from, to))
                reply.batches = *found;
            else
                reply.error = found.error().message;
        }
        emit w.owner()->batchesLoaded(requestId, reply);
    });
}

void AsyncBatchStore::loadItems(const QString& requestId, qint64 batchId) {
    post([requestId, batchId](Worker& w) {
        BatchItemsReply reply;
        if (SqliteBatchStore* store = w.store(reply.error)) {
            Result<std::optional<StoredBatch>> batch = store->batch(batchId);
            Result<QList<StoredItem>> items = store->items(batchId);
            if (!batch)
                reply.error = batch.error().message;
            else if (!items)
                reply.error = items.error().message;
            else {
                reply.batch = *batch;
                reply.items = *items;
            }
        }
        emit w.owner()->itemsLoaded(requestId, reply);
    });
}

void AsyncBatchStore::markHandled(const QString& requestId, qint64 itemId, const QString& staffId,
                                  const QString& note, qint64 atMs) {
    post([requestId, itemId, staffId, note, atMs](Worker& w) {
        MarkHandledReply reply;
        reply.itemId = itemId;
        if (SqliteBatchStore* store = w.store(reply.error)) {
            const Status s = store->markHandled(itemId, staffId, note, atMs);
            if (!s.ok()) {
                reply.error = s.error().message;
                reply.errorCode = s.error().code;
            }
        } else {
            reply.errorCode = QStringLiteral("reconcile.store_closed");
        }
        emit w.owner()->markedHandled(requestId, reply);
    });
}

} // namespace qpos::reconcile
