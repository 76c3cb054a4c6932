#pragma once

#include "core/config/AppConfig.h"
#include "core/storage/OrderStore.h"

#include <memory>

namespace qpos::ctl {

class CtlOutput;

bool databaseExists(const AppConfig& config);

// Opens the order database of `config` in this thread, for commands that only read or that
// manage staff: no gateway, no recovery, so they are safe next to a running till. A database
// that does not exist yet is not created unless `create`. Null after printing the problem.
std::unique_ptr<OrderStore> openOrderStore(const AppConfig& config, const CtlOutput& out,
                                           bool create = false);

} // namespace qpos::ctl
