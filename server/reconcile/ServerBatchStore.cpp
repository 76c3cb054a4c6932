#include "server/reconcile/ServerBatchStore.h"

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

QString dayText(const QDate& day) {
    return day.toString(Qt::ISODate);
}

// A null QString binds as SQL NULL; the text columns are NOT NULL DEFAULT ''.
QString notNull(const QString& text) {
    return text.isNull() ? QStringLiteral("") : text;
}

QVariant optionalFen(const std::optional<money::Fen>& fen) {
    return fen ? QVariant(qlonglong(*fen)) : QVariant(QMetaType::fromType<qlonglong>());
}

std::optional<money::Fen> fenOrEmpty(const QVariant& value) {
    if (value.isNull())
        return std::nullopt;
    return value.toLongLong();
}

QString poolKindName(PoolKind kind) {
    return kind == PoolKind::Refund ? QStringLiteral("refund") : QStringLiteral("trade");
}

PoolKind poolKindFromName(const QString& name) {
    return name == u"refund" ? PoolKind::Refund : PoolKind::Trade;
}

// What makes a handled item the same difference when the day is run again.
QString sameDifferenceKey(const QString& kind, const QString& outTradeNo,
                          const QString& outRequestNo) {
    return kind + QChar(0x1f) + outTradeNo + QChar(0x1f) + outRequestNo;
}

struct HandledNote {
    QString note;
    QString resolvedBy;
    qint64 resolvedAtMs = 0;
};

const char* const kBatchColumns =
    "b.id, b.provider, b.merchant_id, b.day, b.state, b.provider_payment_count, "
    "b.provider_payment_fen, b.provider_refund_count, b.provider_refund_fen, "
    "b.local_payment_count, b.local_payment_fen, b.local_refund_count, b.local_refund_fen, "
    "b.fee_thousandths_of_fen, b.matched, b.held, b.bill_sha256, b.bill_file, b.error, "
    "b.attempts, b.created_at_ms, b.updated_at_ms, "
    "(SELECT count(*) FROM reconcile_items i WHERE i.batch_id = b.id), "
    "(SELECT count(*) FROM reconcile_items i WHERE i.batch_id = b.id AND "
    "i.resolution = 'open')";

const char* const kItemSelect =
    "SELECT i.id, i.batch_id, i.class, i.out_trade_no, i.out_request_no, i.local_state, "
    "i.local_fen, i.provider_state, i.provider_fen, i.provider_trade_no, i.bill_line, i.detail, "
    "i.resolution, i.evidence, i.note, i.resolved_by, i.resolved_at_ms, b.provider "
    "FROM reconcile_items i JOIN reconcile_batches b ON b.id = i.batch_id";

StoredBatch batchOf(const QSqlQuery& q) {
    StoredBatch b;
    b.id = q.value(0).toLongLong();
    b.provider = channelFromName(q.value(1).toString()).value_or(Channel::Alipay);
    b.merchantId = q.value(2).toString();
    b.day = QDate::fromString(q.value(3).toString(), Qt::ISODate);
    b.state = batchStateFromName(q.value(4).toString()).value_or(BatchState::Failed);
    b.totals.provider = {q.value(5).toLongLong(), q.value(6).toLongLong(), q.value(7).toLongLong(),
                         q.value(8).toLongLong()};
    b.totals.local = {q.value(9).toLongLong(), q.value(10).toLongLong(), q.value(11).toLongLong(),
                      q.value(12).toLongLong()};
    b.totals.fee = money::SubFen::fromThousandthsOfFen(q.value(13).toLongLong());
    b.totals.matched = q.value(14).toLongLong();
    b.totals.held = q.value(15).toLongLong();
    b.billSha256 = q.value(16).toString();
    b.billFile = q.value(17).toString();
    b.error = q.value(18).toString();
    b.attempts = q.value(19).toInt();
    b.createdAtMs = q.value(20).toLongLong();
    b.updatedAtMs = q.value(21).toLongLong();
    b.itemCount = q.value(22).toLongLong();
    b.openItemCount = q.value(23).toLongLong();
    return b;
}

StoredItem itemOf(const QSqlQuery& q) {
    StoredItem s;
    s.id = q.value(0).toLongLong();
    s.batchId = q.value(1).toLongLong();
    s.item.kind =
        differenceClassFromName(q.value(2).toString()).value_or(DifferenceClass::LocalOnly);
    s.item.outTradeNo = q.value(3).toString();
    s.item.outRequestNo = q.value(4).toString();
    s.item.localState = q.value(5).toString();
    s.item.localAmountFen = fenOrEmpty(q.value(6));
    s.item.providerState = q.value(7).toString();
    s.item.providerAmountFen = fenOrEmpty(q.value(8));
    s.item.providerTradeNo = q.value(9).toString();
    s.item.billLine = q.value(10).toInt();
    s.item.detail = q.value(11).toString();
    s.resolution = itemResolutionFromName(q.value(12).toString()).value_or(ItemResolution::Open);
    s.evidence = q.value(13).toString();
    s.note = q.value(14).toString();
    s.resolvedBy = q.value(15).toString();
    s.resolvedAtMs = q.value(16).toLongLong();
    s.item.provider = channelFromName(q.value(17).toString()).value_or(Channel::Alipay);
    return s;
}

Error badInput(const QString& message) {
    return Error{QStringLiteral("reconcile.bad_input"), message};
}

Status checkScope(const LedgerScope& scope, const QDate& day) {
    if (!isProviderChannel(scope.provider))
        return badInput(tr("A reconciliation batch belongs to Alipay or WeChat Pay, not to %1; "
                           "nothing was saved.")
                            .arg(channelName(scope.provider)));
    if (!day.isValid())
        return badInput(tr("A reconciliation batch needs a valid China date; nothing was saved."));
    return Status::success();
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

} // namespace

ServerBatchStore::ServerBatchStore(ServerStore& store)
    : m_store(store) {}

Result<HoldingPool> ServerBatchStore::poolBefore(const LedgerScope& scope, const QDate& day) {
    if (Status s = checkScope(scope, day); !s)
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
    if (Status s = checkScope(scope, result.day); !s)
        return s.error();
    const qsizetype count = result.items.size();
    if (completed.resolutions.size() != count || completed.evidence.size() != count)
        return badInput(tr("The run gave %1 differences but %2 verdicts and %3 evidence texts; "
                           "nothing was saved. Run the day again.")
                            .arg(count)
                            .arg(completed.resolutions.size())
                            .arg(completed.evidence.size()));
    for (ItemResolution r : completed.resolutions) {
        if (r == ItemResolution::Handled)
            return badInput(tr("Only a manager marks a difference handled, never a run; "
                               "nothing was saved."));
    }

    qint64 batchId = 0;
    Status saved = m_store.writeSql([&](QSqlDatabase& db) -> Status {
        Result<LockedBatch> locked =
            lockBatch(db, scope, result.day, BatchState::Complete, completed.atMs);
        if (!locked)
            return locked.error();
        batchId = locked->id;

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
        if (Status s =
                writeBatch(db, batchId, BatchState::Complete, result.totals, completed.billSha256,
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
    if (Status s = checkScope(scope, day); !s)
        return s.error();
    if (state == BatchState::Complete)
        return badInput(tr("A complete batch is saved with its bill's results, not as a run "
                           "without a bill; nothing was saved."));

    qint64 batchId = 0;
    Status saved = m_store.writeSql([&](QSqlDatabase& db) -> Status {
        Result<LockedBatch> locked = lockBatch(db, scope, day, state, atMs);
        if (!locked)
            return locked.error();
        batchId = locked->id;
        // A matched bill is never undone by a later run without one: not by a failure to
        // fetch it again, nor by a provider that now says there is none.
        if (!locked->isNew && locked->state == BatchState::Complete) {
            Sql bump(db,
                     QStringLiteral("UPDATE reconcile_batches SET attempts = attempts + 1, "
                                    "updated_at_ms = ? WHERE id = ?"),
                     {atMs, batchId}, kSaveBatch);
            return bump.ok ? Status::success() : Status(bump.error);
        }
        HoldingPool pool;
        if (state == BatchState::NoBill) {
            Result<HoldingPool> previous = latestPool(db, scope, day);
            if (!previous)
                return previous.error();
            pool = *previous;
        }
        if (Status s = deleteItems(db, batchId); !s)
            return s;
        if (Status s =
                writeBatch(db, batchId, state, BatchTotals{}, QString(), QString(), error, atMs);
            !s)
            return s;
        return writePool(db, batchId, pool);
    });
    if (!saved)
        return saved.error();
    return batchId;
}

Result<QList<StoredBatch>> ServerBatchStore::batches(const QDate& from, const QDate& to) {
    if (!from.isValid() || !to.isValid())
        return badInput(tr("Give a valid first and last day to list reconciliation batches."));
    QList<StoredBatch> found;
    Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        Sql q(db,
              QStringLiteral("SELECT %1 FROM reconcile_batches b WHERE b.day >= ? AND b.day <= ? "
                             "ORDER BY b.day DESC, b.provider, b.merchant_id")
                  .arg(QLatin1String(kBatchColumns)),
              {dayText(from), dayText(to)}, kReadBatch);
        if (!q.ok)
            return q.error;
        while (q.query.next())
            found.append(batchOf(q.query));
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
                  .arg(QLatin1String(kBatchColumns)),
              {batchId}, kReadBatch);
        if (!q.ok)
            return q.error;
        if (q.query.next())
            found = batchOf(q.query);
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
              QStringLiteral("%1 WHERE i.batch_id = ? ORDER BY i.position")
                  .arg(QLatin1String(kItemSelect)),
              {batchId}, kReadBatch);
        if (!q.ok)
            return q.error;
        while (q.query.next())
            found.append(itemOf(q.query));
        return Status::success();
    });
    if (!read)
        return read.error();
    return found;
}

Result<std::optional<StoredItem>> ServerBatchStore::item(qint64 itemId) {
    std::optional<StoredItem> found;
    Status read = m_store.readSql([&](QSqlDatabase& db) -> Status {
        Sql q(db, QStringLiteral("%1 WHERE i.id = ?").arg(QLatin1String(kItemSelect)), {itemId},
              kReadBatch);
        if (!q.ok)
            return q.error;
        if (q.query.next())
            found = itemOf(q.query);
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
        // The guarded update decides, so two managers at once settle an item once.
        Sql mark(db,
                 QStringLiteral("UPDATE reconcile_items SET resolution = 'handled', note = ?, "
                                "resolved_by = ?, resolved_at_ms = ? WHERE id = ? AND "
                                "resolution = 'open'"),
                 {trimmed, staffId.trimmed(), atMs, itemId},
                 QT_TRANSLATE_NOOP("qpos::server::ServerBatchStore",
                                   "marking a reconciliation difference handled"));
        if (!mark.ok)
            return mark.error;
        if (mark.query.numRowsAffected() == 1)
            return Status::success();
        Sql find(db, QStringLiteral("SELECT resolution FROM reconcile_items WHERE id = ?"),
                 {itemId}, kReadBatch);
        if (!find.ok)
            return find.error;
        if (!find.query.next())
            return Error{QStringLiteral("reconcile.no_such_item"),
                         tr("There is no difference number %1; reload the batch and choose it "
                            "again.")
                             .arg(itemId)};
        return Error{
            QStringLiteral("reconcile.already_resolved"),
            tr("Difference number %1 is already settled (%2); nothing was changed. "
               "Reload the batch to see how.")
                .arg(itemId)
                .arg(itemResolutionLabel(itemResolutionFromName(find.query.value(0).toString())
                                             .value_or(ItemResolution::Handled)))};
    });
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
