#pragma once

#include "core/common/Result.h"

#include <QSqlDatabase>

namespace qpos::server {

// The server's schema on PostgreSQL: the same tables as server_schema (SQLite), in
// PostgreSQL's types, versioned in a schema_version table (one row per applied version).
// Each version is one forward migration in its own transaction, under an advisory lock so
// that instances starting together upgrade once. Never edit a released migration: append.
namespace postgres_schema {

inline constexpr int kCurrentVersion = 6;

Result<int> version(QSqlDatabase& db);
// A database newer than this program is refused.
Status migrate(QSqlDatabase& db, qint64 nowMs, int target = kCurrentVersion);

} // namespace postgres_schema
} // namespace qpos::server
