#pragma once

#include "core/common/Result.h"
#include "core/reconcile/ReconcileBatch.h"

#include <QJsonObject>

namespace qpos::reconcile {

// Batches and items as the store server's API and `qposctl --json` carry them
// (docs/reconciliation.md): snake_case keys, days "yyyy-MM-dd", amounts integer fen, enums by
// their stable names, an unknown amount as an absent key, the fee as a decimal string in yuan
// exactly as money::formatSubFenYuan prints it.
QJsonObject batchToJson(const StoredBatch& batch);
QJsonObject itemToJson(const StoredItem& item);

// Strict: a missing or ill-typed key, or an unknown name, is an error (code
// "reconcile.bad_json") naming the key. Keys not in the format are ignored.
Result<StoredBatch> batchFromJson(const QJsonObject& json);
Result<StoredItem> itemFromJson(const QJsonObject& json);

} // namespace qpos::reconcile
