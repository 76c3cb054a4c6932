#include "core/reports/CashFigures.h"

#include <QCoreApplication>

namespace qpos::reports {

bool CashFigures::isEmpty() const {
    return openingFloatFen == 0 && salesFen == 0 && refundsFen == 0 && !countedFen;
}

money::Fen expectedCashFen(money::Fen openingFloatFen, money::Fen cashSalesFen,
                           money::Fen cashRefundsFen) {
    return openingFloatFen + cashSalesFen - cashRefundsFen;
}

CashFigures cashFiguresOf(money::Fen openingFloatFen, money::Fen cashSalesFen,
                          money::Fen cashRefundsFen) {
    CashFigures cash;
    cash.openingFloatFen = openingFloatFen;
    cash.salesFen = cashSalesFen;
    cash.refundsFen = cashRefundsFen;
    cash.expectedFen = expectedCashFen(openingFloatFen, cash.salesFen, cash.refundsFen);
    return cash;
}

QList<CashLine> cashLines(const CashFigures& cash) {
    const QString notCounted =
        QCoreApplication::translate("qpos::reports::CashFigures", "not counted yet");
    return {
        {QCoreApplication::translate("qpos::reports::CashFigures", "Opening float"),
         money::formatYuan(cash.openingFloatFen)},
        {QCoreApplication::translate("qpos::reports::CashFigures", "Cash sales"),
         money::formatYuan(cash.salesFen)},
        {QCoreApplication::translate("qpos::reports::CashFigures", "Cash refunds"),
         money::formatYuan(cash.refundsFen)},
        {QCoreApplication::translate("qpos::reports::CashFigures", "Expected in the drawer"),
         money::formatYuan(cash.expectedFen)},
        {QCoreApplication::translate("qpos::reports::CashFigures", "Counted"),
         cash.countedFen ? money::formatYuan(*cash.countedFen) : notCounted},
        {QCoreApplication::translate("qpos::reports::CashFigures", "Difference"),
         cash.differenceFen ? money::formatYuan(*cash.differenceFen) : notCounted},
        {QCoreApplication::translate("qpos::reports::CashFigures", "Reason for the difference"),
         cash.differenceReason},
    };
}

} // namespace qpos::reports
