#include "server/sync/TillRequests.h"

#include "core/link/SyncBatch.h"
#include "core/logging/LogCategories.h"
#include "core/orders/Channel.h"
#include "core/orders/OrderState.h"
#include "server/auth/RequestAuthenticator.h"
#include "server/metrics/ServerMetrics.h"
#include "server/storage/ServerStore.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <utility>

namespace qpos::server {

namespace {

std::optional<qint64> integerField(const QJsonObject& o, const char* name) {
    const QString text = o.value(QLatin1String(name)).toString();
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || text.isEmpty() || value < 0)
        return std::nullopt;
    return value;
}

} // namespace

TillRequests::TillRequests(ServerStore& store, RequestAuthenticator& authenticator,
                           ServerMetrics& metrics, std::function<qint64()> nowMs, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_authenticator(authenticator)
    , m_metrics(metrics)
    , m_nowMs(std::move(nowMs)) {}

void TillRequests::refuse(const ServerExchange& exchange, int status, const Error& error) {
    m_metrics.countRefusal(error.code);
    qCWarning(lcSync).noquote() << exchange.method() << exchange.path() << "refused:" << error.code
                                << error.message;
    exchange.replyError(status, error.code, error.message);
}

void TillRequests::enroll(const ServerExchange& exchange) {
    const ServerExchange::Request& r = exchange.request();
    auto verdict = m_authenticator.authenticate(exchange.header("authorization"), r.method,
                                                exchange.pathAndQuery(), r.body);
    if (const AuthRefusal* refused = std::get_if<AuthRefusal>(&verdict))
        return refuse(exchange, refused->status, refused->error);
    const TerminalRecord& terminal = std::get<TerminalRecord>(verdict);
    const qint64 now = m_nowMs();
    Result<bool> first = m_store.markEnrolled(terminal.rowId, now);
    if (!first)
        return refuse(exchange, 503, first.error());
    if (!*first)
        return refuse(exchange, 409,
                      Error{QStringLiteral("enroll.used"),
                            tr("This terminal has enrolled already; an enrollment code works "
                               "once. Ask for a new code (\"qpos-server terminal rotate\").")});
    qCInfo(lcSync).noquote() << "terminal" << terminal.identity.storeId
                             << terminal.identity.terminalId << "enrolled";
    const QJsonObject answer{{QStringLiteral("store"), terminal.identity.storeId},
                             {QStringLiteral("terminal"), terminal.identity.terminalId},
                             {QStringLiteral("server_time_ms"), QString::number(now)}};
    exchange.reply(200, "application/json", QJsonDocument(answer).toJson(QJsonDocument::Compact));
}

void TillRequests::sync(const ServerExchange& exchange) {
    const ServerExchange::Request& r = exchange.request();
    auto verdict = m_authenticator.authenticate(exchange.header("authorization"), r.method,
                                                exchange.pathAndQuery(), r.body);
    if (const AuthRefusal* refused = std::get_if<AuthRefusal>(&verdict))
        return refuse(exchange, refused->status, refused->error);
    const TerminalRecord& terminal = std::get<TerminalRecord>(verdict);

    Result<link::SyncBatch> batch = link::decodeSyncBatch(r.body);
    if (!batch)
        return refuse(exchange, batch.error().code == u"sync.too_large" ? 413 : 400, batch.error());
    const auto wrongTerminal = [&](const QString& what) {
        return Error{QStringLiteral("auth.wrong_terminal"),
                     tr("Terminal %1/%2 may upload only its own orders; %3 is not one of them. "
                        "Check the till's [store] id and [terminal] id against its enrollment.")
                         .arg(terminal.identity.storeId, terminal.identity.terminalId, what)};
    };
    if (!(batch->terminal == terminal.identity))
        return refuse(exchange, 403,
                      wrongTerminal(batch->terminal.storeId + u'/' + batch->terminal.terminalId));

    QList<SyncedEntry> entries;
    for (const link::SyncEntry& e : std::as_const(batch->entries)) {
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
            !eventId || !at || !state)
            return refuse(exchange, 400,
                          Error{QStringLiteral("sync.malformed"),
                                tr("Entry %1 of the batch is not an order event (out_trade_no, "
                                   "channel, amount_fen, refunded_fen, new_state, event_id, "
                                   "at_ms). Nothing of the batch was stored.")
                                    .arg(e.seq)});
        if (!terminal.identity.owns(s.outTradeNo) ||
            p.value(u"store_id").toString() != terminal.identity.storeId ||
            p.value(u"terminal_id").toString() != terminal.identity.terminalId)
            return refuse(exchange, 403, wrongTerminal(s.outTradeNo));
        s.amountFen = *amount;
        s.refundedFen = *refunded;
        s.eventId = *eventId;
        s.atMs = *at;
        s.newState = *state;
        entries.append(s);
    }
    const qint64 now = m_nowMs();
    Result<qint64> stored = m_store.storeSyncEntries(terminal.rowId, entries, now);
    if (!stored)
        return refuse(exchange, 503,
                      Error{QStringLiteral("server.unavailable"),
                            tr("The server could not store the batch now; nothing was stored. "
                               "The till sends it again.")});
    emit synced(terminal.rowId);
    exchange.reply(200, "application/json",
                   link::encodeSyncAnswer(link::SyncAnswer{*stored, m_nowMs()}));
}

} // namespace qpos::server
