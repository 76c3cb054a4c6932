#include "core/link/SyncBatch.h"

#include "core/link/JsonFields.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace qpos::link {

namespace {

Error malformed(const QString& what) {
    return {QStringLiteral("sync.malformed"),
            QCoreApplication::translate("qpos::link",
                                        "An upload batch could not be read (%1); nothing of it "
                                        "was stored. The till and the store server may be of "
                                        "different versions.")
                .arg(what)};
}

} // namespace

QByteArray encodeSyncBatch(const SyncBatch& batch) {
    QJsonArray entries;
    for (const SyncEntry& e : batch.entries) {
        entries.append(QJsonObject{{QStringLiteral("seq"), QString::number(e.seq)},
                                   {QStringLiteral("payload"), e.payload}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("store"), batch.terminal.storeId},
                                     {QStringLiteral("terminal"), batch.terminal.terminalId},
                                     {QStringLiteral("entries"), entries}})
        .toJson(QJsonDocument::Compact);
}

Result<SyncBatch> decodeSyncBatch(QByteArrayView body) {
    if (body.size() > kMaxSyncBodyBytes) {
        return Error{QStringLiteral("sync.too_large"),
                     QCoreApplication::translate(
                         "qpos::link", "An upload batch is larger than 64 KiB and was refused; "
                                       "send fewer entries at a time.")};
    }
    const std::optional<QJsonObject> parsed = parseObject(body);
    if (!parsed)
        return malformed(QStringLiteral("not a JSON object"));
    const QJsonObject& o = *parsed;
    SyncBatch batch;
    batch.terminal = {o.value(QStringLiteral("store")).toString(),
                      o.value(QStringLiteral("terminal")).toString()};
    if (!isValidTerminalCode(batch.terminal.storeId) ||
        !isValidTerminalCode(batch.terminal.terminalId))
        return malformed(QStringLiteral("store or terminal"));
    const QJsonValue entries = o.value(QStringLiteral("entries"));
    if (!entries.isArray())
        return malformed(QStringLiteral("entries"));
    const QJsonArray list = entries.toArray();
    if (list.isEmpty() || list.size() > kMaxSyncEntries)
        return malformed(QStringLiteral("between 1 and %1 entries").arg(kMaxSyncEntries));
    qint64 previous = 0;
    for (const QJsonValue& item : list) {
        const QJsonObject entry = item.toObject();
        const auto seq = readDecimal(entry.value(QStringLiteral("seq")));
        if (!seq || *seq <= 0)
            return malformed(QStringLiteral("seq"));
        if (*seq <= previous)
            return malformed(QStringLiteral("seq not increasing"));
        previous = *seq;
        const QJsonValue payload = entry.value(QStringLiteral("payload"));
        if (!payload.isObject())
            return malformed(QStringLiteral("payload of seq %1").arg(*seq));
        batch.entries.append({*seq, payload.toObject()});
    }
    return batch;
}

QByteArray encodeSyncAnswer(const SyncAnswer& answer) {
    return QJsonDocument(
               QJsonObject{
                   {QStringLiteral("stored_seq"), QString::number(answer.storedSeq)},
                   {QStringLiteral("server_time_ms"), QString::number(answer.serverTimeMs)}})
        .toJson(QJsonDocument::Compact);
}

Result<SyncAnswer> decodeSyncAnswer(QByteArrayView body) {
    const QJsonObject o = parseObject(body).value_or(QJsonObject());
    const auto stored = readDecimal(o.value(QStringLiteral("stored_seq")));
    const auto time = readDecimal(o.value(QStringLiteral("server_time_ms")));
    if (!stored || !time) {
        return Error{QStringLiteral("sync.malformed_answer"),
                     QCoreApplication::translate(
                         "qpos::link", "The store server's answer to an upload could not be "
                                       "read; the upload will be repeated. Check that the till "
                                       "and the server are of the same version.")};
    }
    return SyncAnswer{*stored, *time};
}

} // namespace qpos::link
