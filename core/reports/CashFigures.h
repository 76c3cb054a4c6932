#pragma once

#include "core/money/Money.h"

#include <QList>
#include <QString>

#include <optional>

namespace qpos::reports {

// The cash in the drawer over a shift or a range of business days (docs/reports.md, "Cash").
// Integer fen. Filled by the report function, so the shift-end count, the screen and the X and
// Z reports show the same figures.
struct CashFigures {
    money::Fen openingFloatFen = 0; // the floats counted into the drawer at login
    money::Fen salesFen = 0;        // cash taken for sales
    money::Fen refundsFen = 0;      // cash handed back for refunds
    money::Fen expectedFen = 0;     // expectedCashFen() of the three above
    // Set once a shift's cash was counted at its end (a range: the sum over its counted shifts).
    std::optional<money::Fen> countedFen;
    // Counted minus expected, as stored when each shift was counted.
    std::optional<money::Fen> differenceFen;
    QString differenceReason; // why counted and expected differ (a range: every shift's reason)

    // Nothing to show: no float, no cash sale or refund, no count.
    bool isEmpty() const;
    bool operator==(const CashFigures&) const = default;
};

// The one place the drawer's expected cash is computed: float + cash sales − cash refunds.
// The shift-end count, the X report and the Z report all use it.
money::Fen expectedCashFen(money::Fen openingFloatFen, money::Fen cashSalesFen,
                           money::Fen cashRefundsFen);

// The cash figures from the drawer's float and the cash channel's sales and refunds.
CashFigures cashFiguresOf(money::Fen openingFloatFen, money::Fen cashSalesFen,
                          money::Fen cashRefundsFen);

// One line of the cash figures as every report shows them: a translated label and its value
// (yuan with two decimals, or words). The window, the CSV, the PDF and the Z all list these.
struct CashLine {
    QString label;
    QString value;
};
QList<CashLine> cashLines(const CashFigures& cash);

} // namespace qpos::reports
