#include "core/reconcile/MemoryBatchStore.h"

#include "core/reconcile/BatchRows.h"

#include <QCoreApplication>

#include <algorithm>

namespace qpos::reconcile {

namespace {

bool sameDifference(const DifferenceItem& a, const DifferenceItem& b) {
    return a.kind == b.kind && a.outTradeNo == b.outTradeNo && a.outRequestNo == b.outRequestNo;
}

} // namespace

MemoryBatchStore::Entry* MemoryBatchStore::find(const LedgerScope& scope, const QDate& day) {
    for (Entry& entry : m_entries) {
        if (entry.batch.provider == scope.provider && entry.batch.merchantId == scope.merchantId &&
            entry.batch.day == day)
            return &entry;
    }
    return nullptr;
}

MemoryBatchStore::Entry& MemoryBatchStore::findOrCreate(const LedgerScope& scope, const QDate& day,
                                                        qint64 atMs) {
    if (Entry* entry = find(scope, day))
        return *entry;
    Entry entry;
    entry.batch.id = m_nextBatchId++;
    entry.batch.provider = scope.provider;
    entry.batch.merchantId = scope.merchantId;
    entry.batch.day = day;
    entry.batch.createdAtMs = atMs;
    m_entries.append(entry);
    return m_entries.last();
}

void MemoryBatchStore::recount(Entry& entry) {
    entry.batch.itemCount = entry.items.size();
    entry.batch.openItemCount =
        std::count_if(entry.items.cbegin(), entry.items.cend(), [](const StoredItem& item) {
            return item.resolution == ItemResolution::Open;
        });
}

Result<HoldingPool> MemoryBatchStore::poolBefore(const LedgerScope& scope, const QDate& day) {
    const Entry* latest = nullptr;
    for (const Entry& entry : m_entries) {
        const StoredBatch& b = entry.batch;
        if (b.provider != scope.provider || b.merchantId != scope.merchantId || b.day >= day)
            continue;
        if (b.state != BatchState::Complete && b.state != BatchState::NoBill)
            continue;
        if (!latest || b.day > latest->batch.day)
            latest = &entry;
    }
    return latest ? latest->pool : HoldingPool{};
}

Result<qint64> MemoryBatchStore::saveCompleted(const CompletedRun& run) {
    if (run.resolutions.size() != run.result.items.size() ||
        run.evidence.size() != run.result.items.size())
        return Error{QStringLiteral("reconcile.run_mismatch"),
                     QCoreApplication::translate("qpos::reconcile",
                                                 "The run's verdicts do not match its items; "
                                                 "the batch was not saved. Run the day again.")};
    if (Status s = checkMatchedState(run.state); !s.ok())
        return s.error();
    const LedgerScope scope{run.result.provider, run.result.merchantId};
    Entry& entry = findOrCreate(scope, run.result.day, run.atMs);
    // A matched bill is never replaced by a provider that now says there is none.
    if (entry.batch.attempts > 0 && batchOutlives(entry.batch.state, run.state)) {
        ++entry.batch.attempts;
        entry.batch.updatedAtMs = run.atMs;
        return entry.batch.id;
    }
    QList<StoredItem> handled;
    for (const StoredItem& old : entry.items) {
        if (old.resolution == ItemResolution::Handled)
            handled.append(old);
    }
    entry.items.clear();
    for (qsizetype i = 0; i < run.result.items.size(); ++i) {
        StoredItem item;
        item.id = m_nextItemId++;
        item.batchId = entry.batch.id;
        item.item = run.result.items[i];
        item.resolution = run.resolutions[i];
        item.evidence = run.evidence[i];
        if (item.resolution == ItemResolution::Automatic) {
            item.resolvedBy = QStringLiteral("janitor");
            item.resolvedAtMs = run.atMs;
        }
        // A manager's word on the same difference outlives the run.
        for (qsizetype j = 0; j < handled.size(); ++j) {
            if (sameDifference(handled[j].item, item.item)) {
                const StoredItem kept = handled.takeAt(j);
                item.resolution = ItemResolution::Handled;
                item.evidence.clear();
                item.note = kept.note;
                item.resolvedBy = kept.resolvedBy;
                item.resolvedAtMs = kept.resolvedAtMs;
                break;
            }
        }
        entry.items.append(item);
    }
    entry.pool = run.result.pool;
    entry.batch.state = run.state;
    entry.batch.totals = run.result.totals;
    entry.batch.billSha256 = run.billSha256;
    entry.batch.billFile = run.billFile;
    entry.batch.error.clear();
    ++entry.batch.attempts;
    entry.batch.updatedAtMs = run.atMs;
    recount(entry);
    return entry.batch.id;
}

Result<qint64> MemoryBatchStore::saveIncomplete(const LedgerScope& scope, const QDate& day,
                                                BatchState state, const QString& error,
                                                qint64 atMs) {
    if (Status s = checkUnmatchedState(state); !s.ok())
        return s.error();
    Entry& entry = findOrCreate(scope, day, atMs);
    const bool kept = entry.batch.attempts > 0 && batchOutlives(entry.batch.state, state);
    ++entry.batch.attempts;
    entry.batch.updatedAtMs = atMs;
    // A matched day is never lost to a later download that did not work.
    if (kept)
        return entry.batch.id;
    entry.batch.state = state;
    entry.batch.error = error;
    entry.batch.totals = {};
    entry.items.clear();
    entry.pool = {};
    recount(entry);
    return entry.batch.id;
}

Result<QList<StoredBatch>> MemoryBatchStore::batches(const QDate& from, const QDate& to) {
    QList<StoredBatch> found;
    for (const Entry& entry : m_entries) {
        if (entry.batch.day >= from && entry.batch.day <= to)
            found.append(entry.batch);
    }
    std::sort(found.begin(), found.end(), [](const StoredBatch& a, const StoredBatch& b) {
        if (a.day != b.day)
            return a.day > b.day;
        return a.id < b.id;
    });
    return found;
}

Result<std::optional<StoredBatch>> MemoryBatchStore::batch(qint64 batchId) {
    for (const Entry& entry : m_entries) {
        if (entry.batch.id == batchId)
            return std::optional<StoredBatch>(entry.batch);
    }
    return std::optional<StoredBatch>();
}

Result<QList<StoredItem>> MemoryBatchStore::items(qint64 batchId) {
    for (const Entry& entry : m_entries) {
        if (entry.batch.id == batchId)
            return entry.items;
    }
    return QList<StoredItem>();
}

Status MemoryBatchStore::markHandled(qint64 itemId, const QString& staffId, const QString& note,
                                     qint64 atMs) {
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
    for (Entry& entry : m_entries) {
        for (StoredItem& item : entry.items) {
            if (item.id != itemId)
                continue;
            if (item.resolution != ItemResolution::Open)
                return alreadyResolved(itemId, item.resolution);
            item.resolution = ItemResolution::Handled;
            item.note = trimmed;
            item.resolvedBy = staffId;
            item.resolvedAtMs = atMs;
            recount(entry);
            return Status::success();
        }
    }
    return noSuchItem(itemId);
}

Status MemoryBatchStore::resolveAutomatically(qint64 itemId, const QString& evidence, qint64 atMs) {
    for (Entry& entry : m_entries) {
        for (StoredItem& item : entry.items) {
            if (item.id != itemId)
                continue;
            if (item.resolution != ItemResolution::Open)
                return alreadyResolved(itemId, item.resolution);
            item.resolution = ItemResolution::Automatic;
            item.evidence = evidence;
            item.resolvedBy = kJanitor;
            item.resolvedAtMs = atMs;
            recount(entry);
            return Status::success();
        }
    }
    return noSuchItem(itemId);
}

} // namespace qpos::reconcile
