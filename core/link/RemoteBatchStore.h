#pragma once

#include "core/link/StoreServerHttp.h"
#include "core/reconcile/BatchSource.h"

namespace qpos::link {

// The store's reconciliation batches, every till's, through the store server's API
// (docs/server-protocol.md, "Reconciliation"), signed with this till's credentials. An answer is
// read strictly: a malformed or cut one is an error (link.unreadable_answer), never part of a
// list. Requests go out from the thread that made the object and never block it.
class RemoteBatchStore : public reconcile::BatchSource {
    Q_OBJECT

public:
    RemoteBatchStore(StoreServerEndpoint endpoint, StoreServerHttp::Clock clock,
                     QObject* parent = nullptr);
    ~RemoteBatchStore() override;

    const QUrl& serverUrl() const { return m_http.endpoint().baseUrl; }

    Origin origin() const override { return Origin::StoreServer; }
    void loadBatches(const QString& requestId, const QDate& from, const QDate& to) override;
    void loadItems(const QString& requestId, qint64 batchId) override;
    // The server dates the note by its own clock; `atMs` is not sent.
    void markHandled(const QString& requestId, qint64 itemId, const QString& staffId,
                     const QString& note, qint64 atMs) override;

    // A batch's differences are not paged: room for a bill's worth of them.
    static constexpr qint64 kMaxAnswerBytes = 32 * 1024 * 1024;

private:
    StoreServerHttp m_http;
};

} // namespace qpos::link
