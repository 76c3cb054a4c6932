#include "server/sync/TillRequests.h"

#include "core/link/SyncBatch.h"
#include "core/logging/LogCategories.h"
#include "server/auth/RequestAuthenticator.h"
#include "server/metrics/ServerMetrics.h"
#include "server/storage/ServerStore.h"
#include "server/sync/SyncEntryReader.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <utility>

namespace qpos::server {

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
    auto read = readSyncedEntries(*batch, terminal.identity);
    if (const SyncRefusal* refused = std::get_if<SyncRefusal>(&read))
        return refuse(exchange, refused->status, refused->error);
    const QList<SyncedEntry>& entries = std::get<QList<SyncedEntry>>(read);
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
