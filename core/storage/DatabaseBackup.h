#pragma once

#include "core/common/Result.h"

#include <QString>
#include <QStringList>

namespace qpos {

class Database;

// Copies of the order database taken before its schema is upgraded, so that an upgrade that
// goes wrong (or a package upgrade rolled back by hand) can be undone from the file next to
// the database (docs/deploy.md, "Upgrades").
namespace database_backup {

inline constexpr int kKeptBackups = 3;

// Writes a consistent copy of the open database beside its file, named
// "<file>.<UTC time>.schema<N>.bak", with SQLite's VACUUM INTO (online: readers and the WAL are
// respected), with the database file's permissions; then removes all but the newest
// kKeptBackups copies. Returns the copy's path. Error: db.backup_failed.
Result<QString> backupBeside(Database& db, int schemaVersion, qint64 nowMs);

// The copies kept beside `databasePath`, newest first.
QStringList backupsOf(const QString& databasePath);

} // namespace database_backup
} // namespace qpos
