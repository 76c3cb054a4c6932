#pragma once

#include "core/common/Result.h"
#include "core/config/AppConfig.h"
#include "core/link/StoreServerHttp.h"

namespace qpos::link {

// How this till reaches its store server: [store_server] url and the credentials its enrollment
// left, checked to be this till's. Errors: link.not_configured (no url: the till works alone),
// the credentials' (TerminalCredentials::read), link.wrong_terminal; each message says what to
// do. Reads a small local file: no network.
Result<StoreServerEndpoint> tillEndpoint(const AppConfig& config);

} // namespace qpos::link
