#pragma once

#include <QString>

namespace qpos::server {

// Where the PostgreSQL store connects ([database] with driver = postgresql, docs/server.md).
// The password is never held in the configuration: only the path of a 0600 file holding it.
struct PostgresSettings {
    QString host; // a host name, an address, or a Unix socket directory (starts with '/')
    int port = 5432;
    QString name; // the database
    QString user;
    QString passwordFile; // empty: no password (peer or certificate authentication)
    QString options;      // further libpq keywords: "sslmode=verify-full sslrootcert=…"
};

} // namespace qpos::server
