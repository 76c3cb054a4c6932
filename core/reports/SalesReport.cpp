#include "core/reports/SalesReport.h"

#include "core/staff/StaffLabel.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <limits>

namespace qpos::reports {

QString cashierLabel(const CashierFigures& cashier) {
    if (cashier.cashierId.isEmpty())
        return QCoreApplication::translate("qpos::reports::SalesReport", "(no cashier)");
    return staffLabel(cashier.cashierId, cashier.name);
}

namespace {

QString number(qint64 value) {
    return QString::number(value);
}

QJsonObject figuresJson(const Figures& f) {
    return QJsonObject{{QStringLiteral("sale_count"), number(f.saleCount)},
                       {QStringLiteral("sale_fen"), number(f.saleFen)},
                       {QStringLiteral("refund_count"), number(f.refundCount)},
                       {QStringLiteral("refund_fen"), number(f.refundFen)}};
}

// Reads a whole number written by number(); anything else is refused by the caller.
bool readNumber(const QJsonObject& o, const char* key, qint64& out) {
    bool ok = false;
    out = o.value(QLatin1String(key)).toString().toLongLong(&ok);
    return ok;
}

// A day, an hour: a whole number that fits an int, never cut to one.
bool readInt(const QJsonObject& o, const char* key, int& out) {
    qint64 value = 0;
    if (!readNumber(o, key, value) || value < std::numeric_limits<int>::min() ||
        value > std::numeric_limits<int>::max())
        return false;
    out = int(value);
    return true;
}

// A text that names someone or says why: a JSON string, which toJson always writes.
bool readText(const QJsonObject& o, const char* key, QString& out) {
    const QJsonValue value = o.value(QLatin1String(key));
    out = value.toString();
    return value.isString();
}

bool readFigures(const QJsonObject& o, Figures& f) {
    return readNumber(o, "sale_count", f.saleCount) && readNumber(o, "sale_fen", f.saleFen) &&
           readNumber(o, "refund_count", f.refundCount) && readNumber(o, "refund_fen", f.refundFen);
}

} // namespace

void Figures::add(const Figures& other) {
    saleCount += other.saleCount;
    saleFen += other.saleFen;
    refundCount += other.refundCount;
    refundFen += other.refundFen;
}

money::Fen SalesReport::averageTicketFen() const {
    if (total.saleCount <= 0)
        return 0;
    return (total.saleFen * 2 + total.saleCount) / (total.saleCount * 2);
}

QJsonObject toJson(const SalesReport& r) {
    QJsonArray channels;
    for (const ChannelFigures& c : r.channels) {
        QJsonObject o = figuresJson(c.figures);
        o.insert(QStringLiteral("channel"), c.channel);
        channels.append(o);
    }
    QJsonArray hours;
    for (const HourFigures& h : r.hours) {
        QJsonObject o = figuresJson(h.figures);
        o.insert(QStringLiteral("hour"), number(h.hour));
        hours.append(o);
    }
    QJsonArray days;
    for (const DayFigures& d : r.days) {
        QJsonObject o = figuresJson(d.figures);
        o.insert(QStringLiteral("day"), number(d.day));
        days.append(o);
    }
    QJsonArray cashiers;
    for (const CashierFigures& c : r.cashiers) {
        QJsonObject o = figuresJson(c.figures);
        o.insert(QStringLiteral("cashier_id"), c.cashierId);
        o.insert(QStringLiteral("name"), c.name);
        cashiers.append(o);
    }
    QJsonArray refunds;
    for (const RefundLine& l : r.refunds)
        refunds.append(QJsonObject{{QStringLiteral("at_ms"), number(l.atMs)},
                                   {QStringLiteral("business_day"), number(l.businessDay)},
                                   {QStringLiteral("out_trade_no"), l.outTradeNo},
                                   {QStringLiteral("channel"), l.channel},
                                   {QStringLiteral("cashier_id"), l.cashierId},
                                   {QStringLiteral("amount_fen"), number(l.amountFen)},
                                   {QStringLiteral("approved_by"), l.approvedBy},
                                   {QStringLiteral("reason"), l.reason}});
    QJsonObject cash{{QStringLiteral("opening_float_fen"), number(r.cash.openingFloatFen)},
                     {QStringLiteral("sales_fen"), number(r.cash.salesFen)},
                     {QStringLiteral("refunds_fen"), number(r.cash.refundsFen)},
                     {QStringLiteral("expected_fen"), number(r.cash.expectedFen)},
                     {QStringLiteral("difference_reason"), r.cash.differenceReason}};
    if (r.cash.countedFen)
        cash.insert(QStringLiteral("counted_fen"), number(*r.cash.countedFen));
    if (r.cash.differenceFen)
        cash.insert(QStringLiteral("difference_fen"), number(*r.cash.differenceFen));
    return QJsonObject{{QStringLiteral("from_day"), number(r.fromDay)},
                       {QStringLiteral("to_day"), number(r.toDay)},
                       {QStringLiteral("shift_id"), number(r.shiftId)},
                       {QStringLiteral("total"), figuresJson(r.total)},
                       {QStringLiteral("channels"), channels},
                       {QStringLiteral("hours"), hours},
                       {QStringLiteral("days"), days},
                       {QStringLiteral("cashiers"), cashiers},
                       {QStringLiteral("refunds"), refunds},
                       {QStringLiteral("cash"), cash}};
}

Result<SalesReport> salesReportFromJson(const QJsonObject& json) {
    const Error damaged{
        QStringLiteral("report.snapshot"),
        QCoreApplication::translate("qpos::reports::SalesReport",
                                    "A stored report could not be read: its figures are damaged. "
                                    "Keep the order database as it is and call IT.")};
    SalesReport r;
    if (!readInt(json, "from_day", r.fromDay) || !readInt(json, "to_day", r.toDay) ||
        !readNumber(json, "shift_id", r.shiftId) ||
        !readFigures(json.value(u"total").toObject(), r.total))
        return damaged;
    for (const QJsonValue& v : json.value(u"channels").toArray()) {
        ChannelFigures c;
        c.channel = v.toObject().value(u"channel").toString();
        if (!readFigures(v.toObject(), c.figures))
            return damaged;
        r.channels.append(c);
    }
    for (const QJsonValue& v : json.value(u"hours").toArray()) {
        HourFigures h;
        if (!readInt(v.toObject(), "hour", h.hour) || !readFigures(v.toObject(), h.figures))
            return damaged;
        r.hours.append(h);
    }
    for (const QJsonValue& v : json.value(u"days").toArray()) {
        DayFigures d;
        if (!readInt(v.toObject(), "day", d.day) || !readFigures(v.toObject(), d.figures))
            return damaged;
        r.days.append(d);
    }
    for (const QJsonValue& v : json.value(u"cashiers").toArray()) {
        CashierFigures c;
        if (!readText(v.toObject(), "cashier_id", c.cashierId) ||
            !readText(v.toObject(), "name", c.name) || !readFigures(v.toObject(), c.figures))
            return damaged;
        r.cashiers.append(c);
    }
    for (const QJsonValue& v : json.value(u"refunds").toArray()) {
        const QJsonObject o = v.toObject();
        RefundLine l;
        if (!readNumber(o, "at_ms", l.atMs) || !readInt(o, "business_day", l.businessDay) ||
            !readNumber(o, "amount_fen", l.amountFen) || !readText(o, "cashier_id", l.cashierId) ||
            !readText(o, "approved_by", l.approvedBy) || !readText(o, "reason", l.reason))
            return damaged;
        l.outTradeNo = o.value(u"out_trade_no").toString();
        l.channel = o.value(u"channel").toString();
        r.refunds.append(l);
    }
    // A Z taken before the till knew cash has no cash figures: all zero.
    if (json.contains(u"cash")) {
        const QJsonObject cash = json.value(u"cash").toObject();
        if (!readNumber(cash, "opening_float_fen", r.cash.openingFloatFen) ||
            !readNumber(cash, "sales_fen", r.cash.salesFen) ||
            !readNumber(cash, "refunds_fen", r.cash.refundsFen) ||
            !readNumber(cash, "expected_fen", r.cash.expectedFen))
            return damaged;
        qint64 value = 0;
        if (cash.contains(u"counted_fen")) {
            if (!readNumber(cash, "counted_fen", value))
                return damaged;
            r.cash.countedFen = value;
        }
        if (cash.contains(u"difference_fen")) {
            if (!readNumber(cash, "difference_fen", value))
                return damaged;
            r.cash.differenceFen = value;
        }
        r.cash.differenceReason = cash.value(u"difference_reason").toString();
    }
    return r;
}

} // namespace qpos::reports
