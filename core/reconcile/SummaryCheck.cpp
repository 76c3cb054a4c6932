#include "core/reconcile/SummaryCheck.h"

#include <QCoreApplication>

namespace qpos::reconcile {

void CountedLines::add(const gateway::BillRecord& record) {
    ++lines;
    payments += record.kind == gateway::BillLineKind::Payment ? 1 : 0;
    refunds += record.kind == gateway::BillLineKind::Refund ? 1 : 0;
    receivedFen += record.receivedFen;
    refundFen += record.refundFen;
    fee += record.fee;
}

namespace {

Error mismatch(const QString& what, const QString& printed, const QString& counted) {
    return Error{QStringLiteral("reconcile.summary_mismatch"),
                 QCoreApplication::translate("qpos::reconcile",
                                             "The bill's summary gives %1 = %2, but its lines "
                                             "add up to %3: the file is damaged or cut short. "
                                             "Nothing was matched; download the bill again.")
                     .arg(what, printed, counted)};
}

} // namespace

Status checkSummary(const gateway::BillTotals& printed, const CountedLines& counted) {
    if (!printed.lineCount && !printed.paymentCount && !printed.refundCount &&
        !printed.receivedFen && !printed.refundFen && !printed.fee)
        return Error{QStringLiteral("reconcile.no_summary"),
                     QCoreApplication::translate("qpos::reconcile",
                                                 "The bill has no summary totals, so nothing "
                                                 "shows that it is complete. Nothing was "
                                                 "matched; download the bill again.")};
    struct Count {
        const std::optional<qint64>& printed;
        qint64 counted;
        const char* what;
    };
    // The totals' names are translated where the sentence is: the manager reads both.
    for (const Count& c :
         {Count{printed.lineCount, counted.lines, QT_TRANSLATE_NOOP("qpos::reconcile", "lines")},
          Count{printed.paymentCount, counted.payments,
                QT_TRANSLATE_NOOP("qpos::reconcile", "payments")},
          Count{printed.refundCount, counted.refunds,
                QT_TRANSLATE_NOOP("qpos::reconcile", "refunds")}}) {
        if (c.printed && *c.printed != c.counted)
            return mismatch(QCoreApplication::translate("qpos::reconcile", c.what),
                            QString::number(*c.printed), QString::number(c.counted));
    }
    if (printed.receivedFen && *printed.receivedFen != counted.receivedFen)
        return mismatch(QCoreApplication::translate("qpos::reconcile", "amount received"),
                        money::formatYuan(*printed.receivedFen),
                        money::formatYuan(counted.receivedFen));
    if (printed.refundFen && *printed.refundFen != counted.refundFen)
        return mismatch(QCoreApplication::translate("qpos::reconcile", "amount refunded"),
                        money::formatYuan(*printed.refundFen),
                        money::formatYuan(counted.refundFen));
    if (printed.fee && *printed.fee != counted.fee)
        return mismatch(QCoreApplication::translate("qpos::reconcile", "fees"),
                        money::formatSubFenYuan(*printed.fee),
                        money::formatSubFenYuan(counted.fee));
    return Status::success();
}

} // namespace qpos::reconcile
