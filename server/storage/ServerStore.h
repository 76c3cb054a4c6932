#pragma once

#include "core/common/Result.h"
#include "server/storage/ServerRecords.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include <functional>
#include <optional>

namespace qpos::server {

// Everything the server keeps, behind one interface, so that a PostgreSQL store can stand
// beside the SQLite one. Every method that changes anything does it in one transaction and
// returns only after the commit: the caller may answer the request then, and not before.
// A store belongs to the thread that opened it.
class ServerStore {
public:
    virtual ~ServerStore() = default;

    // Opens the database and brings its schema up to date.
    virtual Status open() = 0;
    // A trivial read: whether the database answers now (GET /healthz).
    virtual Status ping() = 0;

    // Records each notification once, all in one transaction (so concurrent notifications can
    // share one durable commit): a notification already recorded (same provider and id) is a
    // duplicate and changes nothing. A new one whose order number names an enrolled terminal
    // is queued for relay to it. On failure nothing was recorded.
    virtual Result<QList<RecordedNotification>>
    recordNotifications(const QList<NotificationRecord>& notifications) = 0;
    // The verdict stored for a notification, by provider and provider id.
    virtual Result<std::optional<NotificationVerdict>>
    notificationVerdict(const QString& provider, const QString& notificationId) = 0;
    // The server's copy of an order, if any till uploaded it.
    virtual Result<std::optional<ServerOrder>> order(const QString& outTradeNo) = 0;
    // Per terminal ("S001/T07"): notifications the providers sent for orders its till has
    // not uploaded yet.
    virtual Result<QList<QPair<QString, qint64>>> awaitingOrdersByTerminal() = 0;

    // Terminals and their secrets.
    virtual Result<TerminalRecord> addTerminal(const link::TerminalIdentity& identity,
                                               const StoredSecret& secret, qint64 nowMs) = 0;
    virtual Result<std::optional<TerminalRecord>>
    terminal(const link::TerminalIdentity& identity) = 0;
    virtual Result<QList<TerminalRecord>> terminals() = 0;
    // Adds `secret` as the newest; every older secret stays valid until `graceUntilMs`.
    virtual Status rotateTerminal(const link::TerminalIdentity& identity,
                                  const StoredSecret& secret, qint64 graceUntilMs) = 0;
    virtual Status revokeTerminal(const link::TerminalIdentity& identity, qint64 nowMs) = 0;
    // true the first time, false when the terminal had enrolled already.
    virtual Result<bool> markEnrolled(qint64 terminalRowId, qint64 nowMs) = 0;

    // Stores a till's uploaded outbox rows, each once per (terminal, seq); moves the server's
    // copy of each order forward (never back) and matches the notifications kept for it.
    // Returns the highest seq of this terminal now stored.
    virtual Result<qint64> storeSyncEntries(qint64 terminalRowId, const QList<SyncedEntry>& entries,
                                            qint64 nowMs) = 0;
    virtual Result<qint64> storedSeq(qint64 terminalRowId) = 0;

    // The terminal's relay messages not acknowledged yet, oldest first.
    virtual Result<QList<PendingRelay>> pendingRelays(qint64 terminalRowId) = 0;
    // Marks one acknowledged; false when it is not this terminal's message. Acknowledging
    // again changes nothing.
    virtual Result<bool> acknowledgeRelay(qint64 terminalRowId, qint64 notificationId,
                                          const QString& result, const QString& code,
                                          qint64 nowMs) = 0;

    // Reconciliation's reads and writes (server/reconcile), whose SQL both databases share:
    // `readSql` runs `body` on this thread's connection; `writeSql` runs it in one transaction
    // and returns after the commit (PostgreSQL runs it again from the start after a
    // serialization failure, so `body` must not keep state between runs).
    virtual Status readSql(const std::function<Status(QSqlDatabase&)>& body) = 0;
    virtual Status writeSql(const std::function<Status(QSqlDatabase&)>& body) = 0;

    // Calls `queued` on this thread, after their commit, with the terminal of each relay
    // message another server instance sharing this database queued. A store no other instance
    // can share (SQLite) never calls it.
    virtual Status watchRelays(std::function<void(qint64 terminalRowId)> queued) {
        Q_UNUSED(queued);
        return Status::success();
    }
};

} // namespace qpos::server
