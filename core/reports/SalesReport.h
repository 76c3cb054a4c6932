#pragma once

#include "core/common/Result.h"
#include "core/money/Money.h"
#include "core/reports/CashFigures.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

namespace qpos::reports {

// Sales and refunds of one slice of a report. Integer fen.
struct Figures {
    qint64 saleCount = 0;
    money::Fen saleFen = 0;
    qint64 refundCount = 0;
    money::Fen refundFen = 0;

    money::Fen netFen() const { return saleFen - refundFen; }
    void add(const Figures& other);
    bool operator==(const Figures&) const = default;
};

struct ChannelFigures {
    QString channel; // "alipay", "wechat", ...: the order's channel name
    Figures figures;
};
struct HourFigures {
    int hour = 0; // China hour, 0-23
    Figures figures;
};
struct DayFigures {
    int day = 0; // business day, yyyyMMdd
    Figures figures;
};
struct CashierFigures {
    QString cashierId; // empty: orders without a cashier
    QString name;      // from the staff list; empty when the cashier was removed
    Figures figures;
};

// How every report names a cashier's row: "name (id)", the id alone when the name is gone, and
// "(no cashier)" for orders nobody was logged in for (taken by qposctl, say).
QString cashierLabel(const CashierFigures& cashier);

// One refund that gave money back: who approved it and why.
struct RefundLine {
    qint64 atMs = 0; // when the till recorded it, UTC ms
    int businessDay = 0;
    QString outTradeNo;
    QString channel;
    QString cashierId; // who took the sale
    money::Fen amountFen = 0;
    QString approvedBy;
    QString reason;
};

// Every figure of a report, as the one report function computed it (ReportBuilder.h). The
// window, the exports, printing and the X and Z reports all show this, so they cannot drift.
struct SalesReport {
    int fromDay = 0; // business days, yyyyMMdd, inclusive
    int toDay = 0;
    qint64 shiftId = 0; // set: only that shift's changes
    Figures total;
    QList<ChannelFigures> channels; // every channel, by name
    QList<HourFigures> hours;       // 24 rows, 0-23
    QList<DayFigures> days;         // every day of the range
    QList<CashierFigures> cashiers; // by id
    QList<RefundLine> refunds;      // in the order they were recorded
    CashFigures cash;               // the drawer: float, cash sales and refunds, the count

    // Gross sales over the number of sales, rounded half up; 0 without sales.
    money::Fen averageTicketFen() const;
};

// The report as stored in a Z report and as the store server answers it: amounts and ids as
// strings (JSON numbers are doubles in many readers). Reading refuses a figure that is not a
// whole number, and a cashier's id or name or a refund's cashier, approver or reason that is
// not a text.
QJsonObject toJson(const SalesReport& report);
Result<SalesReport> salesReportFromJson(const QJsonObject& json);

} // namespace qpos::reports

Q_DECLARE_METATYPE(qpos::reports::SalesReport)
