#include "sandbox/bill/BillFaults.h"

#include "core/calendar/ChinaCalendar.h"
#include "sandbox/faults/ProviderFaults.h"

#include <optional>
#include <utility>

namespace qpos::sandbox {

namespace {

// A payment the foreign trade is made at: noon of the bill's day.
constexpr qint64 kNoonMs = 12LL * 3600 * 1000;
// Where bill_next_day dates a payment: a second after midnight, as a provider's clock that
// finished it just after the till's did.
constexpr qint64 kAfterMidnightMs = 1000;
constexpr money::Fen kDefaultForeignFen = 100;
constexpr money::Fen kDefaultChangeFen = 100;

bool inDay(const QDate& day, qint64 ms) {
    return ms >= china_calendar::dayStartMs(day) && ms < china_calendar::dayEndMs(day);
}

// The index of the trade a payment fault names, or else of the day's first payment.
template <typename Trade>
qsizetype paymentIndex(const QList<Trade>& trades, const QDate& day, const QString& outTradeNo) {
    qsizetype best = -1;
    for (qsizetype i = 0; i < trades.size(); ++i) {
        const Trade& t = trades[i];
        if (t.paidMs <= 0 || !inDay(day, t.paidMs))
            continue;
        if (!outTradeNo.isEmpty()) {
            if (t.outTradeNo == outTradeNo)
                return i;
            continue;
        }
        if (best < 0 || t.paidMs < trades[best].paidMs)
            best = i;
    }
    return best;
}

// The trade and refund index of the refund a fault names (by its request number), or else of
// the day's first refund; {-1, -1} when there is none. `listedAt` is when the bill lists a
// refund, if it does.
template <typename Trade, typename ListedAt, typename RequestNo>
std::pair<qsizetype, qsizetype> refundIndex(const QList<Trade>& trades, const QString& requestNo,
                                            ListedAt listedAt, RequestNo requestNoOf) {
    std::pair<qsizetype, qsizetype> best{-1, -1};
    qint64 bestAt = 0;
    for (qsizetype ti = 0; ti < trades.size(); ++ti) {
        for (qsizetype ri = 0; ri < trades[ti].refunds.size(); ++ri) {
            const auto& refund = trades[ti].refunds[ri];
            const std::optional<qint64> at = listedAt(refund);
            if (!at)
                continue;
            if (!requestNo.isEmpty()) {
                if (requestNoOf(refund) == requestNo)
                    return {ti, ri};
                continue;
            }
            if (best.first < 0 || *at < bestAt) {
                best = {ti, ri};
                bestAt = *at;
            }
        }
    }
    return best;
}

// The payment a bill_duplicate_line fault names, listed a second time right after the first:
// a copy without its refunds, so only the payment line repeats.
template <typename Trade>
void duplicatePayment(QList<Trade>& trades, const QDate& day, const FaultRule& rule) {
    const qsizetype i = paymentIndex(trades, day, rule.outTradeNo);
    if (i < 0)
        return;
    Trade copy = trades[i];
    copy.refunds.clear();
    trades.insert(i + 1, copy);
}

// The payment a bill_next_day fault names (paid on its bill_date), dated on the next day. The
// same move serves both bills, so each sees the trade where the other does not.
template <typename Trade>
void moveToNextDay(QList<Trade>& trades, const FaultRule& rule) {
    const qsizetype i = paymentIndex(trades, rule.billDate, rule.outTradeNo);
    if (i >= 0)
        trades[i].paidMs = china_calendar::dayEndMs(rule.billDate) + kAfterMidnightMs;
}

money::Fen changedAmount(const FaultRule& rule, money::Fen was) {
    return rule.amountFen ? *rule.amountFen : was + kDefaultChangeFen;
}

QString foreignNo(const FaultRule& rule) {
    return rule.outTradeNo.isEmpty()
               ? QStringLiteral("OTHERSHOP") + rule.billDate.toString(QStringLiteral("yyyyMMdd"))
               : rule.outTradeNo;
}

} // namespace

BillFaults BillFaults::take(ProviderFaults& faults, const QDate& day, qint64 nowMs) {
    BillFaults f;
    f.day = day;
    f.dropLine = faults.takeBill(FaultKind::BillDropLine, day, nowMs);
    f.changeAmount = faults.takeBill(FaultKind::BillChangeAmount, day, nowMs);
    f.foreignTrade = faults.takeBill(FaultKind::BillForeignTrade, day, nowMs);
    f.dropRefund = faults.takeBill(FaultKind::BillDropRefund, day, nowMs);
    f.changeState = faults.takeBill(FaultKind::BillChangeState, day, nowMs);
    f.duplicateLine = faults.takeBill(FaultKind::BillDuplicateLine, day, nowMs);
    f.toNextDay = faults.takeBill(FaultKind::BillNextDay, day, nowMs);
    f.fromDayBefore = faults.takeBill(FaultKind::BillNextDay, day.addDays(-1), nowMs);
    f.truncated = faults.takeBill(FaultKind::BillTruncated, day, nowMs).has_value();
    return f;
}

QList<AlipayTrade> BillFaults::applyTo(QList<AlipayTrade> trades) const {
    for (const std::optional<FaultRule>& moved : {toNextDay, fromDayBefore}) {
        if (moved)
            moveToNextDay(trades, *moved);
    }
    if (dropLine) {
        const qsizetype i = paymentIndex(trades, day, dropLine->outTradeNo);
        if (i >= 0)
            trades[i].paidMs = 0; // its refunds stay listed
    }
    if (changeAmount) {
        const qsizetype i = paymentIndex(trades, day, changeAmount->outTradeNo);
        if (i >= 0)
            trades[i].total = changedAmount(*changeAmount, trades[i].total);
    }
    if (duplicateLine)
        duplicatePayment(trades, day, *duplicateLine);
    if (dropRefund) {
        const auto [ti, ri] = refundIndex(
            trades, dropRefund->outRequestNo,
            [this](const AlipayRefund& r) {
                return inDay(day, r.atMs) ? std::optional<qint64>(r.atMs) : std::nullopt;
            },
            [](const AlipayRefund& r) { return r.outRequestNo; });
        if (ti >= 0)
            trades[ti].refunds.removeAt(ri);
    }
    if (foreignTrade) {
        AlipayTrade t;
        t.outTradeNo = foreignNo(*foreignTrade);
        t.tradeNo =
            day.toString(QStringLiteral("yyyyMMdd")) + QStringLiteral("22001499990000000001");
        t.status = AlipayTradeStatus::Success;
        t.total = foreignTrade->amountFen.value_or(kDefaultForeignFen);
        t.subject = QStringLiteral("其他门店商品");
        t.storeId = QStringLiteral("OTHER_SHOP");
        t.createdMs = china_calendar::dayStartMs(day) + kNoonMs;
        t.paidMs = t.createdMs;
        t.visible = true;
        trades.append(t);
    }
    return trades;
}

QList<WechatTrade> BillFaults::applyTo(QList<WechatTrade> trades, const QString& mchId,
                                       const QString& appId) const {
    for (const std::optional<FaultRule>& moved : {toNextDay, fromDayBefore}) {
        if (moved)
            moveToNextDay(trades, *moved);
    }
    if (dropLine) {
        const qsizetype i = paymentIndex(trades, day, dropLine->outTradeNo);
        if (i >= 0)
            trades[i].paidMs = 0; // its refunds stay listed
    }
    if (changeAmount) {
        const qsizetype i = paymentIndex(trades, day, changeAmount->outTradeNo);
        if (i >= 0)
            trades[i].total = changedAmount(*changeAmount, trades[i].total);
    }
    if (changeState) {
        const qsizetype i = paymentIndex(trades, day, changeState->outTradeNo);
        if (i >= 0)
            trades[i].listedAsRevoked = true;
    }
    if (duplicateLine)
        duplicatePayment(trades, day, *duplicateLine);
    if (dropRefund) {
        const auto [ti, ri] = refundIndex(
            trades, dropRefund->outRequestNo,
            [this](const WechatRefund& r) {
                return r.status == WechatRefundStatus::Success && inDay(day, r.successMs)
                           ? std::optional<qint64>(r.successMs)
                           : std::nullopt;
            },
            [](const WechatRefund& r) { return r.outRefundNo; });
        if (ti >= 0)
            trades[ti].refunds.removeAt(ri);
    }
    if (foreignTrade) {
        WechatTrade t;
        t.mchId = mchId;
        t.appId = appId;
        t.outTradeNo = foreignNo(*foreignTrade);
        t.transactionId = QStringLiteral("4200009999") + day.toString(QStringLiteral("yyyyMMdd")) +
                          QStringLiteral("0000000001");
        t.kind = WechatTrade::Kind::Native;
        t.state = WechatTradeState::Success;
        t.total = foreignTrade->amountFen.value_or(kDefaultForeignFen);
        t.description = QStringLiteral("其他门店商品");
        t.deviceId = QStringLiteral("OTHER_SHOP");
        t.storeId = QStringLiteral("OTHER_SHOP");
        t.openId = QStringLiteral("oOtherShopBuyer0000000000000");
        t.createdMs = china_calendar::dayStartMs(day) + kNoonMs;
        t.paidMs = t.createdMs;
        trades.append(t);
    }
    return trades;
}

QByteArray BillFaults::served(const QByteArray& file) const {
    return truncated ? file.left(file.size() / 2) : file;
}

} // namespace qpos::sandbox
