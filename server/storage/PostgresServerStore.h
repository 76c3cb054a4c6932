#pragma once

#include "server/storage/PostgresSettings.h"
#include "server/storage/ServerStore.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QStringList>
#include <QTimer>

#include <functional>

namespace qpos::server {

// The shared store: PostgreSQL through Qt's QPSQL driver, for several qpos-server instances
// serving one store chain. Each thread that uses it gets its own connection. Everything that
// could race between instances is settled in SQL: a notification is inserted with ON CONFLICT
// DO NOTHING, an upload with ON CONFLICT per (terminal, seq), an order moves forward only by a
// guarded ON CONFLICT … DO UPDATE … WHERE, and the writes about one order take that order's
// advisory lock first (always in the same order, so two instances never deadlock).
// A relay message is announced with NOTIFY in the transaction that queues it, so the other
// instances hear of it only after the commit (watchRelays).
// A connection PostgreSQL dropped (a restart, a failover) is opened again on its next use, at
// most once a second; until then every call fails, so nothing is answered as recorded. The
// listening connection is checked every second, listens again once back, and hands on the
// messages queued while it was deaf.
class PostgresServerStore final : public QObject, public ServerStore {
    Q_OBJECT

public:
    static constexpr const char* kRelayChannel = "qpos_relay";

    explicit PostgresServerStore(PostgresSettings settings, QObject* parent = nullptr);
    ~PostgresServerStore() override;

    Status open() override;
    Status ping() override;
    // Closes this thread's connection: every later call fails until open() (tests).
    void close();

    Result<QList<RecordedNotification>>
    recordNotifications(const QList<NotificationRecord>& notifications) override;
    Result<std::optional<NotificationVerdict>>
    notificationVerdict(const QString& provider, const QString& notificationId) override;
    Result<std::optional<ServerOrder>> order(const QString& outTradeNo) override;
    Result<QList<QPair<QString, qint64>>> awaitingOrdersByTerminal() override;

    Result<TerminalRecord> addTerminal(const link::TerminalIdentity& identity,
                                       const StoredSecret& secret, qint64 nowMs) override;
    Result<std::optional<TerminalRecord>> terminal(const link::TerminalIdentity& identity) override;
    Result<QList<TerminalRecord>> terminals() override;
    Status rotateTerminal(const link::TerminalIdentity& identity, const StoredSecret& secret,
                          qint64 graceUntilMs) override;
    Status revokeTerminal(const link::TerminalIdentity& identity, qint64 nowMs) override;
    Result<bool> markEnrolled(qint64 terminalRowId, qint64 nowMs) override;

    Result<qint64> storeSyncEntries(qint64 terminalRowId, const QList<SyncedEntry>& entries,
                                    qint64 nowMs) override;
    Result<qint64> storedSeq(qint64 terminalRowId) override;

    Result<QList<PendingRelay>> pendingRelays(qint64 terminalRowId) override;
    Result<bool> acknowledgeRelay(qint64 terminalRowId, qint64 notificationId,
                                  const QString& result, const QString& code,
                                  qint64 nowMs) override;

    Status watchRelays(std::function<void(qint64 terminalRowId)> queued) override;

    Status readSql(const std::function<Status(QSqlDatabase&)>& body) override;
    Status writeSql(const std::function<Status(QSqlDatabase&)>& body) override;

    // This thread's connection (tests read the tables through it).
    QSqlDatabase connection();

private:
    Result<QSqlDatabase> openConnection(const QString& name);
    // Opens `name` again when PostgreSQL dropped it; false while it cannot.
    bool recoverIfLost(QSqlDatabase& db, const QString& name);
    Status listen(QSqlDatabase& db);
    // After listening again: every terminal with messages not acknowledged, once.
    void catchUpRelays();
    // Runs `body` in one transaction on this thread's connection and commits; a serialization
    // failure or deadlock (another instance got there first) is run again from the start.
    Status inTransaction(const std::function<Status(QSqlDatabase&)>& body);
    Result<QList<TerminalRecord>> readTerminals(const link::TerminalIdentity* only);
    void onNotification(const QString& channel, QSqlDriver::NotificationSource source,
                        const QVariant& payload);

    PostgresSettings m_settings;
    QString m_connectionPrefix;
    QString m_instanceTag; // this store's mark on its own NOTIFY payloads
    QMutex m_namesLock;
    QStringList m_connectionNames;
    std::function<void(qint64)> m_relayQueued;
    QThread* m_watchThread = nullptr;
    QTimer* m_watchdog = nullptr;
    QSet<QString> m_lost;                   // connections to open again (under m_namesLock)
    QSet<QString> m_closedOnPurpose;        // close()d: left closed until open() (tests)
    QHash<QString, qint64> m_lastAttemptMs; // when each was last tried (under m_namesLock)
};

} // namespace qpos::server
