#pragma once

#include "core/common/Result.h"

namespace qpos {
class Database;
}

namespace qpos::server {

// The server database's schema, versioned with PRAGMA user_version like the till's
// (core/storage/OrderSchema): each version one forward migration in its own transaction.
// Never edit a released migration: append a new one.
namespace server_schema {

inline constexpr int kCurrentVersion = 6;

Result<int> version(Database& db);
// A database newer than this program is refused.
Status migrate(Database& db, int target = kCurrentVersion);

} // namespace server_schema
} // namespace qpos::server
