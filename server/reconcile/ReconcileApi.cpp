#include "server/reconcile/ReconcileApi.h"

#include "core/logging/LogCategories.h"
#include "core/reconcile/BatchJson.h"
#include "server/auth/RequestAuthenticator.h"
#include "server/metrics/ServerMetrics.h"
#include "server/reconcile/ServerBatchStore.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

#include <optional>
#include <utility>

namespace qpos::server {

namespace {

QByteArray json(const QJsonObject& o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// Exactly yyyy-MM-dd, a real date.
std::optional<QDate> dayFrom(const QString& text) {
    const QDate day = QDate::fromString(text, QStringLiteral("yyyy-MM-dd"));
    if (!day.isValid() || day.toString(QStringLiteral("yyyy-MM-dd")) != text)
        return std::nullopt;
    return day;
}

// A positive id in decimal digits, as the server gives them.
std::optional<qint64> idFrom(const QString& text) {
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0 || text != QString::number(id))
        return std::nullopt;
    return id;
}

} // namespace

ReconcileApi::ReconcileApi(ServerBatchStore& batches, RequestAuthenticator& authenticator,
                           ServerMetrics& metrics, std::function<qint64()> nowMs, QObject* parent)
    : QObject(parent)
    , m_batches(batches)
    , m_authenticator(authenticator)
    , m_metrics(metrics)
    , m_nowMs(std::move(nowMs)) {}

void ReconcileApi::refuse(const ServerExchange& exchange, int status, const Error& error) {
    m_metrics.countRefusal(error.code);
    qCWarning(lcServer).noquote() << exchange.method() << exchange.path()
                                  << "refused:" << error.code;
    exchange.replyError(status, error.code, error.message);
}

void ReconcileApi::unavailable(const ServerExchange& exchange, const Error& cause) {
    qCWarning(lcServer).noquote() << "reconciliation request failed:" << cause.message;
    refuse(exchange, 503,
           Error{QStringLiteral("server.unavailable"),
                 tr("The server could not read or save the reconciliation now; nothing was "
                    "changed. Try again in a minute.")});
}

void ReconcileApi::handle(const ServerExchange& exchange) {
    const ServerExchange::Request& r = exchange.request();
    auto verdict = m_authenticator.authenticate(exchange.header("authorization"), r.method,
                                                exchange.pathAndQuery(), r.body);
    if (const AuthRefusal* refused = std::get_if<AuthRefusal>(&verdict))
        return refuse(exchange, refused->status, refused->error);

    const QStringList parts = exchange.path().split(u'/');
    // "", "v1", "reconcile", …
    const QStringList rest = parts.mid(3);
    auto only = [&](const char* allowed) {
        if (r.method == allowed)
            return true;
        refuse(exchange, 405,
               Error{QStringLiteral("http.method"),
                     tr("%1 takes only %2 requests.")
                         .arg(exchange.path(), QString::fromLatin1(allowed))});
        return false;
    };
    if (rest == QStringList{QStringLiteral("batches")}) {
        if (only("GET"))
            listBatches(exchange);
    } else if (rest.size() == 2 && rest[0] == u"batches") {
        if (only("GET"))
            showBatch(exchange, rest[1]);
    } else if (rest.size() == 3 && rest[0] == u"items" && rest[2] == u"handled") {
        if (only("POST"))
            markHandled(exchange, rest[1]);
    } else {
        refuse(exchange, 404,
               Error{QStringLiteral("http.not_found"),
                     tr("There is nothing at %1; see docs/server.md for the reconciliation "
                        "endpoints.")
                         .arg(exchange.path())});
    }
}

void ReconcileApi::listBatches(const ServerExchange& exchange) {
    const QUrlQuery query(exchange.request().url);
    const QString fromText = query.queryItemValue(QStringLiteral("from"));
    const QString toText = query.queryItemValue(QStringLiteral("to"));
    const std::optional<QDate> from = dayFrom(fromText);
    const std::optional<QDate> to = dayFrom(toText);
    if (!from || !to)
        return refuse(exchange, 400,
                      Error{QStringLiteral("reconcile.bad_date"),
                            tr("Give the first and last day as from=yyyy-MM-dd&to=yyyy-MM-dd "
                               "(China dates, e.g. from=2026-11-01&to=2026-11-30); got from=\"%1\" "
                               "to=\"%2\".")
                                .arg(fromText.left(40), toText.left(40))});
    if (*to < *from)
        return refuse(exchange, 400,
                      Error{QStringLiteral("reconcile.bad_range"),
                            tr("The last day (%1) is before the first (%2); swap them.")
                                .arg(toText, fromText)});
    if (from->daysTo(*to) + 1 > kMaxDays)
        return refuse(exchange, 400,
                      Error{QStringLiteral("reconcile.range_too_long"),
                            tr("Ask for at most %1 days at a time (%2 to %3 is %4 days); split "
                               "the range.")
                                .arg(kMaxDays)
                                .arg(fromText, toText)
                                .arg(from->daysTo(*to) + 1)});
    Result<QList<reconcile::StoredBatch>> found = m_batches.batches(*from, *to);
    if (!found)
        return unavailable(exchange, found.error());
    QJsonArray list;
    for (const reconcile::StoredBatch& b : *found)
        list.append(reconcile::batchToJson(b));
    exchange.reply(200, "application/json", json(QJsonObject{{QStringLiteral("batches"), list}}));
}

void ReconcileApi::showBatch(const ServerExchange& exchange, const QString& idText) {
    const Error unknown{QStringLiteral("reconcile.no_such_batch"),
                        tr("There is no reconciliation batch %1; list the batches again and "
                           "choose one of them.")
                            .arg(idText.left(40))};
    const std::optional<qint64> id = idFrom(idText);
    if (!id)
        return refuse(exchange, 404, unknown);
    Result<std::optional<reconcile::StoredBatch>> batch = m_batches.batch(*id);
    if (!batch)
        return unavailable(exchange, batch.error());
    if (!batch->has_value())
        return refuse(exchange, 404, unknown);
    Result<QList<reconcile::StoredItem>> items = m_batches.items(*id);
    if (!items)
        return unavailable(exchange, items.error());
    QJsonArray list;
    for (const reconcile::StoredItem& i : *items)
        list.append(reconcile::itemToJson(i));
    exchange.reply(200, "application/json",
                   json(QJsonObject{{QStringLiteral("batch"), reconcile::batchToJson(**batch)},
                                    {QStringLiteral("items"), list}}));
}

void ReconcileApi::markHandled(const ServerExchange& exchange, const QString& idText) {
    const QByteArray& body = exchange.request().body;
    if (body.size() > kMaxBodyBytes)
        return refuse(exchange, 413,
                      Error{QStringLiteral("reconcile.too_large"),
                            tr("The request has %1 bytes; at most %2 are taken. Shorten the note "
                               "to at most %3 characters.")
                                .arg(body.size())
                                .arg(kMaxBodyBytes)
                                .arg(ServerBatchStore::kMaxNoteLength)});
    const std::optional<qint64> id = idFrom(idText);
    if (!id)
        return refuse(exchange, 404,
                      Error{QStringLiteral("reconcile.no_such_item"),
                            tr("There is no difference number %1; reload the batch and choose it "
                               "again.")
                                .arg(idText.left(40))});
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject o = doc.object();
    if (parseError.error != QJsonParseError::NoError || !doc.isObject() ||
        !o.value(u"staff_id").isString() || !o.value(u"note").isString())
        return refuse(exchange, 400,
                      Error{QStringLiteral("reconcile.bad_request"),
                            tr("Send a JSON object {\"staff_id\": \"…\", \"note\": \"…\"}: the "
                               "manager's staff id and a note saying how the difference was "
                               "settled. Nothing was changed.")});
    const Status marked = m_batches.markHandled(*id, o.value(u"staff_id").toString(),
                                                o.value(u"note").toString(), m_nowMs());
    if (!marked) {
        const QString& code = marked.error().code;
        if (code == u"reconcile.no_such_item")
            return refuse(exchange, 404, marked.error());
        if (code == u"reconcile.already_resolved")
            return refuse(exchange, 409, marked.error());
        if (code.startsWith(u"reconcile."))
            return refuse(exchange, 400, marked.error());
        return unavailable(exchange, marked.error());
    }
    Result<std::optional<reconcile::StoredItem>> item = m_batches.item(*id);
    if (!item || !item->has_value())
        return unavailable(exchange, item ? Error{QStringLiteral("reconcile.no_such_item"), {}}
                                          : item.error());
    qCInfo(lcServer).noquote() << "reconciliation difference" << *id << "marked handled by"
                               << (**item).resolvedBy;
    exchange.reply(200, "application/json",
                   json(QJsonObject{{QStringLiteral("item"), reconcile::itemToJson(**item)}}));
}

} // namespace qpos::server
