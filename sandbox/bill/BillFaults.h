#pragma once

#include "sandbox/alipay/AlipayTrade.h"
#include "sandbox/faults/FaultRule.h"
#include "sandbox/wechat/WechatTrade.h"

#include <QByteArray>
#include <QDate>
#include <QList>

#include <optional>

namespace qpos::sandbox {

class ProviderFaults;

// The bill_* faults that fired for one bill of one China day (docs/sandbox.md, "Faults"): how
// that bill differs from the provider's trades. The changes are made to the trades the bill is
// built from, so the bill stays consistent with its own totals, as a provider's bill that
// disagrees with the shop does.
struct BillFaults {
    QDate day;
    std::optional<FaultRule> dropLine;
    std::optional<FaultRule> changeAmount;
    std::optional<FaultRule> foreignTrade;
    std::optional<FaultRule> dropRefund;
    std::optional<FaultRule> changeState; // WeChat Pay only
    std::optional<FaultRule> duplicateLine;
    // bill_next_day: the fault of this day (its payment leaves this bill) and of the day before
    // (its payment comes into this one).
    std::optional<FaultRule> toNextDay;
    std::optional<FaultRule> fromDayBefore;
    bool truncated = false;

    // Takes (counts as used) every bill fault of `faults` for the bill of `day`, except
    // bill_not_ready, which the bill-address answer takes.
    static BillFaults take(ProviderFaults& faults, const QDate& day, qint64 nowMs);

    // The trades as the faulty bill shows them. The foreign trade is the app's or merchant's
    // like the others, of another shop (store).
    QList<AlipayTrade> applyTo(QList<AlipayTrade> trades) const;
    QList<WechatTrade> applyTo(QList<WechatTrade> trades, const QString& mchId,
                               const QString& appId) const;

    // The file as served: with bill_truncated, its first half only.
    QByteArray served(const QByteArray& file) const;
};

} // namespace qpos::sandbox
