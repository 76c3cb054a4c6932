#include "server/storage/ServerStoreFactory.h"

#include "server/storage/PostgresServerStore.h"
#include "server/storage/SqliteServerStore.h"

namespace qpos::server {

std::unique_ptr<ServerStore> makeServerStore(const ServerConfig& config) {
    if (config.databaseDriver == DatabaseDriver::Postgresql)
        return std::make_unique<PostgresServerStore>(config.postgres);
    return std::make_unique<SqliteServerStore>(config.databasePath);
}

} // namespace qpos::server
