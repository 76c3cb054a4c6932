#include "server/sync/SyncEntryReader.h"

#include "core/money/Money.h"
#include "core/orders/Channel.h"
#include "core/orders/OrderState.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace qpos::server {

namespace {

// A non-negative integer written as the till writes it: decimal digits, no sign, no spaces and
// no leading zero. Anything looser would let two texts mean one value.
std::optional<qint64> integerField(const QJsonObject& o, const char* name) {
    const QJsonValue value = o.value(QLatin1String(name));
    if (!value.isString())
        return std::nullopt;
    const QString text = value.toString();
    bool ok = false;
    const qint64 number = text.toLongLong(&ok);
    if (!ok || number < 0 || text != QString::number(number))
        return std::nullopt;
    return number;
}

// A refund request number as both providers accept it: 1-64 of [A-Za-z0-9_-|*@].
bool isRequestNumber(const QString& text) {
    if (text.isEmpty() || text.size() > 64)
        return false;
    for (QChar c : text) {
        const bool plain =
            (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
        if (!plain && !QStringView(u"_-|*@").contains(c))
            return false;
    }
    return true;
}

QString trSync(const char* text) {
    return QCoreApplication::translate("qpos::server::TillRequests", text);
}

} // namespace

std::variant<QList<SyncedEntry>, SyncRefusal>
readSyncedEntries(const link::SyncBatch& batch, const link::TerminalIdentity& terminal) {
    const auto wrongTerminal = [&](const QString& what) {
        return SyncRefusal{
            403, Error{QStringLiteral("auth.wrong_terminal"),
                       trSync("Terminal %1/%2 may upload only its own orders; %3 is not one of "
                              "them. Check the till's [store] id and [terminal] id against its "
                              "enrollment.")
                           .arg(terminal.storeId, terminal.terminalId, what)}};
    };
    if (!(batch.terminal == terminal))
        return wrongTerminal(batch.terminal.storeId + u'/' + batch.terminal.terminalId);

    QList<SyncedEntry> entries;
    entries.reserve(batch.entries.size());
    for (const link::SyncEntry& e : batch.entries) {
        const QJsonObject& p = e.payload;
        SyncedEntry s;
        s.seq = e.seq;
        s.payload = p;
        s.outTradeNo = p.value(u"out_trade_no").toString();
        s.channel = p.value(u"channel").toString();
        const std::optional<qint64> amount = integerField(p, "amount_fen");
        const std::optional<qint64> refunded = integerField(p, "refunded_fen");
        const std::optional<qint64> eventId = integerField(p, "event_id");
        const std::optional<qint64> at = integerField(p, "at_ms");
        const std::optional<OrderState> state =
            orderStateFromName(p.value(u"new_state").toString());
        if (s.outTradeNo.isEmpty() || !channelFromName(s.channel) || !amount || !refunded ||
            !eventId || !at || !state || *amount == 0 || *amount > money::kMaxFen ||
            *refunded > *amount)
            return SyncRefusal{
                400, Error{QStringLiteral("sync.malformed"),
                           trSync("Entry %1 of the batch is not an order event (out_trade_no, "
                                  "channel, amount_fen, refunded_fen, new_state, event_id, "
                                  "at_ms). Nothing of the batch was stored.")
                               .arg(e.seq)}};
        if (!terminal.owns(s.outTradeNo) || p.value(u"store_id").toString() != terminal.storeId ||
            p.value(u"terminal_id").toString() != terminal.terminalId)
            return wrongTerminal(s.outTradeNo);
        // Optional, as older tills do not send them; when present they are as strict as the rest.
        const bool hasPaidAt = p.contains(u"paid_at_ms");
        const std::optional<qint64> paidAt = integerField(p, "paid_at_ms");
        const bool hasRefundedAt = p.contains(u"refunded_at_ms");
        const std::optional<qint64> refundedAt = integerField(p, "refunded_at_ms");
        const bool hasRequestNo = p.contains(u"out_request_no");
        const QJsonValue requestNo = p.value(u"out_request_no");
        if ((hasPaidAt && (!paidAt || *paidAt == 0)) ||
            (hasRefundedAt && (!refundedAt || *refundedAt == 0)) ||
            (hasRequestNo && !(requestNo.isString() && isRequestNumber(requestNo.toString()))))
            return SyncRefusal{
                400,
                Error{QStringLiteral("sync.malformed"),
                      trSync("Entry %1 of the batch has a malformed paid_at_ms or refunded_at_ms "
                             "(milliseconds as decimal digits) or out_request_no (1-64 letters, "
                             "digits or _-|*@). Nothing of the batch was stored; update the "
                             "till's software.")
                          .arg(e.seq)}};
        // The people the store's report names: texts when present; absent from older tills.
        for (const char* name : {"cashier_id", "approved_by", "reason"}) {
            const QJsonValue text = p.value(QLatin1String(name));
            if (!text.isUndefined() && !text.isString())
                return SyncRefusal{
                    400, Error{QStringLiteral("sync.malformed"),
                               trSync("Entry %1 of the batch has a %2 that is not a text (a JSON "
                                      "string). Nothing of the batch was stored; update the "
                                      "till's software.")
                                   .arg(e.seq)
                                   .arg(QLatin1String(name))}};
        }
        s.paidAtMs = paidAt;
        s.refundedAtMs = refundedAt;
        s.outRequestNo = requestNo.toString();
        s.cashierId = p.value(u"cashier_id").toString();
        s.approvedBy = p.value(u"approved_by").toString();
        s.reason = p.value(u"reason").toString();
        s.amountFen = *amount;
        s.refundedFen = *refunded;
        s.eventId = *eventId;
        s.atMs = *at;
        s.newState = *state;
        entries.append(s);
    }
    return entries;
}

} // namespace qpos::server
