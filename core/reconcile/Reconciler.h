#pragma once

#include "core/common/Result.h"
#include "core/gateways/ProviderBill.h"
#include "core/reconcile/ReconcileLedger.h"
#include "core/reconcile/ReconcileTypes.h"

#include <QByteArray>
#include <QDate>

#include <functional>

namespace qpos::reconcile {

// Streams a bill's detail lines into a sink and returns the rest of the bill (its totals):
// one of the providers' forEach…Record functions bound to a downloaded file.
using BillStream = std::function<Result<gateway::ProviderBill>(gateway::BillRecordSink&)>;

BillStream alipayZipStream(QByteArray zip, qint64 maxFileBytes);
BillStream wechatGzipStream(QByteArray gz, qsizetype maxBytes);
BillStream wechatCsvStream(QByteArray csvUtf8);
// The bill of a day the provider says it has none of (WeChat Pay NO_STATEMENT_EXIST: no payment
// or refund that day): no lines and every total zero, so the day is matched like any other.
BillStream emptyBillStream();

struct ReconcileRequest {
    LedgerScope scope;
    QDate day;        // the bill's China date
    HoldingPool pool; // the previous run's pool
};

// Reconciles one provider's bill of one day against the ledger (docs/reconciliation.md):
// reads the ledger around the day, streams the bill through the matcher, checks the bill's
// totals against the lines received, and only then gives the batch. A bill the parser or
// the summary check refuses gives an error and no batch; the request's pool stays the pool.
// Pure: no network, no writes.
Result<ReconcileResult> reconcileDay(const ReconcileRequest& request, const BillStream& bill,
                                     ReconcileLedger& ledger);

} // namespace qpos::reconcile
