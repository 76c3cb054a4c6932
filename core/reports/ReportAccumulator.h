#pragma once

#include "core/common/Result.h"
#include "core/reports/SalesReport.h"

#include <QHash>
#include <QMap>
#include <QString>

namespace qpos::reports {

struct ReportScope;

// What a report knows of the drawer besides the cash channel's own sales and refunds: the
// floats counted in and, once counted, what was found (docs/reports.md, "Cash").
struct DrawerCounts {
    money::Fen floatsFen = 0;
    std::optional<money::Fen> countedFen;
    std::optional<money::Fen> differenceFen;
    QString differenceReason;
};

// The sums behind every SalesReport. The till feeds it the rows of its report tables
// (buildSalesReport), the store server the orders and refunds every till uploaded
// (server/reports/StoreSalesReport); the figures are added and laid out here only, so the two
// reports cannot count differently.
class ReportAccumulator {
public:
    // A range of business days (every day listed), or a shift (the days it touched).
    explicit ReportAccumulator(const ReportScope& scope);

    // A range of at most 366 days, first day not after the last; a shift needs no days.
    static Status checkScope(const ReportScope& scope);

    // Sales and refunds of one business day, China hour (0-23), channel name and cashier.
    void add(int businessDay, int hour, const QString& channel, const QString& cashierId,
             const Figures& figures);
    // A refund that gave money back, in the order it was recorded; its amount is counted by
    // add(), not here.
    void addRefundLine(RefundLine line);

    // The report: every provider channel listed, 24 hours, the days, the cashiers (named from
    // `cashierNames`), the refunds, and the drawer from the cash channel and `drawer`.
    SalesReport finish(const QHash<QString, QString>& cashierNames,
                       const DrawerCounts& drawer) const;

private:
    SalesReport m_report; // the scope and the refund lines; the rest in the sums below
    QMap<QString, Figures> m_channels;
    QMap<QString, Figures> m_cashiers;
    QMap<int, Figures> m_days;
    Figures m_hours[24];
};

} // namespace qpos::reports
