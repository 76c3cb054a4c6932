#pragma once

#include <QStringList>

namespace qpos::server {

// qpos-server's command line (docs/server.md): `--config FILE` serves; `--config FILE
// terminal add|rotate|revoke|list ...` manages the tills; `--version` and `--help` need no
// configuration. Returns the process exit code:
// 0 done, 1 the work failed, 2 a usage or configuration error.
int runServerCommand(const QStringList& arguments);

} // namespace qpos::server
