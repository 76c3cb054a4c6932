#include "core/reconcile/SqliteBatchStore.h"

#include "core/reconcile/BatchRows.h"
#include "core/storage/OrderSchema.h"

#include <QCoreApplication>
#include <QHash>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace qpos::reconcile {

struct SqliteBatchStore::Statements {
    explicit Statements(const QSqlDatabase& db)
        : findBatch(db)
        , insertBatch(db)
        , updateBatch(db)
        , bumpAttempts(db)
        , handledItems(db)
        , deleteItems(db)
        , insertItem(db)
        , deletePool(db)
        , insertPool(db)
        , selectPool(db)
        , latestPoolBatch(db)
        , batchesInRange(db)
        , batchById(db)
        , itemsOf(db)
        , itemResolution(db)
        , markItem(db) {}
    QSqlQuery findBatch;
    QSqlQuery insertBatch;
    QSqlQuery updateBatch;
    QSqlQuery bumpAttempts;
    QSqlQuery handledItems;
    QSqlQuery deleteItems;
    QSqlQuery insertItem;
    QSqlQuery deletePool;
    QSqlQuery insertPool;
    QSqlQuery selectPool;
    QSqlQuery latestPoolBatch;
    QSqlQuery batchesInRange;
    QSqlQuery batchById;
    QSqlQuery itemsOf;
    QSqlQuery itemResolution;
    QSqlQuery markItem;
};

struct SqliteBatchStore::Existing {
    qint64 id = 0;
    BatchState state = BatchState::Complete;
};

SqliteBatchStore::SqliteBatchStore() = default;

SqliteBatchStore::~SqliteBatchStore() {
    close();
}

void SqliteBatchStore::close() {
    m_sql.reset(); // queries must go before their connection
    m_db.close();
}

Status SqliteBatchStore::open(const QString& dbPath) {
    close();
    if (Status s = m_db.open(dbPath); !s.ok())
        return s;
    if (Status s = order_schema::migrate(m_db); !s.ok()) {
        m_db.close();
        return s;
    }
    if (Status s = prepareStatements(); !s.ok()) {
        close();
        return s;
    }
    return Status::success();
}

Status SqliteBatchStore::prepareStatements() {
    m_sql = std::make_unique<Statements>(m_db.handle());
    const QString batchSelect =
        QStringLiteral("SELECT %1 FROM reconcile_batches b ").arg(batchColumnsSql());
    struct {
        QSqlQuery* query;
        QString sql;
    } const all[] = {
        {&m_sql->findBatch, QStringLiteral("SELECT id, state FROM reconcile_batches "
                                           "WHERE provider = ? AND merchant_id = ? AND day = ?")},
        {&m_sql->insertBatch,
         QStringLiteral(
             "INSERT INTO reconcile_batches (provider, merchant_id, day, state, "
             "provider_payment_count, provider_payment_fen, provider_refund_count, "
             "provider_refund_fen, local_payment_count, local_payment_fen, local_refund_count, "
             "local_refund_fen, fee_thousandths_of_fen, matched, held, bill_sha256, bill_file, "
             "error, attempts, created_at_ms, updated_at_ms) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)")},
        {&m_sql->updateBatch,
         QStringLiteral(
             "UPDATE reconcile_batches SET state = ?, provider_payment_count = ?, "
             "provider_payment_fen = ?, provider_refund_count = ?, provider_refund_fen = ?, "
             "local_payment_count = ?, local_payment_fen = ?, local_refund_count = ?, "
             "local_refund_fen = ?, fee_thousandths_of_fen = ?, matched = ?, held = ?, "
             "bill_sha256 = ?, bill_file = ?, error = ?, attempts = attempts + 1, "
             "updated_at_ms = ? WHERE id = ?")},
        {&m_sql->bumpAttempts,
         QStringLiteral("UPDATE reconcile_batches SET attempts = attempts + 1, updated_at_ms = ? "
                        "WHERE id = ?")},
        {&m_sql->handledItems,
         QStringLiteral("SELECT class, out_trade_no, out_request_no, note, resolved_by, "
                        "resolved_at_ms FROM reconcile_items "
                        "WHERE batch_id = ? AND resolution = 'handled' ORDER BY position")},
        {&m_sql->deleteItems, QStringLiteral("DELETE FROM reconcile_items WHERE batch_id = ?")},
        {&m_sql->insertItem,
         QStringLiteral("INSERT INTO reconcile_items (batch_id, position, class, out_trade_no, "
                        "out_request_no, local_state, local_fen, provider_state, provider_fen, "
                        "provider_trade_no, bill_line, detail, resolution, evidence, note, "
                        "resolved_by, resolved_at_ms) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")},
        {&m_sql->deletePool, QStringLiteral("DELETE FROM reconcile_pool WHERE batch_id = ?")},
        {&m_sql->insertPool,
         QStringLiteral("INSERT INTO reconcile_pool (batch_id, position, entry, kind, "
                        "out_trade_no, out_request_no, day) VALUES (?, ?, ?, ?, ?, ?, ?)")},
        {&m_sql->selectPool,
         QStringLiteral("SELECT entry, kind, out_trade_no, out_request_no, day "
                        "FROM reconcile_pool WHERE batch_id = ? ORDER BY position")},
        {&m_sql->latestPoolBatch,
         QStringLiteral("SELECT id FROM reconcile_batches WHERE provider = ? AND "
                        "merchant_id = ? AND day < ? AND state IN ('complete', 'no_bill') "
                        "ORDER BY day DESC LIMIT 1")},
        {&m_sql->batchesInRange,
         batchSelect + QStringLiteral("WHERE b.day >= ? AND b.day <= ? "
                                      "ORDER BY b.day DESC, b.provider, b.merchant_id")},
        {&m_sql->batchById, batchSelect + QStringLiteral("WHERE b.id = ?")},
        {&m_sql->itemsOf,
         itemSelectSql() + QStringLiteral(" WHERE i.batch_id = ? ORDER BY i.position")},
        {&m_sql->itemResolution,
         QStringLiteral("SELECT resolution FROM reconcile_items WHERE id = ?")},
        {&m_sql->markItem,
         QStringLiteral("UPDATE reconcile_items SET resolution = 'handled', note = ?, "
                        "resolved_by = ?, resolved_at_ms = ? WHERE id = ? AND "
                        "resolution = 'open'")},
    };
    for (const auto& statement : all) {
        if (!statement.query->prepare(statement.sql))
            return databaseError(QCoreApplication::translate(
                                     "qpos::reconcile", "preparing the reconciliation statements"),
                                 statement.query->lastError().text());
    }
    return Status::success();
}

namespace {

Status run(QSqlQuery& query, const char* what) {
    if (!query.exec())
        return databaseError(QCoreApplication::translate("qpos::reconcile", what),
                             query.lastError().text());
    return Status::success();
}

Error notOpen() {
    return Error{QStringLiteral("reconcile.store_closed"),
                 QCoreApplication::translate(
                     "qpos::reconcile",
                     "The reconciliation store is not open; open the order database first.")};
}

} // namespace

Result<std::optional<SqliteBatchStore::Existing>>
SqliteBatchStore::existing(const LedgerScope& scope, const QDate& day) {
    QSqlQuery& q = m_sql->findBatch;
    q.bindValue(0, channelName(scope.provider));
    q.bindValue(1, notNull(scope.merchantId));
    q.bindValue(2, dayText(day));
    if (Status s = run(q, QT_TRANSLATE_NOOP("qpos::reconcile", "reading a reconciliation batch"));
        !s.ok())
        return s.error();
    std::optional<Existing> found;
    if (q.next())
        found = Existing{q.value(0).toLongLong(),
                         batchStateFromName(q.value(1).toString()).value_or(BatchState::Failed)};
    q.finish();
    return found;
}

Result<HoldingPool> SqliteBatchStore::poolOf(qint64 batchId) {
    QSqlQuery& q = m_sql->selectPool;
    q.bindValue(0, batchId);
    if (Status s = run(q, QT_TRANSLATE_NOOP("qpos::reconcile", "reading a holding pool")); !s.ok())
        return s.error();
    HoldingPool pool;
    while (q.next()) {
        const PoolKind kind = poolKindFromName(q.value(1).toString());
        const QDate day = QDate::fromString(q.value(4).toString(), Qt::ISODate);
        if (q.value(0).toString() == u"held")
            pool.held.append(HeldEntry{kind, q.value(2).toString(), q.value(3).toString(), day});
        else
            pool.billedAhead.append(
                BilledAhead{kind, q.value(2).toString(), q.value(3).toString(), day});
    }
    q.finish();
    return pool;
}

Status SqliteBatchStore::writePool(qint64 batchId, const HoldingPool& pool) {
    m_sql->deletePool.bindValue(0, batchId);
    if (Status s =
            run(m_sql->deletePool, QT_TRANSLATE_NOOP("qpos::reconcile", "saving a holding pool"));
        !s.ok())
        return s;
    int position = 0;
    auto insert = [&](const char* entry, PoolKind kind, const QString& outTradeNo,
                      const QString& outRequestNo, const QDate& day) {
        QSqlQuery& q = m_sql->insertPool;
        q.bindValue(0, batchId);
        q.bindValue(1, position++);
        q.bindValue(2, QLatin1String(entry));
        q.bindValue(3, poolKindName(kind));
        q.bindValue(4, notNull(outTradeNo));
        q.bindValue(5, notNull(outRequestNo));
        q.bindValue(6, dayText(day));
        return run(q, QT_TRANSLATE_NOOP("qpos::reconcile", "saving a holding pool"));
    };
    for (const HeldEntry& e : pool.held) {
        if (Status s = insert("held", e.kind, e.outTradeNo, e.outRequestNo, e.firstDay); !s.ok())
            return s;
    }
    for (const BilledAhead& e : pool.billedAhead) {
        if (Status s = insert("billed_ahead", e.kind, e.outTradeNo, e.outRequestNo, e.billDay);
            !s.ok())
            return s;
    }
    return Status::success();
}

Result<qint64> SqliteBatchStore::writeBatch(const std::optional<Existing>& before,
                                            const LedgerScope& scope, const QDate& day,
                                            BatchState state, const BatchTotals& totals,
                                            const QString& billSha256, const QString& billFile,
                                            const QString& error, qint64 atMs) {
    QSqlQuery& q = before ? m_sql->updateBatch : m_sql->insertBatch;
    int i = 0;
    if (!before) {
        q.bindValue(i++, channelName(scope.provider));
        q.bindValue(i++, notNull(scope.merchantId));
        q.bindValue(i++, dayText(day));
    }
    q.bindValue(i++, batchStateName(state));
    for (const SideTotals* side : {&totals.provider, &totals.local}) {
        q.bindValue(i++, side->paymentCount);
        q.bindValue(i++, side->paymentFen);
        q.bindValue(i++, side->refundCount);
        q.bindValue(i++, side->refundFen);
    }
    q.bindValue(i++, totals.fee.thousandthsOfFen());
    q.bindValue(i++, totals.matched);
    q.bindValue(i++, totals.held);
    q.bindValue(i++, notNull(billSha256));
    q.bindValue(i++, notNull(billFile));
    q.bindValue(i++, notNull(error));
    if (!before)
        q.bindValue(i++, atMs); // created
    q.bindValue(i++, atMs);
    if (before)
        q.bindValue(i++, before->id);
    if (Status s = run(q, QT_TRANSLATE_NOOP("qpos::reconcile", "saving a reconciliation batch"));
        !s.ok())
        return s.error();
    const qint64 id = before ? before->id : q.lastInsertId().toLongLong();
    q.finish();
    return id;
}

Result<HoldingPool> SqliteBatchStore::poolBefore(const LedgerScope& scope, const QDate& day) {
    if (!m_sql)
        return notOpen();
    if (Status s = checkBatchScope(scope, day); !s.ok())
        return s.error();
    QSqlQuery& q = m_sql->latestPoolBatch;
    q.bindValue(0, channelName(scope.provider));
    q.bindValue(1, notNull(scope.merchantId));
    q.bindValue(2, dayText(day));
    if (Status s = run(q, QT_TRANSLATE_NOOP("qpos::reconcile", "reading a holding pool")); !s.ok())
        return s.error();
    if (!q.next()) {
        q.finish();
        return HoldingPool{};
    }
    const qint64 batchId = q.value(0).toLongLong();
    q.finish();
    return poolOf(batchId);
}

Result<qint64> SqliteBatchStore::saveCompleted(const CompletedRun& completed) {
    if (!m_sql)
        return notOpen();
    const ReconcileResult& result = completed.result;
    const LedgerScope scope{result.provider, result.merchantId};
    if (Status s = checkBatchScope(scope, result.day); !s.ok())
        return s.error();
    const qsizetype count = result.items.size();
    if (completed.resolutions.size() != count || completed.evidence.size() != count)
        return badBatchInput(
            QCoreApplication::translate(
                "qpos::reconcile",
                "The run gave %1 differences but %2 verdicts and %3 evidence texts; "
                "nothing was saved. Run the day again.")
                .arg(count)
                .arg(completed.resolutions.size())
                .arg(completed.evidence.size()));
    for (ItemResolution r : completed.resolutions) {
        if (r == ItemResolution::Handled)
            return badBatchInput(QCoreApplication::translate(
                "qpos::reconcile", "Only a manager marks a difference handled, never a run; "
                                   "nothing was saved."));
    }
    if (Status s = checkMatchedState(completed.state); !s.ok())
        return s.error();

    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s.error();
    Result<std::optional<Existing>> before = existing(scope, result.day);
    if (!before)
        return before.error();
    // A matched bill is never replaced by a provider that now says there is none.
    if (*before && batchOutlives((*before)->state, completed.state))
        return countAttempt(tx, (*before)->id, completed.atMs);

    // The notes managers gave keep with the differences the run finds again.
    QHash<QString, QList<HandledNote>> handled;
    if (*before) {
        QSqlQuery& q = m_sql->handledItems;
        q.bindValue(0, (*before)->id);
        if (Status s =
                run(q, QT_TRANSLATE_NOOP("qpos::reconcile", "reading a reconciliation batch"));
            !s.ok())
            return s.error();
        while (q.next())
            handled[sameDifferenceKey(q.value(0).toString(), q.value(1).toString(),
                                      q.value(2).toString())]
                .append(HandledNote{q.value(3).toString(), q.value(4).toString(),
                                    q.value(5).toLongLong()});
        q.finish();
        m_sql->deleteItems.bindValue(0, (*before)->id);
        if (Status s = run(m_sql->deleteItems,
                           QT_TRANSLATE_NOOP("qpos::reconcile", "saving a reconciliation batch"));
            !s.ok())
            return s.error();
    }

    Result<qint64> id =
        writeBatch(*before, scope, result.day, completed.state, result.totals, completed.billSha256,
                   completed.billFile, QString(), completed.atMs);
    if (!id)
        return id.error();

    for (qsizetype n = 0; n < count; ++n) {
        const DifferenceItem& item = result.items[n];
        const QString kind = differenceClassName(item.kind);
        ItemResolution resolution = completed.resolutions[n];
        QString evidence = completed.evidence[n];
        QString note;
        QString resolvedBy;
        qint64 resolvedAtMs = 0;
        QList<HandledNote>& notes =
            handled[sameDifferenceKey(kind, item.outTradeNo, item.outRequestNo)];
        if (!notes.isEmpty()) {
            const HandledNote kept = notes.takeFirst();
            resolution = ItemResolution::Handled;
            evidence.clear();
            note = kept.note;
            resolvedBy = kept.resolvedBy;
            resolvedAtMs = kept.resolvedAtMs;
        } else if (resolution == ItemResolution::Automatic) {
            resolvedBy = QStringLiteral("janitor");
            resolvedAtMs = completed.atMs;
        }
        QSqlQuery& q = m_sql->insertItem;
        q.bindValue(0, *id);
        q.bindValue(1, qlonglong(n));
        q.bindValue(2, kind);
        q.bindValue(3, notNull(item.outTradeNo));
        q.bindValue(4, notNull(item.outRequestNo));
        q.bindValue(5, notNull(item.localState));
        q.bindValue(6, optionalFen(item.localAmountFen));
        q.bindValue(7, notNull(item.providerState));
        q.bindValue(8, optionalFen(item.providerAmountFen));
        q.bindValue(9, notNull(item.providerTradeNo));
        q.bindValue(10, item.billLine);
        q.bindValue(11, notNull(item.detail));
        q.bindValue(12, itemResolutionName(resolution));
        q.bindValue(13, notNull(evidence));
        q.bindValue(14, notNull(note));
        q.bindValue(15, notNull(resolvedBy));
        q.bindValue(16, resolvedAtMs);
        if (Status s =
                run(q, QT_TRANSLATE_NOOP("qpos::reconcile", "saving a reconciliation batch"));
            !s.ok())
            return s.error();
    }
    if (Status s = writePool(*id, result.pool); !s.ok())
        return s.error();
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    return *id;
}

Result<qint64> SqliteBatchStore::saveIncomplete(const LedgerScope& scope, const QDate& day,
                                                BatchState state, const QString& error,
                                                qint64 atMs) {
    if (!m_sql)
        return notOpen();
    if (Status s = checkBatchScope(scope, day); !s.ok())
        return s.error();
    if (Status s = checkUnmatchedState(state); !s.ok())
        return s.error();

    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s.error();
    Result<std::optional<Existing>> before = existing(scope, day);
    if (!before)
        return before.error();

    // A matched day is never undone by a later run that matched nothing (a failure to fetch the
    // bill again, a bill the provider is making again).
    if (*before && batchOutlives((*before)->state, state))
        return countAttempt(tx, (*before)->id, atMs);

    if (*before) {
        m_sql->deleteItems.bindValue(0, (*before)->id);
        if (Status s = run(m_sql->deleteItems,
                           QT_TRANSLATE_NOOP("qpos::reconcile", "saving a reconciliation batch"));
            !s.ok())
            return s.error();
    }
    Result<qint64> id =
        writeBatch(*before, scope, day, state, BatchTotals{}, QString(), QString(), error, atMs);
    if (!id)
        return id.error();
    if (Status s = writePool(*id, HoldingPool{}); !s.ok())
        return s.error();
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    return *id;
}

// In `tx`: the kept batch only counts the run's attempt, then commits.
Result<qint64> SqliteBatchStore::countAttempt(WriteTransaction& tx, qint64 batchId, qint64 atMs) {
    QSqlQuery& q = m_sql->bumpAttempts;
    q.bindValue(0, atMs);
    q.bindValue(1, batchId);
    if (Status s = run(q, QT_TRANSLATE_NOOP("qpos::reconcile", "saving a reconciliation batch"));
        !s.ok())
        return s.error();
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    return batchId;
}

Result<QList<StoredBatch>> SqliteBatchStore::batches(const QDate& from, const QDate& to) {
    if (!m_sql)
        return notOpen();
    if (!from.isValid() || !to.isValid())
        return badBatchInput(QCoreApplication::translate(
            "qpos::reconcile", "Give a valid first and last day to list reconciliation batches."));
    QSqlQuery& q = m_sql->batchesInRange;
    q.bindValue(0, dayText(from));
    q.bindValue(1, dayText(to));
    if (Status s =
            run(q, QT_TRANSLATE_NOOP("qpos::reconcile", "reading the reconciliation batches"));
        !s.ok())
        return s.error();
    QList<StoredBatch> found;
    while (q.next())
        found.append(batchFromRow(q));
    q.finish();
    return found;
}

Result<std::optional<StoredBatch>> SqliteBatchStore::batch(qint64 batchId) {
    if (!m_sql)
        return notOpen();
    QSqlQuery& q = m_sql->batchById;
    q.bindValue(0, batchId);
    if (Status s = run(q, QT_TRANSLATE_NOOP("qpos::reconcile", "reading a reconciliation batch"));
        !s.ok())
        return s.error();
    std::optional<StoredBatch> found;
    if (q.next())
        found = batchFromRow(q);
    q.finish();
    return found;
}

Result<QList<StoredItem>> SqliteBatchStore::items(qint64 batchId) {
    if (!m_sql)
        return notOpen();
    QSqlQuery& q = m_sql->itemsOf;
    q.bindValue(0, batchId);
    if (Status s =
            run(q, QT_TRANSLATE_NOOP("qpos::reconcile", "reading a reconciliation batch's items"));
        !s.ok())
        return s.error();
    QList<StoredItem> found;
    while (q.next())
        found.append(itemFromRow(q));
    q.finish();
    return found;
}

Status SqliteBatchStore::markHandled(qint64 itemId, const QString& staffId, const QString& note,
                                     qint64 atMs) {
    if (!m_sql)
        return notOpen();
    const QString trimmed = note.trimmed();
    if (trimmed.isEmpty())
        return Error{QStringLiteral("reconcile.note_required"),
                     QCoreApplication::translate(
                         "qpos::reconcile",
                         "Write a note saying how the difference was settled (for example the "
                         "refund made or the call to the provider), then mark it handled.")};
    if (trimmed.size() > kMaxNoteLength)
        return Error{QStringLiteral("reconcile.note_too_long"),
                     QCoreApplication::translate(
                         "qpos::reconcile",
                         "The note has %1 characters; shorten it to at most %2 and mark the "
                         "difference handled again.")
                         .arg(trimmed.size())
                         .arg(kMaxNoteLength)};
    if (staffId.trimmed().isEmpty())
        return Error{QStringLiteral("reconcile.staff_required"),
                     QCoreApplication::translate(
                         "qpos::reconcile",
                         "A difference is marked handled by a manager: unlock with a manager's "
                         "PIN and try again.")};

    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s;
    if (Status s = checkItemOpen(itemId); !s.ok())
        return s;
    QSqlQuery& mark = m_sql->markItem;
    mark.bindValue(0, trimmed);
    mark.bindValue(1, staffId);
    mark.bindValue(2, atMs);
    mark.bindValue(3, itemId);
    if (Status s = run(mark, QT_TRANSLATE_NOOP("qpos::reconcile",
                                               "marking a reconciliation difference handled"));
        !s.ok())
        return s;
    return tx.commit();
}

// In the caller's write transaction: the item exists and nobody resolved it yet.
Status SqliteBatchStore::checkItemOpen(qint64 itemId) {
    QSqlQuery& find = m_sql->itemResolution;
    find.bindValue(0, itemId);
    if (Status s = run(
            find, QT_TRANSLATE_NOOP("qpos::reconcile", "reading a reconciliation batch's items"));
        !s.ok())
        return s;
    if (!find.next()) {
        find.finish();
        return noSuchItem(itemId);
    }
    const QString resolution = find.value(0).toString();
    find.finish();
    if (resolution != itemResolutionName(ItemResolution::Open))
        return alreadyResolved(
            itemId, itemResolutionFromName(resolution).value_or(ItemResolution::Handled));
    return Status::success();
}

Status SqliteBatchStore::resolveAutomatically(qint64 itemId, const QString& evidence, qint64 atMs) {
    if (!m_sql)
        return notOpen();
    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s;
    if (Status s = checkItemOpen(itemId); !s.ok())
        return s;
    QSqlQuery mark(m_db.handle());
    mark.prepare(QStringLiteral("UPDATE reconcile_items SET resolution = 'automatic', "
                                "evidence = ?, resolved_by = ?, resolved_at_ms = ? WHERE id = ?"));
    mark.addBindValue(notNull(evidence));
    mark.addBindValue(QString(kJanitor));
    mark.addBindValue(atMs);
    mark.addBindValue(itemId);
    if (Status s = run(mark, QT_TRANSLATE_NOOP("qpos::reconcile",
                                               "marking a reconciliation difference settled"));
        !s.ok())
        return s;
    return tx.commit();
}

} // namespace qpos::reconcile
