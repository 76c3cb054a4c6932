#pragma once

#include "core/common/Result.h"

#include <QDateTime>

namespace qpos {

class Database;

// The order database's schema, versioned with PRAGMA user_version. Each version is one
// forward migration applied in its own transaction; a database is brought up to date when
// it is opened. Never edit a released migration: append a new one.
namespace order_schema {

inline constexpr int kCurrentVersion = 9;

Result<int> version(Database& db);

// Applies every migration after the database's version up to `target` (for tests that need
// an older schema; the store always migrates to kCurrentVersion). A database newer than this
// program is refused: an older qpos must not write to it. An existing database is first
// copied beside its file (core/storage/DatabaseBackup), stamped with `nowMs`.
Status migrate(Database& db, int target = kCurrentVersion,
               qint64 nowMs = QDateTime::currentMSecsSinceEpoch());

} // namespace order_schema
} // namespace qpos
