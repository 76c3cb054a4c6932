#include "core/reconcile/Reconciler.h"

#include "core/gateways/alipay/AlipayBill.h"
#include "core/gateways/wechat/WechatBill.h"
#include "core/reconcile/BillMatcher.h"
#include "core/reconcile/SummaryCheck.h"

namespace qpos::reconcile {

BillStream alipayZipStream(QByteArray zip, qint64 maxFileBytes) {
    return [zip = std::move(zip), maxFileBytes](gateway::BillRecordSink& sink) {
        return alipay::forEachAlipayRecord(zip, maxFileBytes, sink);
    };
}

BillStream wechatGzipStream(QByteArray gz, qsizetype maxBytes) {
    return [gz = std::move(gz), maxBytes](gateway::BillRecordSink& sink) {
        return wechat::forEachWechatRecordGzip(gz, maxBytes, sink);
    };
}

BillStream wechatCsvStream(QByteArray csvUtf8) {
    return [csv = std::move(csvUtf8)](gateway::BillRecordSink& sink) {
        return wechat::forEachWechatRecord(csv, sink);
    };
}

BillStream emptyBillStream() {
    return [](gateway::BillRecordSink&) -> Result<gateway::ProviderBill> {
        gateway::ProviderBill bill;
        bill.totals.lineCount = 0;
        bill.totals.paymentCount = 0;
        bill.totals.refundCount = 0;
        bill.totals.receivedFen = 0;
        bill.totals.refundFen = 0;
        bill.totals.fee = money::SubFen();
        return bill;
    };
}

Result<ReconcileResult> reconcileDay(const ReconcileRequest& request, const BillStream& bill,
                                     ReconcileLedger& ledger) {
    BillMatcher matcher(ledger, request.scope, request.day, request.pool);
    if (Status s = matcher.loadLedger(); !s.ok())
        return s.error();
    Result<gateway::ProviderBill> parsed = bill(matcher);
    if (!parsed)
        return parsed.error();
    if (Status s = checkSummary(parsed->totals, matcher.counted()); !s.ok())
        return s.error();
    return matcher.finish();
}

} // namespace qpos::reconcile
