#include "core/link/RemoteBatchStore.h"

#include "core/logging/LogCategories.h"
#include "core/reconcile/BatchJson.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace qpos::link {

using reconcile::StoredBatch;
using reconcile::StoredItem;

namespace {

const QString kDayFormat = QStringLiteral("yyyy-MM-dd");

// The answer's JSON object, or nothing when the bytes are not one (cut, or not JSON).
std::optional<QJsonObject> objectOf(const QByteArray& body) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

// Why an answer was not read, for the log; the manager sees unreadableAnswer().
Error unreadable(const QUrl& server, const QString& path, const QString& why) {
    qCWarning(lcSync).noquote() << "unreadable answer of the store server to" << path << ":" << why;
    return unreadableAnswer(server);
}

Result<QList<StoredBatch>> readBatches(const QByteArray& body, const QDate& from, const QDate& to,
                                       const QUrl& server, const QString& path) {
    const std::optional<QJsonObject> o = objectOf(body);
    if (!o || !o->value(u"batches").isArray())
        return unreadable(server, path, QStringLiteral("not an object with \"batches\""));
    QList<StoredBatch> batches;
    for (const QJsonValue& v : o->value(u"batches").toArray()) {
        if (!v.isObject())
            return unreadable(server, path, QStringLiteral("a batch is not an object"));
        Result<StoredBatch> batch = reconcile::batchFromJson(v.toObject());
        if (!batch)
            return unreadable(server, path, batch.error().message);
        if (batch->day < from || batch->day > to)
            return unreadable(server, path,
                              QStringLiteral("batch %1 is of %2, outside the days asked")
                                  .arg(batch->id)
                                  .arg(batch->day.toString(kDayFormat)));
        batches.append(std::move(batch).value());
    }
    return batches;
}

Result<reconcile::BatchItemsReply> readBatch(const QByteArray& body, qint64 batchId,
                                             const QUrl& server, const QString& path) {
    const std::optional<QJsonObject> o = objectOf(body);
    if (!o || !o->value(u"batch").isObject() || !o->value(u"items").isArray())
        return unreadable(server, path,
                          QStringLiteral("not an object with \"batch\" and \"items\""));
    Result<StoredBatch> batch = reconcile::batchFromJson(o->value(u"batch").toObject());
    if (!batch)
        return unreadable(server, path, batch.error().message);
    if (batch->id != batchId)
        return unreadable(server, path, QStringLiteral("batch %1 instead").arg(batch->id));
    reconcile::BatchItemsReply reply;
    for (const QJsonValue& v : o->value(u"items").toArray()) {
        if (!v.isObject())
            return unreadable(server, path, QStringLiteral("an item is not an object"));
        Result<StoredItem> item = reconcile::itemFromJson(v.toObject());
        if (!item)
            return unreadable(server, path, item.error().message);
        if (item->batchId != batchId)
            return unreadable(
                server, path,
                QStringLiteral("item %1 is of batch %2").arg(item->id).arg(item->batchId));
        reply.items.append(std::move(item).value());
    }
    if (reply.items.size() != batch->itemCount)
        return unreadable(server, path,
                          QStringLiteral("%1 items for a batch of %2")
                              .arg(reply.items.size())
                              .arg(batch->itemCount));
    reply.batch = std::move(batch).value();
    return reply;
}

// The item as the server settled it: the one asked for, now Handled.
Status readHandled(const QByteArray& body, qint64 itemId, const QUrl& server, const QString& path) {
    const std::optional<QJsonObject> o = objectOf(body);
    if (!o || !o->value(u"item").isObject())
        return unreadable(server, path, QStringLiteral("not an object with \"item\""));
    Result<StoredItem> item = reconcile::itemFromJson(o->value(u"item").toObject());
    if (!item)
        return unreadable(server, path, item.error().message);
    if (item->id != itemId || item->resolution != reconcile::ItemResolution::Handled)
        return unreadable(server, path, QStringLiteral("item %1, not handled").arg(item->id));
    return {};
}

// A refusal in the till's words where it knows the code, else the server's own sentence for a
// request it found wrong (it says what to do), else the generic one.
Error refusal(const StoreServerAnswer& answer, const QUrl& server) {
    const QString code = answer.errorCode();
    if (code == u"reconcile.already_resolved")
        return {code, QCoreApplication::translate(
                          "qpos::link",
                          "Another manager or the automatic check settled this difference "
                          "first; nothing was changed. The list now shows who settled it.")};
    if (code == u"reconcile.no_such_item")
        return {code, QCoreApplication::translate(
                          "qpos::link",
                          "This difference is no longer in the batch (the bill was reconciled "
                          "again); nothing was changed. Choose it again in the list read now.")};
    const std::optional<QJsonObject> o = objectOf(answer.body);
    const QString message = o ? o->value(u"message").toString() : QString();
    if ((answer.status == 400 || answer.status == 413) && code.startsWith(u"reconcile.") &&
        !message.isEmpty())
        return {code, message.left(500)};
    return refusedAnswer(answer, server);
}

} // namespace

RemoteBatchStore::RemoteBatchStore(StoreServerEndpoint endpoint, StoreServerHttp::Clock clock,
                                   QObject* parent)
    : BatchSource(parent)
    , m_http(
          std::move(endpoint),
          clock ? std::move(clock) : [] { return QDateTime::currentMSecsSinceEpoch(); }) {
    qRegisterMetaType<reconcile::BatchListReply>();
    qRegisterMetaType<reconcile::BatchItemsReply>();
    qRegisterMetaType<reconcile::MarkHandledReply>();
}

RemoteBatchStore::~RemoteBatchStore() = default;

void RemoteBatchStore::loadBatches(const QString& requestId, const QDate& from, const QDate& to) {
    const QString path = QStringLiteral("/v1/reconcile/batches");
    const QString query =
        QStringLiteral("from=%1&to=%2").arg(from.toString(kDayFormat), to.toString(kDayFormat));
    m_http.get(
        path, query,
        [this, requestId, from, to, path](const Result<StoreServerAnswer>& answer) {
            reconcile::BatchListReply reply;
            if (!answer)
                reply.error = answer.error().message;
            else if (answer->status != 200)
                reply.error = refusal(*answer, serverUrl()).message;
            else if (Result<QList<StoredBatch>> batches =
                         readBatches(answer->body, from, to, serverUrl(), path))
                reply.batches = std::move(batches).value();
            else
                reply.error = batches.error().message;
            emit batchesLoaded(requestId, reply);
        },
        kMaxAnswerBytes);
}

void RemoteBatchStore::loadItems(const QString& requestId, qint64 batchId) {
    const QString path = QStringLiteral("/v1/reconcile/batches/%1").arg(batchId);
    m_http.get(
        path, QString(),
        [this, requestId, batchId, path](const Result<StoreServerAnswer>& answer) {
            reconcile::BatchItemsReply reply;
            // A batch gone is no batch, as the till's own store answers, not an error.
            const bool gone = answer && answer->status == 404 &&
                              answer->errorCode() == u"reconcile.no_such_batch";
            if (!answer)
                reply.error = answer.error().message;
            else if (gone)
                reply.batch.reset();
            else if (answer->status != 200)
                reply.error = refusal(*answer, serverUrl()).message;
            else if (Result<reconcile::BatchItemsReply> read =
                         readBatch(answer->body, batchId, serverUrl(), path))
                reply = std::move(read).value();
            else
                reply.error = read.error().message;
            emit itemsLoaded(requestId, reply);
        },
        kMaxAnswerBytes);
}

void RemoteBatchStore::markHandled(const QString& requestId, qint64 itemId, const QString& staffId,
                                   const QString& note, qint64 /*atMs*/) {
    const QString path = QStringLiteral("/v1/reconcile/items/%1/handled").arg(itemId);
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("staff_id"), staffId},
                                                      {QStringLiteral("note"), note}})
                                .toJson(QJsonDocument::Compact);
    m_http.post(
        path, body, [this, requestId, itemId, path](const Result<StoreServerAnswer>& answer) {
            reconcile::MarkHandledReply reply;
            reply.itemId = itemId;
            Error error;
            if (!answer)
                error = answer.error();
            else if (answer->status != 200)
                error = refusal(*answer, serverUrl());
            else if (const Status read = readHandled(answer->body, itemId, serverUrl(), path);
                     !read)
                error = read.error();
            reply.error = error.message;
            reply.errorCode = error.code;
            emit markedHandled(requestId, reply);
        });
}

} // namespace qpos::link
