#pragma once

#include "server/config/ServerConfig.h"
#include "server/storage/ServerStore.h"

#include <memory>

namespace qpos::server {

// The store [database] driver names: SQLite's file, or the PostgreSQL database several
// instances share. Not opened yet.
std::unique_ptr<ServerStore> makeServerStore(const ServerConfig& config);

} // namespace qpos::server
