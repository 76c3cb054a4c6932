#pragma once

#include "core/common/Result.h"
#include "server/storage/PostgresSettings.h"

#include <QString>

namespace qpos::server {

// [database] url: a libpq connection URI (postgresql://user@host:port/dbname?sslmode=…, or
// postgres://), read by libpq's own parser so it means exactly what it means to psql. A
// password in it is refused: it belongs in [database] password_file. The error says what is
// wrong with the URL without repeating it.
Result<PostgresSettings> parsePostgresUrl(const QString& url);

} // namespace qpos::server
