#pragma once

#include "core/common/Result.h"
#include "core/link/SyncBatch.h"
#include "core/link/TerminalIdentity.h"
#include "server/storage/ServerRecords.h"

#include <QList>

#include <variant>

namespace qpos::server {

// Why a batch was refused, with the HTTP status it is answered with.
struct SyncRefusal {
    int status = 400;
    Error error;
};

// Reads every entry of an uploaded batch into what the store takes (docs/server-protocol.md,
// "Outbox upload"): all of the batch or none of it. An entry must be an order event of
// `terminal` itself; its integers are canonical decimal strings, the amounts within money's
// range and the refunded part never above the amount; the people it names (cashier_id,
// approved_by, reason), absent from older tills, are texts.
std::variant<QList<SyncedEntry>, SyncRefusal>
readSyncedEntries(const link::SyncBatch& batch, const link::TerminalIdentity& terminal);

} // namespace qpos::server
