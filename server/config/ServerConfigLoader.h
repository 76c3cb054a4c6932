#pragma once

#include "core/common/Result.h"
#include "server/config/ServerConfig.h"

#include <QString>

namespace qpos::server {

// Reads qpos-server's INI file (core/config/IniFile's syntax) into a ServerConfig. Every
// problem is reported, each with the file, line and key and what to do; an unknown key is an
// error, because a misspelt key would otherwise leave a default silently in force. Key files
// are only checked to exist here; ProviderVerifiers and ServerTls read them.
class ServerConfigLoader {
public:
    static Result<ServerConfig> load(const QString& path);
};

} // namespace qpos::server
