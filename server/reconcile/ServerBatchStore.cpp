#include "server/reconcile/ServerBatchStore.h"

#include "core/reconcile/BatchRows.h"
#include "core/reconcile/ReconcileJanitor.h"
#include "core/storage/Database.h"
#include "server/storage/ServerStore.h"

#include <QCoreApplication>
#include <QHash>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace qpos::server {

using namespace qpos::reconcile;

namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("qpos::server::ServerBatchStore", text);
}

// One statement on `db`: prepared, `values` bound in order, run.
struct Sql {
    Sql(QSqlDatabase& db, const QString& text, const QVariantList& values, const char* what)
        : query(db) {
        query.setForwardOnly(true);
        ok = query.prepare(text);
        for (const QVariant& value : values)
            query.addBindValue(value);
        ok = ok && query.exec();
        if (!ok)
            error =
                databaseError(QCoreApplication::translate("qpos::server::ServerBatchStore", what),
                              query.lastError().text());
    }
    QSqlQuery query;
    bool ok = false;
    Error error;
};

const char* const kReadBatch =
    QT_TRANSLATE_NOOP("qpos::server::ServerBatchStore", "reading a reconciliation batch");
const char* const kSaveBatch =
    QT_TRANSLATE_NOOP("qpos::server::ServerBatchStore", "saving a reconciliation batch");
const char* const kReadPool =
    QT_TRANSLATE_NOOP("qpos::server::ServerBatchStore", "reading a holding pool");

// Resolves an open item with `assignments` (bound by `values`). The guarded update decides,
// so two managers, or a manager and the Janitor, at once resolve an item once; the loser is
// told why.
Status resolveOpenItem(QSqlDatabase& db, qint64 itemId, const QString& assignments,
                       QVariantList values, const char* what) {
    values.append(itemId);
    Sql mark(db,
             QStringLiteral("UPDATE reconcile_items SET %1 WHERE id = ? AND resolution = 'open'")
                 .arg(assignments),
             values, what);
    if (!mark.ok)
        return mark.error;
    if (mark.query.numRowsAffected() == 1)
        return Status::success();
    Sql find(db, QStringLiteral("SELECT resolution FROM reconcile_items WHERE id = ?"), {itemId},
             kReadBatch);
    if (!find.ok)
        return find.error;
    if (!find.query.next())
        return noSuchItem(itemId);
    return alreadyResolved(
        itemId,
        itemResolutionFromName(find.query.value(0).toString()).value_or(ItemResolution::Handled));
}

// The batch of (provider, merchant, day), in the caller's transaction: created when missing
// (attempts 0 tells it is new), then locked until the commit.
struct LockedBatch {
    qint64 id = 0;
    BatchState state = BatchState::Complete;
    bool isNew = false;
};

Result<LockedBatch> lockBatch(QSqlDatabase& db, const LedgerScope& scope, const QDate& day,
                              BatchState state, qint64 atMs) {
    const QVariantList key{channelName(scope.provider), notNull(scope.merchantId), dayText(day)};
    Sql create(db,
               QStringLiteral("INSERT INTO reconcile_batches (provider, merchant_id, day, state, "
                              "attempts, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, 0, ?, "
                              "?) ON CONFLICT (provider, merchant_id, day) DO NOTHING"),
               key + QVariantList{batchStateName(state), atMs, atMs}, kSaveBatch);
    if (!create.ok)
        return create.error;
    // An update takes PostgreSQL's row lock; SQLite's write transaction holds the file already.
    Sql lock(db,
             QStringLiteral("UPDATE reconcile_batches SET attempts = attempts WHERE provider = ? "
                            "AND merchant_id = ? AND day = ?"),
             key, kSaveBatch);
    if (!lock.ok)
        return lock.error;
    Sql find(db,
             QStringLiteral("SELECT id, state, attempts FROM reconcile_batches WHERE provider = ? "
                            "AND merchant_id = ? AND day = ?"),
             key, kReadBatch);
    if (!find.ok)
        return find.error;
    if (!find.query.next())
        return databaseError(tr("saving a reconciliation batch"), tr("the batch's row is missing"));
    LockedBatch b;
    b.id = find.query.value(0).toLongLong();
    b.state = batchStateFromName(find.query.value(1).toString()).value_or(BatchState::Failed);
    b.isNew = find.query.value(2).toInt() == 0;
    return b;
}

Result<HoldingPool> poolOf(QSqlDatabase& db, qint64 batchId) {
    Sql q(db,
          QStringLiteral("SELECT entry, kind, out_trade_no, out_request_no, day "
                         "FROM reconcile_pool WHERE batch_id = ? ORDER BY position"),
          {batchId}, kReadPool);
    if (!q.ok)
        return q.error;
    HoldingPool pool;
    while (q.query.next()) {
        const PoolKind kind = poolKindFromName(q.query.value(1).toString());
        const QDate day = QDate::fromString(q.query.value(4).toString(), Qt::ISODate);
        if (q.query.value(0).toString() == u"held")
            pool.held.append(
                HeldEntry{kind, q.query.value(2).toString(), q.query.value(3).toString(), day});
        else
            pool.billedAhead.append(
                BilledAhead{kind, q.query.value(2).toString(), q.query.value(3).toString(), day});
    }
    return pool;
}

Result<HoldingPool> latestPool(QSqlDatabase& db, const LedgerScope& scope, const QDate& day) {
    Sql q(db,
          QStringLiteral("SELECT id FROM reconcile_batches WHERE provider = ? AND "
                         "merchant_id = ? AND day < ? AND state IN ('complete', 'no_bill') "
                         "ORDER BY day DESC LIMIT 1"),
          {channelName(scope.provider), notNull(scope.merchantId), dayText(day)}, kReadPool);
    if (!q.ok)
        return q.error;
    if (!q.query.next())
        return HoldingPool{};
    const qint64 batchId = q.query.value(0).toLongLong();
    q.query.finish();
    return poolOf(db, batchId);
}

Status writePool(QSqlDatabase& db, qint64 batchId, const HoldingPool& pool) {
    Sql clear(db, QStringLiteral("DELETE FROM reconcile_pool WHERE batch_id = ?"), {batchId},
              kSaveBatch);
    if (!clear.ok)
        return clear.error;
    QSqlQuery insert(db);
    if (!insert.prepare(QStringLiteral("INSERT INTO reconcile_pool (batch_id, position, entry, "
                                       "kind, out_trade_no, out_request_no, day) "
                                       "VALUES (?, ?, ?, ?, ?, ?, ?)")))
        return databaseError(tr("saving a holding pool"), insert.lastError().text());
    int position = 0;
    auto add = [&](const char* entry, PoolKind kind, const QString& outTradeNo,
                   const QString& outRequestNo, const QDate& day) -> Status {
        for (const QVariant& v :
             QVariantList{batchId, position++, QString::fromLatin1(entry), poolKindName(kind),
                          notNull(outTradeNo), notNull(outRequestNo), dayText(day)})
            insert.addBindValue(v);
        if (!insert.exec())
            return databaseError(tr("saving a holding pool"), insert.lastError().text());
        return Status::success();
    };
    for (const HeldEntry& e : pool.held) {
        if (Status s = add("held", e.kind, e.outTradeNo, e.outRequestNo, e.firstDay); !s)
            return s;
    }
    for (const BilledAhead& e : pool.billedAhead) {
        if (Status s = add("billed_ahead", e.kind, e.outTradeNo, e.outRequestNo, e.billDay); !s)
            return s;
    }
    return Status::success();
}

Status writeBatch(QSqlDatabase& db, qint64 id, BatchState state, const BatchTotals& totals,
                  const QString& billSha256, const QString& billFile, const QString& error,
                  qint64 atMs) {
    QVariantList values{batchStateName(state)};
    for (const SideTotals* side : {&totals.provider, &totals.local})
        values << side->paymentCount << side->paymentFen << side->refundCount << side->refundFen;
    values << totals.fee.thousandthsOfFen() << totals.matched << totals.held << notNull(billSha256)
           << notNull(billFile) << notNull(error) << atMs << id;
    Sql q(db,
          QStringLiteral(
              "UPDATE reconcile_batches SET state = ?, provider_payment_count = ?, "
              "provider_payment_fen = ?, provider_refund_count = ?, provider_refund_fen = ?, "
              "local_payment_count = ?, local_payment_fen = ?, local_refund_count = ?, "
              "local_refund_fen = ?, fee_thousandths_of_fen = ?, matched = ?, held = ?, "
              "bill_sha256 = ?, bill_file = ?, error = ?, attempts = attempts + 1, "
              "updated_at_ms = ? WHERE id = ?"),
          values, kSaveBatch);
    return q.ok ? Status::success() : Status(q.error);
}

Status deleteItems(QSqlDatabase& db, qint64 batchId) {
    Sql q(db, QStringLiteral("DELETE FROM reconcile_items WHERE batch_id = ?"), {batchId},
          kSaveBatch);
    return q.ok ? Status::success() : Status(q.error);
}

// The kept batch only counts the run's attempt.
Status countAttempt(QSqlDatabase& db, qint64 batchId, qint64 atMs) {
    Sql bump(db,
             QStringLiteral("UPDATE reconcile_batches SET attempts = attempts + 1, "
                            "updated_at_ms = ? WHERE id = ?"),
             {atMs, batchId}, kSaveBatch);
    return bump.ok ? Status::success() : Status(bump.error);
}

} // namespace

ServerBatchStore::ServerBatchStore(ServerStore& store)
    : m_store(store) {}

Result<HoldingPool> ServerBatchStore::poolBefore(const LedgerScope& scope, const QDate& day) {
    if (Status s = checkBatchScope(scope, day); !s)
        return s.error();
    HoldingPool pool;
    Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        Result<HoldingPool> found = latestPool(db, scope, day);
        if (!found)
            return found.error();
        pool = *found;
        return Status::success();
    });
    if (!read)
        return read.error();
    return pool;
}

Result<qint64> ServerBatchStore::saveCompleted(const CompletedRun& completed) {
    const ReconcileResult& result = completed.result;
    const LedgerScope scope{result.provider, result.merchantId};
    if (Status s = checkBatchScope(scope, result.day); !s)
        return s.error();
    const qsizetype count = result.items.size();
    if (completed.resolutions.size() != count || completed.evidence.size() != count)
        return badBatchInput(
            tr("The run gave %1 differences but %2 verdicts and %3 evidence texts; "
               "nothing was saved. Run the day again.")
                .arg(count)
                .arg(completed.resolutions.size())
                .arg(completed.evidence.size()));
    for (ItemResolution r : completed.resolutions) {
        if (r == ItemResolution::Handled)
            return badBatchInput(tr("Only a manager marks a difference handled, never a run; "
                                    "nothing was saved."));
    }
    if (Status s = checkMatchedState(completed.state); !s)
        return s.error();

    qint64 batchId = 0;
    Status saved = m_store.writeSql([&](QSqlDatabase& db) -> Status {
        Result<LockedBatch> locked =
            lockBatch(db, scope, result.day, completed.state, completed.atMs);
        if (!locked)
            return locked.error();
        batchId = locked->id;
        // A matched bill is never replaced by a provider that now says there is none.
        if (!locked->isNew && batchOutlives(locked->state, completed.state))
            return countAttempt(db, batchId, completed.atMs);

        // The notes managers gave keep with the differences the run finds again.
        QHash<QString, QList<HandledNote>> handled;
        Sql notes(db,
                  QStringLiteral("SELECT class, out_trade_no, out_request_no, note, resolved_by, "
                                 "resolved_at_ms FROM reconcile_items "
                                 "WHERE batch_id = ? AND resolution = 'handled' ORDER BY position"),
                  {batchId}, kReadBatch);
        if (!notes.ok)
            return notes.error;
        while (notes.query.next())
            handled[sameDifferenceKey(notes.query.value(0).toString(),
                                      notes.query.value(1).toString(),
                                      notes.query.value(2).toString())]
                .append(HandledNote{notes.query.value(3).toString(),
                                    notes.query.value(4).toString(),
                                    notes.query.value(5).toLongLong()});
        notes.query.finish();
        if (Status s = deleteItems(db, batchId); !s)
            return s;
        if (Status s = writeBatch(db, batchId, completed.state, result.totals, completed.billSha256,
                                  completed.billFile, QString(), completed.atMs);
            !s)
            return s;

        QSqlQuery insert(db);
        if (!insert.prepare(QStringLiteral(
                "INSERT INTO reconcile_items (batch_id, position, class, out_trade_no, "
                "out_request_no, local_state, local_fen, provider_state, provider_fen, "
                "provider_trade_no, bill_line, detail, resolution, evidence, note, "
                "resolved_by, resolved_at_ms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")))
            return databaseError(tr(kSaveBatch), insert.lastError().text());
        for (qsizetype n = 0; n < count; ++n) {
            const DifferenceItem& item = result.items[n];
            const QString kind = differenceClassName(item.kind);
            ItemResolution resolution = completed.resolutions[n];
            QString evidence = completed.evidence[n];
            QString note;
            QString resolvedBy;
            qint64 resolvedAtMs = 0;
            QList<HandledNote>& kept =
                handled[sameDifferenceKey(kind, item.outTradeNo, item.outRequestNo)];
            if (!kept.isEmpty()) {
                const HandledNote first = kept.takeFirst();
                resolution = ItemResolution::Handled;
                evidence.clear();
                note = first.note;
                resolvedBy = first.resolvedBy;
                resolvedAtMs = first.resolvedAtMs;
            } else if (resolution == ItemResolution::Automatic) {
                resolvedBy = QStringLiteral("janitor");
                resolvedAtMs = completed.atMs;
            }
            for (const QVariant& v :
                 QVariantList{batchId, qlonglong(n), kind, notNull(item.outTradeNo),
                              notNull(item.outRequestNo), notNull(item.localState),
                              optionalFen(item.localAmountFen), notNull(item.providerState),
                              optionalFen(item.providerAmountFen), notNull(item.providerTradeNo),
                              item.billLine, notNull(item.detail), itemResolutionName(resolution),
                              notNull(evidence), notNull(note), notNull(resolvedBy), resolvedAtMs})
                insert.addBindValue(v);
            if (!insert.exec())
                return databaseError(tr(kSaveBatch), insert.lastError().text());
        }
        return writePool(db, batchId, result.pool);
    });
    if (!saved)
        return saved.error();
    return batchId;
}

Result<qint64> ServerBatchStore::saveIncomplete(const LedgerScope& scope, const QDate& day,
                                                BatchState state, const QString& error,
                                                qint64 atMs) {
    if (Status s = checkBatchScope(scope, day); !s)
        return s.error();
    if (Status s = checkUnmatchedState(state); !s)
        return s.error();

    qint64 batchId = 0;
    Status saved = m_store.writeSql([&](QSqlDatabase& db) -> Status {
        Result<LockedBatch> locked = lockBatch(db, scope, day, state, atMs);
        if (!locked)
            return locked.error();
        batchId = locked->id;
        // A matched day is never undone by a later run that matched nothing (a failure to
        // fetch the bill again, a bill the provider is making again).
        if (!locked->isNew && batchOutlives(locked->state, state))
            return countAttempt(db, batchId, atMs);
        if (Status s = deleteItems(db, batchId); !s)
            return s;
        if (Status s =
                writeBatch(db, batchId, state, BatchTotals{}, QString(), QString(), error, atMs);
            !s)
            return s;
        return writePool(db, batchId, HoldingPool{});
    });
    if (!saved)
        return saved.error();
    return batchId;
}

Result<QList<StoredBatch>> ServerBatchStore::batches(const QDate& from, const QDate& to) {
    if (!from.isValid() || !to.isValid())
        return badBatchInput(tr("Give a valid first and last day to list reconciliation batches."));
    QList<StoredBatch> found;
    Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        Sql q(db,
              QStringLiteral("SELECT %1 FROM reconcile_batches b WHERE b.day >= ? AND b.day <= ? "
                             "ORDER BY b.day DESC, b.provider, b.merchant_id")
                  .arg(batchColumnsSql()),
              {dayText(from), dayText(to)}, kReadBatch);
        if (!q.ok)
            return q.error;
        while (q.query.next())
            found.append(batchFromRow(q.query));
        return Status::success();
    });
    if (!read)
        return read.error();
    return found;
}

Result<std::optional<StoredBatch>> ServerBatchStore::batch(qint64 batchId) {
    std::optional<StoredBatch> found;
    Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        Sql q(db,
              QStringLiteral("SELECT %1 FROM reconcile_batches b WHERE b.id = ?")
                  .arg(batchColumnsSql()),
              {batchId}, kReadBatch);
        if (!q.ok)
            return q.error;
        if (q.query.next())
            found = batchFromRow(q.query);
        return Status::success();
    });
    if (!read)
        return read.error();
    return found;
}

Result<QList<StoredItem>> ServerBatchStore::items(qint64 batchId) {
    QList<StoredItem> found;
    Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        Sql q(db,
              QStringLiteral("%1 WHERE i.batch_id = ? ORDER BY i.position").arg(itemSelectSql()),
              {batchId}, kReadBatch);
        if (!q.ok)
            return q.error;
        while (q.query.next())
            found.append(itemFromRow(q.query));
        return Status::success();
    });
    if (!read)
        return read.error();
    return found;
}

Result<std::optional<StoredItem>> ServerBatchStore::item(qint64 itemId) {
    std::optional<StoredItem> found;
    Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        Sql q(db, QStringLiteral("%1 WHERE i.id = ?").arg(itemSelectSql()), {itemId}, kReadBatch);
        if (!q.ok)
            return q.error;
        if (q.query.next())
            found = itemFromRow(q.query);
        return Status::success();
    });
    if (!read)
        return read.error();
    return found;
}

Status ServerBatchStore::markHandled(qint64 itemId, const QString& staffId, const QString& note,
                                     qint64 atMs) {
    const QString trimmed = note.trimmed();
    if (trimmed.isEmpty())
        return Error{QStringLiteral("reconcile.note_required"),
                     tr("Write a note saying how the difference was settled (for example the "
                        "refund made or the call to the provider), then mark it handled.")};
    if (trimmed.size() > kMaxNoteLength)
        return Error{QStringLiteral("reconcile.note_too_long"),
                     tr("The note has %1 characters; shorten it to at most %2 and mark the "
                        "difference handled again.")
                         .arg(trimmed.size())
                         .arg(kMaxNoteLength)};
    if (staffId.trimmed().isEmpty())
        return Error{QStringLiteral("reconcile.staff_required"),
                     tr("A difference is marked handled by a manager: give the manager's staff "
                        "id and try again.")};

    return m_store.writeSql([&](QSqlDatabase& db) -> Status {
        return resolveOpenItem(db, itemId,
                               QStringLiteral("resolution = 'handled', note = ?, resolved_by = "
                                              "?, resolved_at_ms = ?"),
                               {trimmed, staffId.trimmed(), atMs},
                               QT_TRANSLATE_NOOP("qpos::server::ServerBatchStore",
                                                 "marking a reconciliation difference handled"));
    });
}

Status ServerBatchStore::resolveAutomatically(qint64 itemId, const QString& evidence, qint64 atMs) {
    return m_store.writeSql([&](QSqlDatabase& db) -> Status {
        return resolveOpenItem(db, itemId,
                               QStringLiteral("resolution = 'automatic', evidence = ?, "
                                              "resolved_by = ?, resolved_at_ms = ?"),
                               {notNull(evidence), QString(kJanitor), atMs},
                               QT_TRANSLATE_NOOP("qpos::server::ServerBatchStore",
                                                 "marking a reconciliation difference settled"));
    });
}

Status ServerBatchStore::setOpenEvidence(qint64 itemId, const QString& evidence) {
    return m_store.writeSql([&](QSqlDatabase& db) -> Status {
        Sql note(db,
                 QStringLiteral("UPDATE reconcile_items SET evidence = ? WHERE id = ? AND "
                                "resolution = 'open'"),
                 {notNull(evidence), itemId},
                 QT_TRANSLATE_NOOP("qpos::server::ServerBatchStore",
                                   "recording a reconciliation difference's evidence"));
        return note.ok ? Status::success() : Status(note.error);
    });
}

Result<QList<StoredItem>> ServerBatchStore::openJanitorItems(Channel provider,
                                                             const QString& outTradeNo) {
    QList<StoredItem> found;
    Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        Sql q(db,
              QStringLiteral(
                  "%1 WHERE b.provider = ? AND i.out_trade_no = ? AND i.resolution = "
                  "'open' AND i.class IN ('status', 'provider_only', 'refund') ORDER BY i.id")
                  .arg(itemSelectSql()),
              {channelName(provider), outTradeNo}, kReadBatch);
        if (!q.ok)
            return q.error;
        while (q.query.next()) {
            StoredItem item = itemFromRow(q.query);
            if (reconcile::janitorAsks(item.item))
                found.append(std::move(item));
        }
        return Status::success();
    });
    if (!read)
        return read.error();
    return found;
}

Result<QMap<QPair<QString, QString>, qint64>> ServerBatchStore::countsByState() {
    QMap<QPair<QString, QString>, qint64> counts;
    Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        Sql q(db,
              QStringLiteral("SELECT provider, state, count(*) FROM reconcile_batches "
                             "GROUP BY provider, state"),
              {}, kReadBatch);
        if (!q.ok)
            return q.error;
        while (q.query.next())
            counts.insert({q.query.value(0).toString(), q.query.value(1).toString()},
                          q.query.value(2).toLongLong());
        return Status::success();
    });
    if (!read)
        return read.error();
    return counts;
}

} // namespace qpos::server
