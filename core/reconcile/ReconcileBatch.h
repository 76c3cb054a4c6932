#pragma once

#include "core/orders/Channel.h"
#include "core/reconcile/ReconcileTypes.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QStringView>
#include <QtGlobal>

#include <optional>

namespace qpos::reconcile {

// Where a (provider, merchant, day) batch stands (docs/reconciliation.md, "Runs").
enum class BatchState : int {
    Complete = 0,       // the bill was matched; the items are the differences
    WaitingForBill = 1, // the provider has not made the bill yet: the run will try again
    Overdue = 2,        // still no bill at the run's deadline: an alert for the manager
    NoBill = 3,         // the provider says there is none (no trade that day)
    Failed = 4,         // the bill could not be read (damaged, totals disagree): see `error`
};

inline constexpr BatchState kAllBatchStates[] = {
    BatchState::Complete, BatchState::WaitingForBill, BatchState::Overdue,
    BatchState::NoBill,   BatchState::Failed,
};

// "complete", "waiting_for_bill", "overdue", "no_bill", "failed".
QString batchStateName(BatchState state);
std::optional<BatchState> batchStateFromName(QStringView name);
QString batchStateLabel(BatchState state); // translated

// How an item was settled.
enum class ItemResolution : int {
    Open = 0,      // for the manager
    Automatic = 1, // the provider's answer to a query settled it (the Janitor): `evidence`
    Handled = 2,   // a manager marked it handled: `note`, `resolvedBy`, `resolvedAtMs`
};

inline constexpr ItemResolution kAllItemResolutions[] = {
    ItemResolution::Open,
    ItemResolution::Automatic,
    ItemResolution::Handled,
};

// "open", "automatic", "handled".
QString itemResolutionName(ItemResolution resolution);
std::optional<ItemResolution> itemResolutionFromName(QStringView name);
QString itemResolutionLabel(ItemResolution resolution); // translated

// One stored difference.
struct StoredItem {
    qint64 id = 0; // the store's own, stable while the batch is not run again
    qint64 batchId = 0;
    DifferenceItem item;
    ItemResolution resolution = ItemResolution::Open;
    // Automatic: what the provider answered (e.g. "alipay.trade.query: TRADE_SUCCESS 12.00,
    // trade_no 2026…"), no secret. Handled: empty.
    QString evidence;
    QString note;       // Handled: the manager's note
    QString resolvedBy; // Handled: the staff id of the manager; Automatic: "janitor"
    qint64 resolvedAtMs = 0;
};

// One batch: one provider's bill of one China day for one merchant account.
struct StoredBatch {
    qint64 id = 0;
    Channel provider = Channel::Alipay;
    QString merchantId;
    QDate day;
    BatchState state = BatchState::Complete;
    BatchTotals totals;       // Complete only
    qint64 itemCount = 0;     // every item
    qint64 openItemCount = 0; // items still Open
    // The raw file as the provider served it: its SHA-256 (lower-case hex) and where it is
    // kept (a path beside the database, or empty when not kept).
    QString billSha256;
    QString billFile;
    QString error;    // Failed, Overdue, WaitingForBill: a translated sentence saying what next
    int attempts = 0; // downloads tried for this batch
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
};

} // namespace qpos::reconcile
