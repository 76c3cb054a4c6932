#include "core/storage/DatabaseBackup.h"

#include "core/storage/Database.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

namespace qpos::database_backup {

namespace {

QString backupNameFilter(const QFileInfo& database) {
    return database.fileName() + QStringLiteral(".*.schema*.bak");
}

Error backupFailed(const QString& databasePath, const QString& why) {
    return {QStringLiteral("db.backup_failed"),
            QCoreApplication::translate("qpos::DatabaseBackup",
                                        "Could not back up the order database %1 before "
                                        "upgrading it (%2). Nothing was changed. Free disk "
                                        "space in its folder (or make it writable) and start "
                                        "qpos again.")
                .arg(databasePath, why)};
}

} // namespace

Result<QString> backupBeside(Database& db, int schemaVersion, qint64 nowMs) {
    const QFileInfo database(db.path());
    // The UTC time first, so that the names sort by age.
    const QString stamp = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC)
                              .toString(QStringLiteral("yyyyMMdd'T'HHmmsszzz'Z'"));
    const QString target = database.absoluteDir().filePath(
        QStringLiteral("%1.%2.schema%3.bak").arg(database.fileName(), stamp).arg(schemaVersion));
    if (QFileInfo::exists(target))
        return backupFailed(db.path(), QStringLiteral("%1 already exists").arg(target));

    QSqlQuery q(db.handle());
    q.prepare(QStringLiteral("VACUUM INTO ?"));
    q.bindValue(0, target);
    if (!q.exec()) {
        QFile::remove(target); // a partial copy is no backup
        return backupFailed(db.path(), q.lastError().text());
    }
    // The copy holds the same orders as the database: no wider access than it has.
    QFile::setPermissions(target, QFile::permissions(db.path()));

    const QStringList kept = backupsOf(db.path());
    for (qsizetype i = kKeptBackups; i < kept.size(); ++i)
        QFile::remove(kept.at(i));
    return target;
}

QStringList backupsOf(const QString& databasePath) {
    const QFileInfo database(databasePath);
    QStringList paths;
    const QStringList names = database.absoluteDir().entryList(
        {backupNameFilter(database)}, QDir::Files, QDir::Name | QDir::Reversed);
    for (const QString& name : names)
        paths.append(database.absoluteDir().filePath(name));
    return paths;
}

} // namespace qpos::database_backup
