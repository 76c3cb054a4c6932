#include "core/storage/DatabaseLock.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>

namespace qpos {

QString DatabaseLock::lockPathFor(const QString& databasePath) {
    return databasePath + QStringLiteral(".lock");
}

DatabaseLock::DatabaseLock(std::unique_ptr<QLockFile> file)
    : m_file(std::move(file)) {}

DatabaseLock::~DatabaseLock() {
    m_file->unlock();
}

Result<std::unique_ptr<DatabaseLock>> DatabaseLock::acquire(const QString& databasePath) {
    const QString lockPath = lockPathFor(databasePath);
    // The database's directory may not exist yet: opening the database creates it.
    QDir().mkpath(QFileInfo(lockPath).absolutePath());
    auto file = std::make_unique<QLockFile>(lockPath);
    // Only a dead holder makes a lock stale, never its age: a till runs for weeks.
    file->setStaleLockTime(0);
    if (file->tryLock(0))
        return std::unique_ptr<DatabaseLock>(new DatabaseLock(std::move(file)));

    if (file->error() == QLockFile::LockFailedError) {
        qint64 pid = 0;
        QString host;
        QString program;
        file->getLockInfo(&pid, &host, &program);
        return Error{QStringLiteral("store.in_use"),
                     QCoreApplication::translate(
                         "qpos::DatabaseLock",
                         "The order database %1 is in use by another qpos till or qposctl "
                         "(process %2 on %3). Only one may work on it at a time: close that "
                         "program first, or give this one its own [database] path. Listing "
                         "orders with qposctl works at any time.")
                         .arg(QDir::toNativeSeparators(databasePath), QString::number(pid), host)};
    }
    return Error{QStringLiteral("store.lock_failed"),
                 QCoreApplication::translate("qpos::DatabaseLock",
                                             "Could not create the lock file %1 beside the order "
                                             "database. Check that the directory exists and "
                                             "that this user may write to it.")
                     .arg(QDir::toNativeSeparators(lockPath))};
}

} // namespace qpos
