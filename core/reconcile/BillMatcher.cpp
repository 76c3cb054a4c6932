#include "core/reconcile/BillMatcher.h"

#include "core/calendar/ChinaCalendar.h"

#include <QCoreApplication>

#include <algorithm>
#include <tuple>

namespace qpos::reconcile {

using gateway::BillLineKind;
using gateway::BillRecord;

namespace {

// How many later days' bills a held entry waits for.
constexpr int kHoldDays = 2;

// A refund's key: its request number within its trade.
QString refundKey(const QString& outTradeNo, const QString& outRequestNo) {
    return outTradeNo + QChar(0x1F) + outRequestNo;
}

QString yuan(money::Fen fen) {
    return money::formatYuan(fen);
}

QString dayText(QDate day) {
    return day.toString(Qt::ISODate);
}

} // namespace

BillMatcher::BillMatcher(ReconcileLedger& ledger, LedgerScope scope, QDate day, HoldingPool pool)
    : m_ledger(ledger)
    , m_scope(std::move(scope))
    , m_day(day)
    , m_poolIn(std::move(pool)) {}

bool BillMatcher::onDay(qint64 utcMs) const {
    return china_calendar::dateOf(utcMs) == m_day;
}

bool BillMatcher::afterDay(qint64 utcMs) const {
    return china_calendar::dateOf(utcMs) > m_day;
}

BillMatcher::TradeMark* BillMatcher::addTrade(const LocalTrade& trade) {
    TradeMark mark;
    mark.state = trade.state;
    mark.amountFen = trade.amountFen;
    if (isPaidHere(trade.state) && trade.paidAtMs) {
        mark.paidAtMs = *trade.paidAtMs;
        if (onDay(*trade.paidAtMs))
            mark.flags |= Expected;
    }
    return m_trades.insert(trade.outTradeNo, mark).first;
}

BillMatcher::RefundMark* BillMatcher::addRefund(const LocalRefund& refund) {
    RefundMark mark;
    mark.state = refund.state;
    mark.amountFen = refund.amountFen;
    mark.updatedAtMs = refund.updatedAtMs;
    if (refund.state == RefundRecordState::Succeeded && onDay(refund.updatedAtMs))
        mark.flags |= Expected;
    return m_refunds.insert(refundKey(refund.outTradeNo, refund.outRequestNo), mark).first;
}

Status BillMatcher::loadLedger() {
    // Bill lines of the day are of trades created that day or the day before (a few come
    // from older orders: looked up one by one); the ledger's payments of the day may have
    // been created the day before too.
    const LedgerWindow window{china_calendar::dayStartMs(m_day.addDays(-1)),
                              china_calendar::dayEndMs(m_day)};
    // Sized once: growing a million-entry table moves every entry at each doubling.
    Result<qint64> created = m_ledger.countTradesCreated(m_scope, window);
    if (!created)
        return created.error();
    m_trades.reserve(*created);
    if (Status s =
            m_ledger.forEachTrade(m_scope, window, [this](const LocalTrade& t) { addTrade(t); });
        !s.ok())
        return s;
    if (Status s =
            m_ledger.forEachRefund(m_scope, window, [this](const LocalRefund& r) { addRefund(r); });
        !s.ok())
        return s;

    for (const HeldEntry& held : m_poolIn.held) {
        if (held.firstDay >= m_day)
            continue; // a later day's entry (a date run again): passed on untouched
        if (held.kind == PoolKind::Trade) {
            Result<TradeMark*> mark = trade(held.outTradeNo);
            if (!mark)
                return mark.error();
            if (*mark) {
                (*mark)->flags |= Held;
                m_heldTrades.insert(held.outTradeNo, held.firstDay);
            }
        } else {
            Result<RefundMark*> mark = refund(held.outTradeNo, held.outRequestNo);
            if (!mark)
                return mark.error();
            if (*mark) {
                (*mark)->flags |= Held;
                m_heldRefunds.insert(refundKey(held.outTradeNo, held.outRequestNo), held.firstDay);
            }
        }
    }
    for (const BilledAhead& billed : m_poolIn.billedAhead) {
        if (billed.billDay >= m_day)
            continue;
        if (billed.kind == PoolKind::Trade)
            m_billedTrades.insert(billed.outTradeNo);
        else
            m_billedRefunds.insert(refundKey(billed.outTradeNo, billed.outRequestNo));
    }
    return Status::success();
}

Result<BillMatcher::TradeMark*> BillMatcher::trade(const QString& outTradeNo) {
    if (TradeMark* mark = m_trades.find(outTradeNo))
        return mark;
    Result<std::optional<LocalTrade>> found = m_ledger.findTrade(m_scope, outTradeNo);
    if (!found)
        return found.error();
    if (!*found)
        return static_cast<TradeMark*>(nullptr);
    return addTrade(**found);
}

Result<BillMatcher::RefundMark*> BillMatcher::refund(const QString& outTradeNo,
                                                     const QString& outRequestNo) {
    if (RefundMark* mark = m_refunds.find(refundKey(outTradeNo, outRequestNo)))
        return mark;
    Result<std::optional<LocalRefund>> found =
        m_ledger.findRefund(m_scope, outTradeNo, outRequestNo);
    if (!found)
        return found.error();
    if (!*found)
        return static_cast<RefundMark*>(nullptr);
    return addRefund(**found);
}

void BillMatcher::add(DifferenceClass kind, const BillRecord* record, const QString& outTradeNo,
                      const QString& outRequestNo, QString localState,
                      std::optional<money::Fen> localAmount, const QString& detail) {
    DifferenceItem item;
    item.kind = kind;
    item.provider = m_scope.provider;
    item.outTradeNo = outTradeNo;
    item.outRequestNo = outRequestNo;
    item.localState = std::move(localState);
    item.localAmountFen = localAmount;
    if (record) {
        item.providerState = record->kindText;
        item.providerAmountFen =
            record->kind == BillLineKind::Refund ? record->refundFen : record->amountFen;
        item.providerTradeNo = record->providerTradeNo;
        item.billLine = record->lineNumber;
    }
    item.detail = detail;
    m_items.append(std::move(item));
}

Status BillMatcher::record(const BillRecord& record, const gateway::BillRawLine&) {
    m_counted.add(record);
    m_totals.fee += record.fee;
    switch (record.kind) {
    case BillLineKind::Payment: {
        ++m_totals.provider.paymentCount;
        m_totals.provider.paymentFen += record.amountFen;
        Result<TradeMark*> mark = trade(record.outTradeNo);
        if (!mark)
            return mark.error();
        payment(record, *mark);
        break;
    }
    case BillLineKind::Refund: {
        ++m_totals.provider.refundCount;
        m_totals.provider.refundFen += record.refundFen;
        // A refund made without a request number carries the trade's (Alipay).
        const QString requestNo =
            record.outRequestNo.isEmpty() ? record.outTradeNo : record.outRequestNo;
        Result<RefundMark*> mark = refund(record.outTradeNo, requestNo);
        if (!mark)
            return mark.error();
        refundLine(record, requestNo, *mark);
        break;
    }
    case BillLineKind::Other: {
        Result<TradeMark*> mark = trade(record.outTradeNo);
        if (!mark)
            return mark.error();
        otherLine(record, *mark);
        break;
    }
    }
    return Status::success();
}

void BillMatcher::payment(const BillRecord& record, TradeMark* mark) {
    if (!mark) {
        if (m_unknownTradesSeen.contains(record.outTradeNo)) {
            add(DifferenceClass::Duplicate, &record, record.outTradeNo, {}, {}, std::nullopt,
                QCoreApplication::translate("qpos::reconcile",
                                            "The bill lists this payment a second time."));
            return;
        }
        m_unknownTradesSeen.insert(record.outTradeNo);
        add(DifferenceClass::ProviderOnly, &record, record.outTradeNo, {}, {}, std::nullopt,
            QCoreApplication::translate(
                "qpos::reconcile",
                "The bill lists a payment of %1 yuan; this ledger has no such order.")
                .arg(yuan(record.amountFen)));
        return;
    }
    const QString state = orderStateName(mark->state);
    if (mark->flags & SeenInBill) {
        add(DifferenceClass::Duplicate, &record, record.outTradeNo, {}, state, mark->amountFen,
            QCoreApplication::translate("qpos::reconcile",
                                        "The bill lists this payment a second time."));
        return;
    }
    mark->flags |= SeenInBill;
    if (!isPaidHere(mark->state)) {
        add(DifferenceClass::ProviderOnly, &record, record.outTradeNo, {}, state, mark->amountFen,
            QCoreApplication::translate(
                "qpos::reconcile", "The bill lists a payment of %1 yuan; here the order is %2.")
                .arg(yuan(record.amountFen), orderStateLabel(mark->state)));
        return;
    }
    if (mark->amountFen != record.amountFen) {
        add(DifferenceClass::Amount, &record, record.outTradeNo, {}, state, mark->amountFen,
            QCoreApplication::translate("qpos::reconcile",
                                        "Paid %1 yuan here; the bill says %2 yuan.")
                .arg(yuan(mark->amountFen), yuan(record.amountFen)));
    } else {
        ++m_totals.matched;
    }
    if (afterDay(mark->paidAtMs))
        m_billedAheadOut.append(BilledAhead{PoolKind::Trade, record.outTradeNo, {}, m_day});
}

void BillMatcher::otherLine(const BillRecord& record, TradeMark* mark) {
    if (!mark)
        return; // neither side has money in it
    mark->flags |= OtherSeen;
    if (isPaidHere(mark->state))
        add(DifferenceClass::Status, &record, record.outTradeNo, {}, orderStateName(mark->state),
            mark->amountFen,
            QCoreApplication::translate("qpos::reconcile",
                                        "Paid here; the bill lists the trade as %1.")
                .arg(record.kindText));
    else
        ++m_totals.matched;
}

void BillMatcher::refundLine(const BillRecord& record, const QString& requestNo, RefundMark* mark) {
    if (!mark) {
        const QString key = refundKey(record.outTradeNo, requestNo);
        if (m_unknownRefundsSeen.contains(key)) {
            add(DifferenceClass::Duplicate, &record, record.outTradeNo, requestNo, {}, std::nullopt,
                QCoreApplication::translate("qpos::reconcile",
                                            "The bill lists this refund a second time."));
            return;
        }
        m_unknownRefundsSeen.insert(key);
        add(DifferenceClass::Refund, &record, record.outTradeNo, requestNo, {}, std::nullopt,
            QCoreApplication::translate(
                "qpos::reconcile",
                "The bill lists a refund of %1 yuan that was not made from here.")
                .arg(yuan(record.refundFen)));
        return;
    }
    const QString state = refundStateName(mark->state);
    if (mark->flags & SeenInBill) {
        add(DifferenceClass::Duplicate, &record, record.outTradeNo, requestNo, state,
            mark->amountFen,
            QCoreApplication::translate("qpos::reconcile",
                                        "The bill lists this refund a second time."));
        return;
    }
    mark->flags |= SeenInBill;
    if (mark->state != RefundRecordState::Succeeded) {
        add(DifferenceClass::Refund, &record, record.outTradeNo, requestNo, state, mark->amountFen,
            QCoreApplication::translate(
                "qpos::reconcile",
                "The bill lists a refund of %1 yuan; here the refund is not recorded as made "
                "(%2).")
                .arg(yuan(record.refundFen), state));
        return;
    }
    if (mark->amountFen != record.refundFen) {
        add(DifferenceClass::Refund, &record, record.outTradeNo, requestNo, state, mark->amountFen,
            QCoreApplication::translate("qpos::reconcile",
                                        "Refunded %1 yuan here; the bill says %2 yuan.")
                .arg(yuan(mark->amountFen), yuan(record.refundFen)));
    } else {
        ++m_totals.matched;
    }
    if (afterDay(mark->updatedAtMs))
        m_billedAheadOut.append(BilledAhead{PoolKind::Refund, record.outTradeNo, requestNo, m_day});
}

ReconcileResult BillMatcher::finish() {
    ReconcileResult result;
    result.provider = m_scope.provider;
    result.merchantId = m_scope.merchantId;
    result.day = m_day;
    HoldingPool& pool = result.pool;
    const QDate lastChance = m_day.addDays(-kHoldDays);
    QSet<QString> usedTrades;
    QSet<QString> usedRefunds;

    m_trades.forEach([&](QStringView key, TradeMark& mark) {
        if (mark.flags & Expected) {
            ++m_totals.local.paymentCount;
            m_totals.local.paymentFen += mark.amountFen;
        }
        if (mark.flags & (SeenInBill | OtherSeen))
            return;
        const QString outTradeNo = key.toString();
        if (mark.flags & Expected) {
            if (m_billedTrades.contains(outTradeNo))
                usedTrades.insert(outTradeNo);
            else
                pool.held.append(HeldEntry{PoolKind::Trade, outTradeNo, {}, m_day});
            return;
        }
        if (!(mark.flags & Held) || !isPaidHere(mark.state))
            return;
        const QDate firstDay = m_heldTrades.value(outTradeNo);
        if (firstDay > lastChance) {
            pool.held.append(HeldEntry{PoolKind::Trade, outTradeNo, {}, firstDay});
            return;
        }
        add(DifferenceClass::LocalOnly, nullptr, outTradeNo, {}, orderStateName(mark.state),
            mark.amountFen,
            QCoreApplication::translate(
                "qpos::reconcile", "Paid %1 yuan here on %2; the bills of %2 to %3 do not list it.")
                .arg(yuan(mark.amountFen), dayText(firstDay), dayText(m_day)));
    });

    m_refunds.forEach([&](QStringView key, RefundMark& mark) {
        if (mark.flags & Expected) {
            ++m_totals.local.refundCount;
            m_totals.local.refundFen += mark.amountFen;
        }
        if (mark.flags & SeenInBill)
            return;
        const QString keyText = key.toString();
        const qsizetype split = keyText.indexOf(QChar(0x1F));
        const QString outTradeNo = keyText.left(split);
        const QString outRequestNo = keyText.mid(split + 1);
        if (mark.flags & Expected) {
            if (m_billedRefunds.contains(keyText))
                usedRefunds.insert(keyText);
            else
                pool.held.append(HeldEntry{PoolKind::Refund, outTradeNo, outRequestNo, m_day});
            return;
        }
        if (!(mark.flags & Held) || mark.state != RefundRecordState::Succeeded)
            return;
        const QDate firstDay = m_heldRefunds.value(keyText);
        if (firstDay > lastChance) {
            pool.held.append(HeldEntry{PoolKind::Refund, outTradeNo, outRequestNo, firstDay});
            return;
        }
        add(DifferenceClass::Refund, nullptr, outTradeNo, outRequestNo, refundStateName(mark.state),
            mark.amountFen,
            QCoreApplication::translate(
                "qpos::reconcile",
                "Refunded %1 yuan here on %2; the bills of %2 to %3 do not list it.")
                .arg(yuan(mark.amountFen), dayText(firstDay), dayText(m_day)));
    });

    // Entries of later days (a date run again) pass through untouched; early-billed entries
    // wait as long as held ones.
    for (const HeldEntry& held : m_poolIn.held) {
        if (held.firstDay > m_day)
            pool.held.append(held);
    }
    for (const BilledAhead& billed : m_poolIn.billedAhead) {
        const bool later = billed.billDay >= m_day;
        const bool used =
            billed.kind == PoolKind::Trade
                ? usedTrades.contains(billed.outTradeNo)
                : usedRefunds.contains(refundKey(billed.outTradeNo, billed.outRequestNo));
        if (later || (!used && billed.billDay > lastChance))
            pool.billedAhead.append(billed);
    }
    pool.billedAhead += m_billedAheadOut;

    auto poolOrder = [](const auto& a, const auto& b) {
        return std::tie(a.kind, a.outTradeNo, a.outRequestNo) <
               std::tie(b.kind, b.outTradeNo, b.outRequestNo);
    };
    std::sort(pool.held.begin(), pool.held.end(), poolOrder);
    std::sort(pool.billedAhead.begin(), pool.billedAhead.end(), poolOrder);
    std::sort(m_items.begin(), m_items.end(), [](const DifferenceItem& a, const DifferenceItem& b) {
        return std::tie(a.kind, a.outTradeNo, a.outRequestNo, a.billLine) <
               std::tie(b.kind, b.outTradeNo, b.outRequestNo, b.billLine);
    });
    m_totals.held = pool.held.size();
    result.totals = m_totals;
    result.items = std::move(m_items);
    return result;
}

} // namespace qpos::reconcile
