#pragma once

#include "core/common/Result.h"

#include <QString>

#include <memory>

class QLockFile;

namespace qpos {

// Keeps a second till, or a qposctl charge, refund or recover, off an order database a till
// is working on: each would take the other's running checkouts for orders an earlier run left
// open, and close them at the provider in the middle of a payment. The lock is a file beside
// the database, held while the till runs. A lock left by a process that no longer runs (power
// loss, a kill) is taken over; reading the database needs no lock.
class DatabaseLock {
public:
    // Fails with "store.in_use", naming the process that holds it, when another one does.
    static Result<std::unique_ptr<DatabaseLock>> acquire(const QString& databasePath);
    ~DatabaseLock();

    DatabaseLock(const DatabaseLock&) = delete;
    DatabaseLock& operator=(const DatabaseLock&) = delete;

    // The lock file of a database: "<database>.lock".
    static QString lockPathFor(const QString& databasePath);

private:
    explicit DatabaseLock(std::unique_ptr<QLockFile> file);

    std::unique_ptr<QLockFile> m_file;
};

} // namespace qpos
