#include "core/link/OutboxUploader.h"

#include "core/link/SyncBatch.h"
#include "core/logging/LogCategories.h"
#include "core/storage/OrderStore.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace qpos::link {

OutboxUploader::OutboxUploader(OrderStore& store, StoreServerHttp& http, Policy policy, Clock clock,
                               QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_http(http)
    , m_policy(policy)
    , m_clock(std::move(clock))
    , m_backoff(policy.backoff) {
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &OutboxUploader::uploadNext);
}

OutboxUploader::~OutboxUploader() = default;

void OutboxUploader::start() {
    refreshBacklog();
    schedule(0);
}

void OutboxUploader::nudge() {
    refreshBacklog();
    if (!m_sending && !m_backingOff)
        schedule(0);
}

void OutboxUploader::schedule(qint64 delayMs) {
    m_timer.start(std::chrono::milliseconds(std::max<qint64>(0, delayMs)));
}

void OutboxUploader::refreshBacklog() {
    if (const Result<OutboxBacklog> backlog = m_store.outboxBacklog()) {
        m_status.waitingRows = backlog->rows;
        m_status.waitingOrders = backlog->orders;
    }
    emit statusChanged(m_status);
}

void OutboxUploader::failed(const Error& error) {
    m_sending = false;
    m_backingOff = true;
    m_status.lastError = error.message;
    const qint64 wait = m_backoff.next();
    qCWarning(lcSync).noquote() << "outbox upload failed:" << error.code << "- next try in" << wait
                                << "ms";
    refreshBacklog();
    schedule(wait);
}

void OutboxUploader::uploadNext() {
    if (m_sending)
        return;
    Result<QList<OutboxEntry>> pending = m_store.pendingOutbox(int(kMaxSyncEntries));
    if (!pending) {
        failed(pending.error());
        return;
    }
    QList<OutboxEntry> rows = std::move(pending).value();
    if (rows.isEmpty()) {
        m_backingOff = false;
        refreshBacklog();
        schedule(m_policy.idleCheckMs);
        return;
    }
    // The protocol wants seq strictly increasing: oldest first.
    std::sort(rows.begin(), rows.end(),
              [](const OutboxEntry& a, const OutboxEntry& b) { return a.id < b.id; });

    SyncBatch batch;
    batch.terminal = m_http.endpoint().terminal;
    for (const OutboxEntry& row : std::as_const(rows))
        batch.entries << SyncEntry{row.id, QJsonDocument::fromJson(row.payload).object()};
    QByteArray body = encodeSyncBatch(batch);
    while (body.size() > kMaxSyncBodyBytes && batch.entries.size() > 1) {
        // Halve until it fits: the rest goes in the next batch.
        batch.entries.resize(std::max<qsizetype>(1, batch.entries.size() / 2));
        body = encodeSyncBatch(batch);
    }
    if (body.size() > kMaxSyncBodyBytes) {
        failed(Error{QStringLiteral("sync.entry_too_large"),
                     tr("An order change is too large to upload to the store server (outbox "
                        "row %1). Tell the till's supplier; the other changes wait behind it.")
                         .arg(batch.entries.constFirst().seq)});
        return;
    }

    m_sending = true;
    const qint64 first = batch.entries.constFirst().seq;
    const qint64 last = batch.entries.constLast().seq;
    QList<qint64> ids;
    for (const SyncEntry& entry : std::as_const(batch.entries))
        ids << entry.seq;
    m_http.post(QStringLiteral("/v1/sync"), body,
                [this, ids, first, last](const Result<StoreServerAnswer>& answer) {
                    if (!answer) {
                        failed(answer.error());
                        return;
                    }
                    if (answer->status != 200) {
                        const QString code = answer->errorCode();
                        failed(Error{QStringLiteral("sync.refused"),
                                     tr("The store server refused the order upload (HTTP %1 "
                                        "%2). The orders stay on this till and are sent again "
                                        "later; if it goes on, run qposctl doctor.")
                                         .arg(answer->status)
                                         .arg(code)});
                        return;
                    }
                    // The server's clock is compared with ours as the answer arrives, not after
                    // the durable commit below, which may take a while on a busy disk.
                    const qint64 now = m_clock();
                    const Result<SyncAnswer> decoded = decodeSyncAnswer(answer->body);
                    if (!decoded) {
                        failed(unreadableAnswer(m_http.endpoint().baseUrl));
                        return;
                    }
                    QList<qint64> stored;
                    for (qint64 id : ids) {
                        if (id <= decoded->storedSeq)
                            stored << id;
                    }
                    if (Status s = m_store.markOutboxSent(stored); !s) {
                        failed(s.error());
                        return;
                    }
                    m_status.clockDifferenceMs = decoded->serverTimeMs - now;
                    m_status.lastUploadAtMs = now;
                    m_status.lastError.clear();
                    m_sending = false;
                    qCInfo(lcSync) << "uploaded outbox rows" << first << "to" << last
                                   << "; the server holds up to" << decoded->storedSeq;
                    if (stored.isEmpty()) {
                        // The server kept none of them: do not ask again at once.
                        m_backingOff = true;
                        refreshBacklog();
                        schedule(m_backoff.next());
                        return;
                    }
                    m_backoff.reset();
                    m_backingOff = false;
                    refreshBacklog();
                    schedule(0);
                });
}

} // namespace qpos::link
