#include "core/reconcile/BatchCsv.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/reports/CsvSheet.h"

#include <QCoreApplication>

namespace qpos::reconcile {

using reports::CsvField;

namespace {

CsvField count(qint64 n) {
    return CsvField::number(QString::number(n));
}

CsvField yuan(money::Fen fen) {
    return CsvField::number(money::formatYuan(fen));
}

CsvField optionalYuan(const std::optional<money::Fen>& fen) {
    return fen ? yuan(*fen) : CsvField(QString());
}

CsvField timeOf(qint64 atMs) {
    return CsvField::number(atMs > 0 ? china_calendar::formatTimestamp(atMs) : QString());
}

} // namespace

QByteArray batchCsv(const StoredBatch& batch, const QList<StoredItem>& items) {
    reports::CsvSheet sheet;
    sheet.row({QCoreApplication::translate("qpos::reconcile::BatchCsv", "Reconciliation"),
               channelLabel(batch.provider), CsvField::number(batch.day.toString(Qt::ISODate))});
    sheet.gap();

    sheet.row({QCoreApplication::translate("qpos::reconcile::BatchCsv", "Day"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Provider"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Merchant"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "State"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Bill payments"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Bill paid (yuan)"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Bill refunds"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Bill refunded (yuan)"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Ledger payments"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Ledger paid (yuan)"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Ledger refunds"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Ledger refunded (yuan)"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Fee (yuan)"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Matched"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Waiting for later bills"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Differences"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Open"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Message")});
    const BatchTotals& t = batch.totals;
    sheet.row({CsvField::number(batch.day.toString(Qt::ISODate)), channelLabel(batch.provider),
               batch.merchantId, batchStateLabel(batch.state), count(t.provider.paymentCount),
               yuan(t.provider.paymentFen), count(t.provider.refundCount),
               yuan(t.provider.refundFen), count(t.local.paymentCount), yuan(t.local.paymentFen),
               count(t.local.refundCount), yuan(t.local.refundFen),
               CsvField::number(money::formatSubFenYuan(t.fee)), count(t.matched), count(t.held),
               count(batch.itemCount), count(batch.openItemCount), batch.error});
    sheet.gap();

    sheet.row({QCoreApplication::translate("qpos::reconcile::BatchCsv", "Difference"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Order"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Refund request"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Ledger state"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Ledger amount (yuan)"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Bill state"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Bill amount (yuan)"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Provider's trade number"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Bill line"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Detail"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Settled"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Provider's answer"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Note"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Settled by"),
               QCoreApplication::translate("qpos::reconcile::BatchCsv", "Settled at")});
    for (const StoredItem& s : items) {
        const DifferenceItem& d = s.item;
        sheet.row({differenceClassLabel(d.kind), d.outTradeNo, d.outRequestNo, d.localState,
                   optionalYuan(d.localAmountFen), d.providerState,
                   optionalYuan(d.providerAmountFen), d.providerTradeNo,
                   d.billLine > 0 ? count(d.billLine) : CsvField(QString()), d.detail,
                   itemResolutionLabel(s.resolution), s.evidence, s.note, s.resolvedBy,
                   timeOf(s.resolvedAtMs)});
    }
    return sheet.bytes();
}

} // namespace qpos::reconcile
