#include "server/storage/SqliteServerStore.h"

#include "server/storage/LedgerRows.h"
#include "server/storage/ServerSchema.h"
#include "server/storage/StoreRows.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

#include <utility>

namespace qpos::server {

namespace {

Error queryError(const char* what, const QSqlQuery& query) {
    return databaseError(QCoreApplication::translate("qpos::server::ServerStore", what),
                         query.lastError().text());
}

} // namespace

SqliteServerStore::SqliteServerStore(QString path)
    : m_path(std::move(path)) {}

SqliteServerStore::~SqliteServerStore() = default;

Status SqliteServerStore::open() {
    if (Status opened = m_db.open(m_path); !opened)
        return opened;
    return server_schema::migrate(m_db);
}

Status SqliteServerStore::ping() {
    if (!m_db.isOpen())
        return Error{QStringLiteral("db.not_open"),
                     QCoreApplication::translate("qpos::server::ServerStore",
                                                 "The server database is not open.")};
    QSqlQuery q(m_db.handle());
    if (!q.exec(QStringLiteral("SELECT count(*) FROM terminals")) || !q.next())
        return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "checking the database"),
                          q);
    return Status::success();
}

Result<std::optional<qint64>> SqliteServerStore::terminalRowOf(const QString& outTradeNo) {
    const QStringList parts = outTradeNo.split(u'_');
    if (parts.size() < 3)
        return std::optional<qint64>();
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("SELECT id FROM terminals WHERE store_id = ? AND terminal_id = ? "
                             "AND revoked_at_ms IS NULL"));
    q.addBindValue(parts.at(0));
    q.addBindValue(parts.at(1));
    if (!q.exec())
        return queryError(
            QT_TRANSLATE_NOOP("qpos::server::ServerStore", "finding the till that owns an order"),
            q);
    if (!q.next())
        return std::optional<qint64>();
    return std::optional<qint64>(q.value(0).toLongLong());
}

Result<QList<RecordedNotification>>
SqliteServerStore::recordNotifications(const QList<NotificationRecord>& notifications) {
    WriteTransaction tx(m_db);
    if (Status begun = tx.begin(); !begun)
        return begun.error();
    QSqlQuery insert(m_db.handle());
    insert.prepare(QStringLiteral(
        "INSERT INTO notifications (provider, provider_id, out_trade_no, channel, total_fen, "
        "raw_headers, raw_body, received_at_ms, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (provider, provider_id) DO NOTHING"));
    QSqlQuery existing(m_db.handle());
    existing.prepare(
        QStringLiteral("SELECT id FROM notifications WHERE provider = ? AND provider_id = ?"));
    QSqlQuery orderOf(m_db.handle());
    orderOf.prepare(
        QStringLiteral("SELECT channel, amount_fen FROM orders WHERE out_trade_no = ?"));
    QSqlQuery relay(m_db.handle());
    relay.prepare(QStringLiteral("INSERT INTO relay_queue (notification, terminal, "
                                 "enqueued_at_ms) VALUES (?, ?, ?)"));

    QList<RecordedNotification> recorded;
    for (const NotificationRecord& n : notifications) {
        // The order may have arrived by upload since the notification was verified.
        NotificationVerdict verdict = n.verdict;
        orderOf.addBindValue(n.outTradeNo);
        if (!orderOf.exec())
            return queryError(
                QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading a notification's order"),
                orderOf);
        if (orderOf.next())
            verdict = orderOf.value(0).toString() == n.channel &&
                              orderOf.value(1).toLongLong() == n.totalFen
                          ? NotificationVerdict::Matched
                          : NotificationVerdict::AmountMismatch;
        orderOf.finish();

        insert.addBindValue(n.provider);
        insert.addBindValue(n.notificationId);
        insert.addBindValue(n.outTradeNo);
        insert.addBindValue(n.channel);
        insert.addBindValue(n.totalFen);
        insert.addBindValue(headersText(n.headers));
        insert.addBindValue(n.body);
        insert.addBindValue(n.receivedAtMs);
        insert.addBindValue(verdictName(verdict));
        if (!insert.exec())
            return queryError(
                QT_TRANSLATE_NOOP("qpos::server::ServerStore", "recording a notification"), insert);
        RecordedNotification r;
        if (insert.numRowsAffected() == 0) {
            r.duplicate = true;
            existing.addBindValue(n.provider);
            existing.addBindValue(n.notificationId);
            if (!existing.exec() || !existing.next())
                return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore",
                                                    "finding a recorded notification"),
                                  existing);
            r.id = existing.value(0).toLongLong();
            existing.finish();
            recorded.append(r);
            continue;
        }
        r.id = insert.lastInsertId().toLongLong();
        Result<std::optional<qint64>> owner = terminalRowOf(n.outTradeNo);
        if (!owner)
            return owner.error();
        r.terminalRowId = *owner;
        if (r.terminalRowId) {
            relay.addBindValue(r.id);
            relay.addBindValue(*r.terminalRowId);
            relay.addBindValue(n.receivedAtMs);
            if (!relay.exec())
                return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore",
                                                    "queueing a notification for its till"),
                                  relay);
        }
        recorded.append(r);
    }
    if (Status committed = tx.commit(); !committed)
        return committed.error();
    return recorded;
}

Result<std::optional<NotificationVerdict>>
SqliteServerStore::notificationVerdict(const QString& provider, const QString& notificationId) {
    QSqlQuery q(m_db.handle());
    q.prepare(
        QStringLiteral("SELECT verdict FROM notifications WHERE provider = ? AND provider_id = ?"));
    q.addBindValue(provider);
    q.addBindValue(notificationId);
    if (!q.exec())
        return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading a notification"),
                          q);
    if (!q.next())
        return std::optional<NotificationVerdict>();
    return verdictFromName(q.value(0).toString());
}

Result<std::optional<ServerOrder>> SqliteServerStore::order(const QString& outTradeNo) {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("SELECT terminal, channel, amount_fen, refunded_fen, state, "
                             "last_event_id, updated_at_ms FROM orders WHERE out_trade_no = ?"));
    q.addBindValue(outTradeNo);
    if (!q.exec())
        return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading an order"), q);
    if (!q.next())
        return std::optional<ServerOrder>();
    return std::optional<ServerOrder>(serverOrderFrom(q, outTradeNo));
}

Result<QList<QPair<QString, qint64>>> SqliteServerStore::awaitingOrdersByTerminal() {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral(
        "SELECT t.store_id || '/' || t.terminal_id, "
        "(SELECT count(DISTINCT n.out_trade_no) FROM notifications n "
        " WHERE n.verdict = 'awaiting_order' AND substr(n.out_trade_no, 1, "
        "  length(t.store_id) + length(t.terminal_id) + 2) = "
        "  t.store_id || '_' || t.terminal_id || '_') "
        "FROM terminals t WHERE t.revoked_at_ms IS NULL ORDER BY t.store_id, t.terminal_id"));
    if (!q.exec())
        return queryError(
            QT_TRANSLATE_NOOP("qpos::server::ServerStore", "counting orders not uploaded"), q);
    QList<QPair<QString, qint64>> lag;
    while (q.next())
        lag.append({q.value(0).toString(), q.value(1).toLongLong()});
    return lag;
}

Result<TerminalRecord> SqliteServerStore::addTerminal(const link::TerminalIdentity& identity,
                                                      const StoredSecret& secret, qint64 nowMs) {
    WriteTransaction tx(m_db);
    if (Status begun = tx.begin(); !begun)
        return begun.error();
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("INSERT INTO terminals (store_id, terminal_id, created_at_ms) "
                             "VALUES (?, ?, ?) ON CONFLICT (store_id, terminal_id) DO NOTHING"));
    q.addBindValue(identity.storeId);
    q.addBindValue(identity.terminalId);
    q.addBindValue(nowMs);
    if (!q.exec())
        return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "adding a terminal"), q);
    if (q.numRowsAffected() == 0)
        return Error{QStringLiteral("terminal.exists"),
                     QCoreApplication::translate(
                         "qpos::server::ServerStore",
                         "Terminal %1/%2 exists already. Use \"terminal rotate\" for a new "
                         "secret, or choose another terminal id.")
                         .arg(identity.storeId, identity.terminalId)};
    const qint64 rowId = q.lastInsertId().toLongLong();
    QSqlQuery s(m_db.handle());
    s.prepare(QStringLiteral("INSERT INTO terminal_secrets (terminal, key_id, secret, "
                             "created_at_ms) VALUES (?, ?, ?, ?)"));
    s.addBindValue(rowId);
    s.addBindValue(secret.keyId);
    s.addBindValue(secret.secret);
    s.addBindValue(nowMs);
    if (!s.exec())
        return queryError(
            QT_TRANSLATE_NOOP("qpos::server::ServerStore", "storing a terminal's secret"), s);
    if (Status committed = tx.commit(); !committed)
        return committed.error();
    TerminalRecord t;
    t.rowId = rowId;
    t.identity = identity;
    t.secrets = {secret};
    t.createdAtMs = nowMs;
    return t;
}

Result<QList<TerminalRecord>> SqliteServerStore::readTerminals(const link::TerminalIdentity* only) {
    return readTerminalRows(m_db.handle(), only, QStringLiteral("rowid"), queryError);
}

Result<std::optional<TerminalRecord>>
SqliteServerStore::terminal(const link::TerminalIdentity& identity) {
    Result<QList<TerminalRecord>> list = readTerminals(&identity);
    if (!list)
        return list.error();
    if (list->isEmpty())
        return std::optional<TerminalRecord>();
    return std::optional<TerminalRecord>(list->constFirst());
}

Result<QList<TerminalRecord>> SqliteServerStore::terminals() {
    return readTerminals(nullptr);
}

Status SqliteServerStore::rotateTerminal(const link::TerminalIdentity& identity,
                                         const StoredSecret& secret, qint64 graceUntilMs) {
    Result<std::optional<TerminalRecord>> existing = terminal(identity);
    if (!existing)
        return existing.error();
    if (!*existing || (*existing)->revokedAtMs)
        return Error{QStringLiteral("terminal.unknown"),
                     QCoreApplication::translate(
                         "qpos::server::ServerStore",
                         "There is no active terminal %1/%2. \"terminal list\" shows them; add it "
                         "with \"terminal add\".")
                         .arg(identity.storeId, identity.terminalId)};
    WriteTransaction tx(m_db);
    if (Status begun = tx.begin(); !begun)
        return begun;
    QSqlQuery q(m_db.handle());
    // An older secret keeps its earlier end when it has one.
    q.prepare(QStringLiteral("UPDATE terminal_secrets SET valid_until_ms = ? WHERE terminal = ? "
                             "AND (valid_until_ms IS NULL OR valid_until_ms > ?)"));
    q.addBindValue(graceUntilMs);
    q.addBindValue((*existing)->rowId);
    q.addBindValue(graceUntilMs);
    if (!q.exec())
        return queryError(
            QT_TRANSLATE_NOOP("qpos::server::ServerStore", "ending a terminal's old secret"), q);
    QSqlQuery s(m_db.handle());
    s.prepare(QStringLiteral("INSERT INTO terminal_secrets (terminal, key_id, secret, "
                             "created_at_ms) VALUES (?, ?, ?, ?)"));
    s.addBindValue((*existing)->rowId);
    s.addBindValue(secret.keyId);
    s.addBindValue(secret.secret);
    s.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!s.exec())
        return queryError(
            QT_TRANSLATE_NOOP("qpos::server::ServerStore", "storing a terminal's secret"), s);
    return tx.commit();
}

Status SqliteServerStore::revokeTerminal(const link::TerminalIdentity& identity, qint64 nowMs) {
    WriteTransaction tx(m_db);
    if (Status begun = tx.begin(); !begun)
        return begun;
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("UPDATE terminals SET revoked_at_ms = ? WHERE store_id = ? AND "
                             "terminal_id = ? AND revoked_at_ms IS NULL"));
    q.addBindValue(nowMs);
    q.addBindValue(identity.storeId);
    q.addBindValue(identity.terminalId);
    if (!q.exec())
        return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "revoking a terminal"), q);
    if (q.numRowsAffected() == 0)
        return Error{QStringLiteral("terminal.unknown"),
                     QCoreApplication::translate(
                         "qpos::server::ServerStore",
                         "There is no active terminal %1/%2. \"terminal list\" shows them.")
                         .arg(identity.storeId, identity.terminalId)};
    return tx.commit();
}

Result<bool> SqliteServerStore::markEnrolled(qint64 terminalRowId, qint64 nowMs) {
    WriteTransaction tx(m_db);
    if (Status begun = tx.begin(); !begun)
        return begun.error();
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("UPDATE terminals SET enrolled_at_ms = ? WHERE id = ? AND "
                             "enrolled_at_ms IS NULL"));
    q.addBindValue(nowMs);
    q.addBindValue(terminalRowId);
    if (!q.exec())
        return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "recording an enrollment"),
                          q);
    const bool first = q.numRowsAffected() == 1;
    if (Status committed = tx.commit(); !committed)
        return committed.error();
    return first;
}

Result<qint64> SqliteServerStore::storeSyncEntries(qint64 terminalRowId,
                                                   const QList<SyncedEntry>& entries,
                                                   qint64 nowMs) {
    WriteTransaction tx(m_db);
    if (Status begun = tx.begin(); !begun)
        return begun.error();
    QSqlQuery insert(m_db.handle());
    insert.prepare(QStringLiteral(
        "INSERT INTO synced_entries (terminal, seq, out_trade_no, payload, received_at_ms) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (terminal, seq) DO NOTHING"));
    QSqlQuery current(m_db.handle());
    current.prepare(QStringLiteral(
        "SELECT state, last_event_id, refunded_fen FROM orders WHERE out_trade_no = ?"));
    QSqlQuery create(m_db.handle());
    create.prepare(QStringLiteral(
        "INSERT INTO orders (out_trade_no, terminal, channel, amount_fen, refunded_fen, state, "
        "last_event_id, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    QSqlQuery update(m_db.handle());
    update.prepare(QStringLiteral("UPDATE orders SET refunded_fen = ?, state = ?, "
                                  "last_event_id = ?, updated_at_ms = ? WHERE out_trade_no = ?"));
    QSqlQuery match(m_db.handle());
    match.prepare(
        QStringLiteral("UPDATE notifications SET verdict = CASE WHEN channel = ? AND total_fen = ? "
                       "THEN 'matched' ELSE 'amount_mismatch' END "
                       "WHERE out_trade_no = ? AND verdict = 'awaiting_order'"));

    for (const SyncedEntry& e : entries) {
        insert.addBindValue(terminalRowId);
        insert.addBindValue(e.seq);
        insert.addBindValue(e.outTradeNo);
        insert.addBindValue(
            QString::fromUtf8(QJsonDocument(e.payload).toJson(QJsonDocument::Compact)));
        insert.addBindValue(nowMs);
        if (!insert.exec())
            return queryError(
                QT_TRANSLATE_NOOP("qpos::server::ServerStore", "storing an uploaded entry"),
                insert);
        if (insert.numRowsAffected() == 0)
            continue; // uploaded before: it changed the order then

        current.addBindValue(e.outTradeNo);
        if (!current.exec())
            return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading an order"),
                              current);
        std::optional<OrderBefore> before;
        if (current.next())
            before = OrderBefore{static_cast<OrderState>(current.value(0).toInt()),
                                 current.value(1).toLongLong(), current.value(2).toLongLong()};
        current.finish();
        if (!before) {
            create.addBindValue(e.outTradeNo);
            create.addBindValue(terminalRowId);
            create.addBindValue(e.channel);
            create.addBindValue(e.amountFen);
            create.addBindValue(e.refundedFen);
            create.addBindValue(static_cast<int>(e.newState));
            create.addBindValue(e.eventId);
            create.addBindValue(e.atMs);
            if (!create.exec())
                return queryError(
                    QT_TRANSLATE_NOOP("qpos::server::ServerStore", "storing an order"), create);
        } else {
            // A later event of the till moves the order on; an older one, or one that would
            // move it back (a late `pending` after `paid`), is kept as an entry only.
            if (entryMovesOrder(before, e)) {
                update.addBindValue(e.refundedFen);
                update.addBindValue(static_cast<int>(e.newState));
                update.addBindValue(e.eventId);
                update.addBindValue(e.atMs);
                update.addBindValue(e.outTradeNo);
                if (!update.exec())
                    return queryError(
                        QT_TRANSLATE_NOOP("qpos::server::ServerStore", "updating an order"),
                        update);
            }
        }
        QSqlDatabase handle = m_db.handle();
        if (Status recorded = recordLedgerEntry(handle, before, e); !recorded)
            return recorded.error();
        match.addBindValue(e.channel);
        match.addBindValue(e.amountFen);
        match.addBindValue(e.outTradeNo);
        if (!match.exec())
            return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore",
                                                "matching notifications with an order"),
                              match);
    }
    Result<qint64> stored = storedSeq(terminalRowId);
    if (!stored)
        return stored;
    if (Status committed = tx.commit(); !committed)
        return committed.error();
    return stored;
}

Result<qint64> SqliteServerStore::storedSeq(qint64 terminalRowId) {
    QSqlQuery q(m_db.handle());
    q.prepare(
        QStringLiteral("SELECT coalesce(max(seq), 0) FROM synced_entries WHERE terminal = ?"));
    q.addBindValue(terminalRowId);
    if (!q.exec() || !q.next())
        return queryError(
            QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading the uploaded sequence"), q);
    return q.value(0).toLongLong();
}

Result<QList<PendingRelay>> SqliteServerStore::pendingRelays(qint64 terminalRowId) {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral(
        "SELECT n.id, n.provider, n.out_trade_no, n.received_at_ms, n.raw_headers, n.raw_body "
        "FROM relay_queue r JOIN notifications n ON n.id = r.notification "
        "WHERE r.terminal = ? AND r.acked_at_ms IS NULL ORDER BY n.id"));
    q.addBindValue(terminalRowId);
    if (!q.exec())
        return queryError(
            QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading unacknowledged messages"), q);
    QList<PendingRelay> list;
    while (q.next())
        list.append(PendingRelay{q.value(0).toLongLong(), q.value(1).toString(),
                                 q.value(2).toString(), q.value(3).toLongLong(),
                                 headersFrom(q.value(4).toString()), q.value(5).toByteArray()});
    return list;
}

Result<bool> SqliteServerStore::acknowledgeRelay(qint64 terminalRowId, qint64 notificationId,
                                                 const QString& result, const QString& code,
                                                 qint64 nowMs) {
    WriteTransaction tx(m_db);
    if (Status begun = tx.begin(); !begun)
        return begun.error();
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("UPDATE relay_queue SET acked_at_ms = ?, ack_result = ?, "
                             "ack_code = ? WHERE terminal = ? AND notification = ? AND "
                             "acked_at_ms IS NULL"));
    q.addBindValue(nowMs);
    q.addBindValue(result);
    q.addBindValue(code.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(code));
    q.addBindValue(terminalRowId);
    q.addBindValue(notificationId);
    if (!q.exec())
        return queryError(
            QT_TRANSLATE_NOOP("qpos::server::ServerStore", "recording an acknowledgement"), q);
    bool known = q.numRowsAffected() == 1;
    if (!known) {
        QSqlQuery e(m_db.handle());
        e.prepare(
            QStringLiteral("SELECT 1 FROM relay_queue WHERE terminal = ? AND notification = ?"));
        e.addBindValue(terminalRowId);
        e.addBindValue(notificationId);
        if (!e.exec())
            return queryError(
                QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading a relay message"), e);
        known = e.next();
    }
    if (Status committed = tx.commit(); !committed)
        return committed.error();
    return known;
}

Status SqliteServerStore::readSql(const std::function<Status(QSqlDatabase&)>& body) {
    QSqlDatabase db = m_db.handle();
    if (!db.isOpen())
        return databaseError(
            QCoreApplication::translate("qpos::server::ServerStore", "reading the database"),
            QCoreApplication::translate("qpos::server::ServerStore", "it is not open"));
    return body(db);
}

Status SqliteServerStore::writeSql(const std::function<Status(QSqlDatabase&)>& body) {
    WriteTransaction tx(m_db);
    if (Status begun = tx.begin(); !begun)
        return begun;
    QSqlDatabase db = m_db.handle();
    if (Status done = body(db); !done)
        return done;
    return tx.commit();
}

} // namespace qpos::server
