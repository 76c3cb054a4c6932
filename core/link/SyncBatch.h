#pragma once

#include "core/common/Result.h"
#include "core/link/TerminalIdentity.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>

namespace qpos::link {

// One upload of a till's outbox to the store backend (docs/server-protocol.md, "Outbox
// upload").

inline constexpr qsizetype kMaxSyncEntries = 100;
inline constexpr qsizetype kMaxSyncBodyBytes = 64 * 1024;

struct SyncEntry {
    qint64 seq = 0;      // the outbox row's id
    QJsonObject payload; // the outbox row's payload, as stored
};

struct SyncBatch {
    TerminalIdentity terminal;
    QList<SyncEntry> entries; // seq strictly increasing
};

struct SyncAnswer {
    qint64 storedSeq = 0; // the highest seq of this terminal the server holds
    qint64 serverTimeMs = 0;
};

QByteArray encodeSyncBatch(const SyncBatch& batch);
// Errors: sync.malformed (with what is wrong), sync.too_large.
Result<SyncBatch> decodeSyncBatch(QByteArrayView body);

QByteArray encodeSyncAnswer(const SyncAnswer& answer);
// Errors: sync.malformed_answer.
Result<SyncAnswer> decodeSyncAnswer(QByteArrayView body);

} // namespace qpos::link
