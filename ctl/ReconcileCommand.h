#pragma once

#include <QStringList>

namespace qpos::ctl {

class CtlContext;

// qposctl reconcile --date yyyy-MM-dd|yesterday [--provider alipay|wechat] [--json] [--wait]
// [--retry-seconds N] [--until HH:MM]: downloads each provider's bill of the day, matches it
// against the till's ledger and keeps the batch in the till's database, the provider asked
// about each status and provider_only difference first. Exit: 0 every bill agrees (or there
// was none), 4 open differences, 5 a bill not made yet or overdue, 1 an error.
// JSON: {"batches":[{"batch":{...},"items":[...]}]} (reconcile::batchToJson / itemToJson).
int runReconcileCommand(CtlContext& context, const QStringList& arguments);

} // namespace qpos::ctl
