#pragma once

#include "core/reconcile/ReconcileBatch.h"

#include <QByteArray>
#include <QList>

namespace qpos::reconcile {

// A batch and its differences as a spreadsheet file (core/reports/CsvSheet: UTF-8 with a BOM,
// every field quoted, text from the bill or a person guarded against formulas): the batch's
// figures, then one row per item. Amounts are yuan with two decimals ("12.34"); the fee has
// the bill's five decimals, exactly.
QByteArray batchCsv(const StoredBatch& batch, const QList<StoredItem>& items);

} // namespace qpos::reconcile
