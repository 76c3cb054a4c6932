#include "server/storage/PostgresServerStore.h"

#include "core/crypto/KeyFiles.h"
#include "core/logging/LogCategories.h"
#include "core/storage/Database.h"
#include "server/storage/LedgerRows.h"
#include "server/storage/PostgresSchema.h"
#include "server/storage/StoreRows.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <libpq-fe.h>

#include <algorithm>
#include <utility>

namespace qpos::server {

namespace {

constexpr int kOrderLockClass = 0x71706f74; // per-order advisory locks ("qpot")
constexpr int kMaxAttempts = 5;
constexpr qint64 kReconnectIntervalMs = 1000;

// SQLSTATEs after which the whole transaction is simply run again.
bool isRetryable(const QSqlError& error) {
    const QString state = error.nativeErrorCode();
    return state == u"40001" || state == u"40P01";
}

// `what` is marked with QT_TRANSLATE_NOOP in the context qpos::server::ServerStore.
Error queryError(const char* what, const QSqlQuery& query) {
    Error e = databaseError(QCoreApplication::translate("qpos::server::ServerStore", what),
                            query.lastError().text());
    if (isRetryable(query.lastError()))
        e.code = QStringLiteral("db.conflict");
    return e;
}

// The advisory lock that serialises everything written about one order.
int orderLockKey(const QString& outTradeNo) {
    const QByteArray digest =
        QCryptographicHash::hash(outTradeNo.toUtf8(), QCryptographicHash::Sha256);
    qint32 key = 0;
    for (int i = 0; i < 4; ++i)
        key = static_cast<qint32>((static_cast<quint32>(key) << 8) |
                                  static_cast<quint8>(digest.at(i)));
    return key;
}

// Takes the locks of these orders, smallest key first: two transactions wanting some of the
// same orders wait for each other instead of deadlocking.
Status lockOrders(QSqlDatabase& db, const QStringList& outTradeNos) {
    QList<int> keys;
    for (const QString& no : outTradeNos)
        keys.append(orderLockKey(no));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    QSqlQuery lock(db);
    lock.prepare(QStringLiteral("SELECT pg_advisory_xact_lock(?, ?)"));
    for (int key : std::as_const(keys)) {
        lock.addBindValue(kOrderLockClass);
        lock.addBindValue(key);
        if (!lock.exec())
            return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "locking an order"),
                              lock);
        lock.finish();
    }
    return Status::success();
}

// orderStateRank() as SQL over `column`, built from our own enum only.
QString stateRankSql(const QString& column) {
    QString sql = QStringLiteral("CASE %1").arg(column);
    for (OrderState state : kAllOrderStates)
        sql += QStringLiteral(" WHEN %1 THEN %2")
                   .arg(static_cast<int>(state))
                   .arg(orderStateRank(state));
    return sql + QStringLiteral(" ELSE 0 END");
}

// libpq's own word on a connection: the server closed it, or it broke.
bool connectionBroken(const QSqlDatabase& db) {
    QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "PGconn*") != 0)
        return false;
    PGconn* conn = *static_cast<PGconn**>(handle.data());
    return conn && PQstatus(conn) == CONNECTION_BAD;
}

Error notOpen() {
    return Error{QStringLiteral("db.not_open"),
                 QCoreApplication::translate("qpos::server::ServerStore",
                                             "The server database is not open.")};
}

} // namespace

PostgresServerStore::PostgresServerStore(PostgresSettings settings, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_connectionPrefix(
          QStringLiteral("qpos-server-pg-%1-").arg(reinterpret_cast<quintptr>(this), 0, 16))
    , m_instanceTag(QString::number(QRandomGenerator::system()->generate64(), 16)) {}

PostgresServerStore::~PostgresServerStore() {
    QStringList names;
    {
        QMutexLocker locker(&m_namesLock);
        names = m_connectionNames;
    }
    for (const QString& name : std::as_const(names)) {
        {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    }
}

Result<QSqlDatabase> PostgresServerStore::openConnection(const QString& name) {
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return Error{QStringLiteral("db.no_driver"),
                     QCoreApplication::translate(
                         "qpos::server::PostgresServerStore",
                         "Qt's PostgreSQL driver (QPSQL) is not installed, so [database] driver = "
                         "postgresql cannot be used. Install the Debian package libqt6sql6-psql, "
                         "or set driver = sqlite.")};
    QByteArray password;
    if (!m_settings.passwordFile.isEmpty()) {
        // The same rules as every secret file: private to the service user.
        Result<QByteArray> read = crypto::readSecretFile(m_settings.passwordFile);
        if (!read)
            return read.error();
        password = read->trimmed();
    }
    QSqlDatabase db = QSqlDatabase::contains(name)
                          ? QSqlDatabase::database(name, false)
                          : QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    {
        QMutexLocker locker(&m_namesLock);
        if (!m_connectionNames.contains(name))
            m_connectionNames.append(name);
    }
    db.setHostName(m_settings.host);
    db.setPort(m_settings.port);
    db.setDatabaseName(m_settings.name);
    db.setUserName(m_settings.user);
    db.setPassword(QString::fromUtf8(password));
    password.fill('\0');
    // An unreachable server is reported after 10 s rather than never.
    QString options = m_settings.options;
    if (!options.contains(QStringLiteral("connect_timeout")))
        options = QStringLiteral("connect_timeout=10 ") + options;
    db.setConnectOptions(options.trimmed());
    const bool opened = db.open();
    db.setPassword(QString());
    if (!opened) {
        const QString why = db.lastError().databaseText().isEmpty() ? db.lastError().text()
                                                                    : db.lastError().databaseText();
        const QString where =
            m_settings.host.isEmpty() ? QStringLiteral("the local socket") : m_settings.host;
        if (why.contains(QStringLiteral("password authentication failed")) ||
            why.contains(QStringLiteral("no password supplied")))
            return Error{QStringLiteral("db.auth"),
                         QCoreApplication::translate(
                             "qpos::server::PostgresServerStore",
                             "PostgreSQL at %1 port %2 refused the password of user %3 for "
                             "database %4. Put the role's password in the file [database] "
                             "password_file names (mode 0600), or set it again with ALTER ROLE.")
                             .arg(where)
                             .arg(m_settings.port)
                             .arg(m_settings.user, m_settings.name)};
        return Error{QStringLiteral("db.unreachable"),
                     QCoreApplication::translate(
                         "qpos::server::PostgresServerStore",
                         "Cannot connect to PostgreSQL at %1 port %2 (database %3, user %4): %5 "
                         "Check [database] url (or host, port, name and user), and that the "
                         "PostgreSQL server runs and accepts connections from this machine.")
                         .arg(where)
                         .arg(m_settings.port)
                         .arg(m_settings.name, m_settings.user, why.trimmed())};
    }
    return db;
}

QSqlDatabase PostgresServerStore::connection() {
    const QString name =
        m_connectionPrefix + QString::number(reinterpret_cast<quintptr>(QThread::currentThread()));
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        recoverIfLost(db, name);
        return db;
    }
    // Another thread's first use: its own connection, opened now.
    Result<QSqlDatabase> opened = openConnection(name);
    if (!opened) {
        qCWarning(lcServer).noquote() << opened.error().message;
        return QSqlDatabase::database(name, false);
    }
    return *opened;
}

bool PostgresServerStore::recoverIfLost(QSqlDatabase& db, const QString& name) {
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    {
        QMutexLocker locker(&m_namesLock);
        if (m_closedOnPurpose.contains(name))
            return false;
        const bool lost = m_lost.contains(name) || !db.isOpen() || connectionBroken(db);
        if (!lost)
            return true;
        if (!m_lost.contains(name))
            qCWarning(lcServer).noquote()
                << "the connection to PostgreSQL was lost; every request fails until it is back";
        m_lost.insert(name);
        // A down server is asked once a second, not once a request.
        if (now - m_lastAttemptMs.value(name, 0) < kReconnectIntervalMs) {
            db.close();
            return false;
        }
        m_lastAttemptMs.insert(name, now);
    }
    db.close();
    Result<QSqlDatabase> opened = openConnection(name);
    if (!opened) {
        qCWarning(lcServer).noquote() << "PostgreSQL is still unreachable:" << opened.error().code;
        return false;
    }
    db = *opened;
    {
        QMutexLocker locker(&m_namesLock);
        m_lost.remove(name);
    }
    qCInfo(lcServer).noquote() << "connected to PostgreSQL again";
    if (m_relayQueued && QThread::currentThread() == m_watchThread) {
        if (Status listening = listen(db); !listening) {
            qCWarning(lcServer).noquote() << listening.error().message;
            QMutexLocker locker(&m_namesLock);
            m_lost.insert(name);
            return false;
        }
        // Messages other instances announced while this one was not listening: handed on
        // from the event loop, outside whatever transaction the caller is about to run.
        QMetaObject::invokeMethod(
            this, [this] { catchUpRelays(); }, Qt::QueuedConnection);
    }
    return true;
}

void PostgresServerStore::catchUpRelays() {
    QList<qint64> terminals;
    const Status read = readSql([&](QSqlDatabase& db) {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral(
                "SELECT DISTINCT terminal FROM relay_queue WHERE acked_at_ms IS NULL")))
            return Status(queryError(
                QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading a relay message"), q));
        while (q.next())
            terminals.append(q.value(0).toLongLong());
        return Status::success();
    });
    if (!read) {
        qCWarning(lcServer).noquote() << read.error().message;
        return;
    }
    for (qint64 terminal : std::as_const(terminals))
        m_relayQueued(terminal);
}

Status PostgresServerStore::open() {
    const QString name =
        m_connectionPrefix + QString::number(reinterpret_cast<quintptr>(QThread::currentThread()));
    {
        QMutexLocker locker(&m_namesLock);
        m_lost.remove(name);
        m_closedOnPurpose.remove(name);
    }
    Result<QSqlDatabase> opened = openConnection(name);
    if (!opened)
        return opened.error();
    QSqlDatabase db = *opened;
    if (Status migrated = postgres_schema::migrate(db, QDateTime::currentMSecsSinceEpoch());
        !migrated)
        return migrated;
    // Opened again (after the database went away): listening again too.
    if (m_relayQueued)
        return watchRelays(m_relayQueued);
    return Status::success();
}

void PostgresServerStore::close() {
    const QString name =
        m_connectionPrefix + QString::number(reinterpret_cast<quintptr>(QThread::currentThread()));
    {
        QMutexLocker locker(&m_namesLock);
        m_lost.remove(name);
        m_closedOnPurpose.insert(name);
    }
    QSqlDatabase::database(name, false).close();
}

Status PostgresServerStore::ping() {
    QSqlDatabase db = connection();
    if (!db.isOpen())
        return notOpen();
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT count(*) FROM terminals")) || !q.next())
        return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "checking the database"),
                          q);
    return Status::success();
}

Status PostgresServerStore::inTransaction(const std::function<Status(QSqlDatabase&)>& body) {
    QSqlDatabase db = connection();
    if (!db.isOpen())
        return notOpen();
    for (int attempt = 1;; ++attempt) {
        if (!db.transaction())
            return databaseError(
                QCoreApplication::translate("qpos::server::ServerStore", "starting a transaction"),
                db.lastError().text());
        Status done = body(db);
        if (done && db.commit())
            return Status::success();
        const bool retry = done ? isRetryable(db.lastError()) : done.error().code == u"db.conflict";
        const Error error = done ? databaseError(QCoreApplication::translate(
                                                     "qpos::server::ServerStore", "committing"),
                                                 db.lastError().text())
                                 : done.error();
        db.rollback();
        if (!retry || attempt == kMaxAttempts)
            return error;
    }
}

Result<QList<RecordedNotification>>
PostgresServerStore::recordNotifications(const QList<NotificationRecord>& notifications) {
    QList<RecordedNotification> recorded;
    Status done = inTransaction([&](QSqlDatabase& db) -> Status {
        recorded.clear();
        QStringList orders;
        for (const NotificationRecord& n : notifications)
            orders.append(n.outTradeNo);
        if (Status locked = lockOrders(db, orders); !locked)
            return locked;

        QSqlQuery orderOf(db);
        orderOf.prepare(
            QStringLiteral("SELECT channel, amount_fen FROM orders WHERE out_trade_no = ?"));
        QSqlQuery insert(db);
        insert.prepare(QStringLiteral(
            "INSERT INTO notifications (provider, provider_id, out_trade_no, channel, total_fen, "
            "raw_headers, raw_body, received_at_ms, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (provider, provider_id) DO NOTHING RETURNING id"));
        QSqlQuery existing(db);
        existing.prepare(
            QStringLiteral("SELECT id FROM notifications WHERE provider = ? AND provider_id = ?"));
        QSqlQuery owner(db);
        owner.prepare(QStringLiteral("SELECT id FROM terminals WHERE store_id = ? AND "
                                     "terminal_id = ? AND revoked_at_ms IS NULL"));
        QSqlQuery relay(db);
        relay.prepare(QStringLiteral("INSERT INTO relay_queue (notification, terminal, "
                                     "enqueued_at_ms) VALUES (?, ?, ?)"));
        QSet<qint64> announce;

        for (const NotificationRecord& n : notifications) {
            // The order may have arrived by upload since the notification was verified.
            NotificationVerdict verdict = n.verdict;
            orderOf.addBindValue(n.outTradeNo);
            if (!orderOf.exec())
                return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore",
                                                    "reading a notification's order"),
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
                    QT_TRANSLATE_NOOP("qpos::server::ServerStore", "recording a notification"),
                    insert);
            RecordedNotification r;
            if (!insert.next()) {
                insert.finish();
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
            r.id = insert.value(0).toLongLong();
            insert.finish();

            const QStringList parts = n.outTradeNo.split(u'_');
            if (parts.size() >= 3) {
                owner.addBindValue(parts.at(0));
                owner.addBindValue(parts.at(1));
                if (!owner.exec())
                    return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore",
                                                        "finding the till that owns an order"),
                                      owner);
                if (owner.next())
                    r.terminalRowId = owner.value(0).toLongLong();
                owner.finish();
            }
            if (r.terminalRowId) {
                relay.addBindValue(r.id);
                relay.addBindValue(*r.terminalRowId);
                relay.addBindValue(n.receivedAtMs);
                if (!relay.exec())
                    return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore",
                                                        "queueing a notification for its till"),
                                      relay);
                announce.insert(*r.terminalRowId);
            }
            recorded.append(r);
        }

        // Delivered to the listening instances only when this transaction commits.
        QSqlQuery notify(db);
        notify.prepare(QStringLiteral("SELECT pg_notify(?, ?)"));
        for (qint64 terminal : std::as_const(announce)) {
            notify.addBindValue(QString::fromLatin1(kRelayChannel));
            notify.addBindValue(QStringLiteral("%1 %2").arg(terminal).arg(m_instanceTag));
            if (!notify.exec())
                return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore",
                                                    "announcing a message for a till"),
                                  notify);
            notify.finish();
        }
        return Status::success();
    });
    if (!done)
        return done.error();
    return recorded;
}

Result<std::optional<NotificationVerdict>>
PostgresServerStore::notificationVerdict(const QString& provider, const QString& notificationId) {
    QSqlQuery q(connection());
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

Result<std::optional<ServerOrder>> PostgresServerStore::order(const QString& outTradeNo) {
    QSqlQuery q(connection());
    q.prepare(QStringLiteral("SELECT terminal, channel, amount_fen, refunded_fen, state, "
                             "last_event_id, updated_at_ms FROM orders WHERE out_trade_no = ?"));
    q.addBindValue(outTradeNo);
    if (!q.exec())
        return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading an order"), q);
    if (!q.next())
        return std::optional<ServerOrder>();
    return std::optional<ServerOrder>(serverOrderFrom(q, outTradeNo));
}

Result<QList<QPair<QString, qint64>>> PostgresServerStore::awaitingOrdersByTerminal() {
    QSqlQuery q(connection());
    q.prepare(QStringLiteral(
        "SELECT t.store_id || '/' || t.terminal_id, "
        "(SELECT count(DISTINCT n.out_trade_no) FROM notifications n "
        " WHERE n.verdict = 'awaiting_order' AND starts_with(n.out_trade_no, "
        "  t.store_id || '_' || t.terminal_id || '_')) "
        "FROM terminals t WHERE t.revoked_at_ms IS NULL ORDER BY t.store_id, t.terminal_id"));
    if (!q.exec())
        return queryError(
            QT_TRANSLATE_NOOP("qpos::server::ServerStore", "counting orders not uploaded"), q);
    QList<QPair<QString, qint64>> lag;
    while (q.next())
        lag.append({q.value(0).toString(), q.value(1).toLongLong()});
    return lag;
}

Result<TerminalRecord> PostgresServerStore::addTerminal(const link::TerminalIdentity& identity,
                                                        const StoredSecret& secret, qint64 nowMs) {
    qint64 rowId = 0;
    bool exists = false;
    Status done = inTransaction([&](QSqlDatabase& db) -> Status {
        QSqlQuery q(db);
        q.prepare(QStringLiteral(
            "INSERT INTO terminals (store_id, terminal_id, created_at_ms) VALUES (?, ?, ?) "
            "ON CONFLICT (store_id, terminal_id) DO NOTHING RETURNING id"));
        q.addBindValue(identity.storeId);
        q.addBindValue(identity.terminalId);
        q.addBindValue(nowMs);
        if (!q.exec())
            return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "adding a terminal"),
                              q);
        exists = !q.next();
        if (exists)
            return Status::success();
        rowId = q.value(0).toLongLong();
        QSqlQuery s(db);
        s.prepare(QStringLiteral("INSERT INTO terminal_secrets (terminal, key_id, secret, "
                                 "created_at_ms) VALUES (?, ?, ?, ?)"));
        s.addBindValue(rowId);
        s.addBindValue(secret.keyId);
        s.addBindValue(secret.secret);
        s.addBindValue(nowMs);
        if (!s.exec())
            return queryError(
                QT_TRANSLATE_NOOP("qpos::server::ServerStore", "storing a terminal's secret"), s);
        return Status::success();
    });
    if (!done)
        return done.error();
    if (exists)
        return Error{QStringLiteral("terminal.exists"),
                     QCoreApplication::translate(
                         "qpos::server::ServerStore",
                         "Terminal %1/%2 exists already. Use \"terminal rotate\" for a new "
                         "secret, or choose another terminal id.")
                         .arg(identity.storeId, identity.terminalId)};
    TerminalRecord t;
    t.rowId = rowId;
    t.identity = identity;
    t.secrets = {secret};
    t.createdAtMs = nowMs;
    return t;
}

Result<QList<TerminalRecord>>
PostgresServerStore::readTerminals(const link::TerminalIdentity* only) {
    return readTerminalRows(connection(), only, QStringLiteral("id"), queryError);
}

Result<std::optional<TerminalRecord>>
PostgresServerStore::terminal(const link::TerminalIdentity& identity) {
    Result<QList<TerminalRecord>> list = readTerminals(&identity);
    if (!list)
        return list.error();
    if (list->isEmpty())
        return std::optional<TerminalRecord>();
    return std::optional<TerminalRecord>(list->constFirst());
}

Result<QList<TerminalRecord>> PostgresServerStore::terminals() {
    return readTerminals(nullptr);
}

Status PostgresServerStore::rotateTerminal(const link::TerminalIdentity& identity,
                                           const StoredSecret& secret, qint64 graceUntilMs) {
    bool known = false;
    Status done = inTransaction([&](QSqlDatabase& db) -> Status {
        // The terminal's row is locked, so a revoke on another instance waits for this.
        QSqlQuery t(db);
        t.prepare(QStringLiteral("SELECT id FROM terminals WHERE store_id = ? AND terminal_id = ? "
                                 "AND revoked_at_ms IS NULL FOR UPDATE"));
        t.addBindValue(identity.storeId);
        t.addBindValue(identity.terminalId);
        if (!t.exec())
            return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading terminals"),
                              t);
        known = t.next();
        if (!known)
            return Status::success();
        const qint64 rowId = t.value(0).toLongLong();
        QSqlQuery q(db);
        // An older secret keeps its earlier end when it has one.
        q.prepare(
            QStringLiteral("UPDATE terminal_secrets SET valid_until_ms = ? WHERE terminal = ? "
                           "AND (valid_until_ms IS NULL OR valid_until_ms > ?)"));
        q.addBindValue(graceUntilMs);
        q.addBindValue(rowId);
        q.addBindValue(graceUntilMs);
        if (!q.exec())
            return queryError(
                QT_TRANSLATE_NOOP("qpos::server::ServerStore", "ending a terminal's old secret"),
                q);
        QSqlQuery s(db);
        s.prepare(QStringLiteral("INSERT INTO terminal_secrets (terminal, key_id, secret, "
                                 "created_at_ms) VALUES (?, ?, ?, ?)"));
        s.addBindValue(rowId);
        s.addBindValue(secret.keyId);
        s.addBindValue(secret.secret);
        s.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (!s.exec())
            return queryError(
                QT_TRANSLATE_NOOP("qpos::server::ServerStore", "storing a terminal's secret"), s);
        return Status::success();
    });
    if (!done)
        return done;
    if (!known)
        return Error{QStringLiteral("terminal.unknown"),
                     QCoreApplication::translate(
                         "qpos::server::ServerStore",
                         "There is no active terminal %1/%2. \"terminal list\" shows them; add it "
                         "with \"terminal add\".")
                         .arg(identity.storeId, identity.terminalId)};
    return Status::success();
}

Status PostgresServerStore::revokeTerminal(const link::TerminalIdentity& identity, qint64 nowMs) {
    bool known = false;
    Status done = inTransaction([&](QSqlDatabase& db) -> Status {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE terminals SET revoked_at_ms = ? WHERE store_id = ? AND "
                                 "terminal_id = ? AND revoked_at_ms IS NULL"));
        q.addBindValue(nowMs);
        q.addBindValue(identity.storeId);
        q.addBindValue(identity.terminalId);
        if (!q.exec())
            return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore", "revoking a terminal"),
                              q);
        known = q.numRowsAffected() == 1;
        return Status::success();
    });
    if (!done)
        return done;
    if (!known)
        return Error{QStringLiteral("terminal.unknown"),
                     QCoreApplication::translate(
                         "qpos::server::ServerStore",
                         "There is no active terminal %1/%2. \"terminal list\" shows them.")
                         .arg(identity.storeId, identity.terminalId)};
    return Status::success();
}

Result<bool> PostgresServerStore::markEnrolled(qint64 terminalRowId, qint64 nowMs) {
    bool first = false;
    Status done = inTransaction([&](QSqlDatabase& db) -> Status {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE terminals SET enrolled_at_ms = ? WHERE id = ? AND "
                                 "enrolled_at_ms IS NULL"));
        q.addBindValue(nowMs);
        q.addBindValue(terminalRowId);
        if (!q.exec())
            return queryError(
                QT_TRANSLATE_NOOP("qpos::server::ServerStore", "recording an enrollment"), q);
        first = q.numRowsAffected() == 1;
        return Status::success();
    });
    if (!done)
        return done.error();
    return first;
}

Result<qint64> PostgresServerStore::storeSyncEntries(qint64 terminalRowId,
                                                     const QList<SyncedEntry>& entries,
                                                     qint64 nowMs) {
    qint64 stored = 0;
    Status done = inTransaction([&](QSqlDatabase& db) -> Status {
        QStringList orders;
        for (const SyncedEntry& e : entries)
            orders.append(e.outTradeNo);
        if (Status locked = lockOrders(db, orders); !locked)
            return locked;

        QSqlQuery insert(db);
        insert.prepare(QStringLiteral(
            "INSERT INTO synced_entries (terminal, seq, out_trade_no, payload, received_at_ms) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (terminal, seq) DO NOTHING"));
        // A later event of the till moves the order on; an older one, or one that would move
        // it back (a late `pending` after `paid`), is kept as an entry only. Decided by the
        // database against the row as it is now, whichever instance wrote it.
        QSqlQuery upsert(db);
        upsert.prepare(
            QStringLiteral(
                "INSERT INTO orders AS o (out_trade_no, terminal, channel, amount_fen, "
                "refunded_fen, state, last_event_id, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, "
                "?) "
                "ON CONFLICT (out_trade_no) DO UPDATE SET refunded_fen = excluded.refunded_fen, "
                "state = excluded.state, last_event_id = excluded.last_event_id, "
                "updated_at_ms = excluded.updated_at_ms "
                "WHERE excluded.last_event_id > o.last_event_id AND (%1) >= (%2)")
                .arg(stateRankSql(QStringLiteral("excluded.state")),
                     stateRankSql(QStringLiteral("o.state"))));
        QSqlQuery match(db);
        match.prepare(QStringLiteral(
            "UPDATE notifications SET verdict = CASE WHEN channel = ? AND total_fen = ? "
            "THEN 'matched' ELSE 'amount_mismatch' END "
            "WHERE out_trade_no = ? AND verdict = 'awaiting_order'"));
        // Under the order's lock, so the row read is the row the upsert is decided against.
        QSqlQuery current(db);
        current.prepare(QStringLiteral(
            "SELECT state, last_event_id, refunded_fen FROM orders WHERE out_trade_no = ?"));

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
                return queryError(
                    QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading an order"), current);
            std::optional<OrderBefore> before;
            if (current.next())
                before = OrderBefore{static_cast<OrderState>(current.value(0).toInt()),
                                     current.value(1).toLongLong(), current.value(2).toLongLong()};
            current.finish();

            upsert.addBindValue(e.outTradeNo);
            upsert.addBindValue(terminalRowId);
            upsert.addBindValue(e.channel);
            upsert.addBindValue(e.amountFen);
            upsert.addBindValue(e.refundedFen);
            upsert.addBindValue(static_cast<int>(e.newState));
            upsert.addBindValue(e.eventId);
            upsert.addBindValue(e.atMs);
            if (!upsert.exec())
                return queryError(
                    QT_TRANSLATE_NOOP("qpos::server::ServerStore", "storing an order"), upsert);
            if (Status recorded = recordLedgerEntry(db, before, e); !recorded)
                return recorded;

            match.addBindValue(e.channel);
            match.addBindValue(e.amountFen);
            match.addBindValue(e.outTradeNo);
            if (!match.exec())
                return queryError(QT_TRANSLATE_NOOP("qpos::server::ServerStore",
                                                    "matching notifications with an order"),
                                  match);
        }
        QSqlQuery seq(db);
        seq.prepare(
            QStringLiteral("SELECT coalesce(max(seq), 0) FROM synced_entries WHERE terminal = ?"));
        seq.addBindValue(terminalRowId);
        if (!seq.exec() || !seq.next())
            return queryError(
                QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading the uploaded sequence"),
                seq);
        stored = seq.value(0).toLongLong();
        return Status::success();
    });
    if (!done)
        return done.error();
    return stored;
}

Result<qint64> PostgresServerStore::storedSeq(qint64 terminalRowId) {
    QSqlQuery q(connection());
    q.prepare(
        QStringLiteral("SELECT coalesce(max(seq), 0) FROM synced_entries WHERE terminal = ?"));
    q.addBindValue(terminalRowId);
    if (!q.exec() || !q.next())
        return queryError(
            QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading the uploaded sequence"), q);
    return q.value(0).toLongLong();
}

Result<QList<PendingRelay>> PostgresServerStore::pendingRelays(qint64 terminalRowId) {
    QSqlQuery q(connection());
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

Result<bool> PostgresServerStore::acknowledgeRelay(qint64 terminalRowId, qint64 notificationId,
                                                   const QString& result, const QString& code,
                                                   qint64 nowMs) {
    bool known = false;
    Status done = inTransaction([&](QSqlDatabase& db) -> Status {
        // The first acknowledgement wins, on whichever instance it arrives.
        QSqlQuery q(db);
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
        known = q.numRowsAffected() == 1;
        if (known)
            return Status::success();
        QSqlQuery e(db);
        e.prepare(
            QStringLiteral("SELECT 1 FROM relay_queue WHERE terminal = ? AND notification = ?"));
        e.addBindValue(terminalRowId);
        e.addBindValue(notificationId);
        if (!e.exec())
            return queryError(
                QT_TRANSLATE_NOOP("qpos::server::ServerStore", "reading a relay message"), e);
        known = e.next();
        return Status::success();
    });
    if (!done)
        return done.error();
    return known;
}

Status PostgresServerStore::watchRelays(std::function<void(qint64 terminalRowId)> queued) {
    QSqlDatabase db = connection();
    if (!db.isOpen())
        return notOpen();
    m_relayQueued = std::move(queued);
    m_watchThread = QThread::currentThread();
    if (!m_watchdog) {
        // Notices a dropped listening connection even when no request comes to notice it.
        m_watchdog = new QTimer(this);
        m_watchdog->setInterval(int(kReconnectIntervalMs));
        connect(m_watchdog, &QTimer::timeout, this, [this] { connection(); });
        m_watchdog->start();
    }
    return listen(db);
}

Status PostgresServerStore::listen(QSqlDatabase& db) {
    QSqlDriver* driver = db.driver();
    connect(driver, &QSqlDriver::notification, this, &PostgresServerStore::onNotification,
            Qt::UniqueConnection);
    const QString channel = QString::fromLatin1(kRelayChannel);
    if (!driver->subscribedToNotifications().contains(channel) &&
        !driver->subscribeToNotification(channel))
        return databaseError(QCoreApplication::translate("qpos::server::PostgresServerStore",
                                                         "listening for other servers' messages"),
                             driver->lastError().text());
    return Status::success();
}

void PostgresServerStore::onNotification(const QString& channel,
                                         QSqlDriver::NotificationSource source,
                                         const QVariant& payload) {
    Q_UNUSED(source);
    if (channel != QLatin1String(kRelayChannel) || !m_relayQueued)
        return;
    // "<terminal row id> <instance tag>": this instance's own messages went out already.
    const QStringList parts = payload.toString().split(u' ');
    bool ok = false;
    const qint64 terminal = parts.value(0).toLongLong(&ok);
    if (!ok || parts.value(1) == m_instanceTag)
        return;
    m_relayQueued(terminal);
}

Status PostgresServerStore::readSql(const std::function<Status(QSqlDatabase&)>& body) {
    QSqlDatabase db = connection();
    if (!db.isOpen())
        return notOpen();
    return body(db);
}

Status PostgresServerStore::writeSql(const std::function<Status(QSqlDatabase&)>& body) {
    return inTransaction(body);
}

} // namespace qpos::server
