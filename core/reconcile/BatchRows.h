#pragma once

#include "core/common/Result.h"
#include "core/money/Money.h"
#include "core/reconcile/ReconcileBatch.h"
#include "core/reconcile/ReconcileLedger.h"

#include <QDate>
#include <QString>
#include <QVariant>

#include <optional>

class QSqlQuery;

namespace qpos::reconcile {

// The rows of reconcile_batches, reconcile_items and reconcile_pool, read and written the same
// way by every SQL batch store: the till's (SqliteBatchStore) and the store server's
// (ServerBatchStore, on SQLite or PostgreSQL). Portable SQL only.

// The batch columns, in batchFromRow()'s order, for "SELECT <these> FROM reconcile_batches b".
QString batchColumnsSql();
// Every item with its batch's provider, in itemFromRow()'s order; the caller adds its WHERE.
QString itemSelectSql();

StoredBatch batchFromRow(const QSqlQuery& q);
StoredItem itemFromRow(const QSqlQuery& q);

QString dayText(const QDate& day);
// A null QString binds as SQL NULL; the text columns are NOT NULL DEFAULT ''.
QString notNull(const QString& text);
QVariant optionalFen(const std::optional<money::Fen>& fen);

QString poolKindName(PoolKind kind);
PoolKind poolKindFromName(const QString& name);

// What makes a handled item the same difference when the day is run again.
QString sameDifferenceKey(const QString& kind, const QString& outTradeNo,
                          const QString& outRequestNo);

// A manager's note, carried over to the same difference when the day is run again.
struct HandledNote {
    QString note;
    QString resolvedBy;
    qint64 resolvedAtMs = 0;
};

// reconcile.no_such_item and reconcile.already_resolved, as every store says them.
Error noSuchItem(qint64 itemId);
Error alreadyResolved(qint64 itemId, ItemResolution resolution);
// Who resolves an item automatically.
inline constexpr QLatin1StringView kJanitor("janitor");

// reconcile.bad_input with `message`.
Error badBatchInput(const QString& message);
// A batch belongs to a provider (not cash) and a valid day.
Status checkBatchScope(const LedgerScope& scope, const QDate& day);
// saveCompleted takes a matched run (Complete or NoBill), saveIncomplete one that matched nothing.
Status checkMatchedState(BatchState state);
Status checkUnmatchedState(BatchState state);
// Whether a stored batch in `kept` stays (only its attempts move) when a run ends in `incoming`:
// a complete batch outlives any run without a bill, a no-bill batch (matched, with its pool)
// any run that matched nothing.
bool batchOutlives(BatchState kept, BatchState incoming);

} // namespace qpos::reconcile
