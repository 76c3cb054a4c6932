#pragma once

#include "core/common/Result.h"
#include "core/gateways/ProviderBill.h"
#include "core/money/Money.h"
#include "core/money/SubFen.h"

#include <QtGlobal>

namespace qpos::reconcile {

// What the detail lines a run received add up to, in the terms of gateway::BillTotals.
struct CountedLines {
    qint64 lines = 0;
    qint64 payments = 0;
    qint64 refunds = 0;
    money::Fen receivedFen = 0;
    money::Fen refundFen = 0;
    money::SubFen fee;

    void add(const gateway::BillRecord& record);
};

// The bill's own totals against the lines that reached the matcher, before any difference
// is reported: a damaged or truncated file must fail the batch, not report every missing
// line as a difference. A bill without totals (an Alipay archive without its summary file)
// is refused too: nothing would show that it is whole. Errors are "reconcile.no_summary"
// and "reconcile.summary_mismatch", naming the total and both figures.
Status checkSummary(const gateway::BillTotals& printed, const CountedLines& counted);

} // namespace qpos::reconcile
