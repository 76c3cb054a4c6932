#pragma once

#include "core/storage/Database.h"
#include "server/storage/ServerStore.h"

#include <QString>

namespace qpos::server {

// The embedded store: one SQLite file through core's Database (WAL, synchronous=FULL), so a
// commit is on disk before the server answers.
class SqliteServerStore final : public ServerStore {
public:
    explicit SqliteServerStore(QString path);
    ~SqliteServerStore() override;

    Status open() override;
    Status ping() override;

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

    Status readSql(const std::function<Status(QSqlDatabase&)>& body) override;
    Status writeSql(const std::function<Status(QSqlDatabase&)>& body) override;

    Database& database() { return m_db; }

private:
    Result<QList<TerminalRecord>> readTerminals(const link::TerminalIdentity* only);
    Result<std::optional<qint64>> terminalRowOf(const QString& outTradeNo);

    QString m_path;
    Database m_db;
};

} // namespace qpos::server
