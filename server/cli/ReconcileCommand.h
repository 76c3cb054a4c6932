#pragma once

#include "server/config/ServerConfig.h"

#include <QStringList>

namespace qpos::server {

// `qpos-server --config FILE reconcile --date yyyy-MM-dd|yesterday [--provider alipay|wechat]
// [--wait]` (docs/server.md, "Reconciliation"). `args` starts with "reconcile". Prints each
// provider's outcome; the exit code is ReconcileRunner's, 2 for a bad command line or
// configuration.
int reconcileCommand(const ServerConfig& config, const QStringList& args);

} // namespace qpos::server
