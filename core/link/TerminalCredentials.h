#pragma once

#include "core/common/Result.h"
#include "core/link/RequestSignature.h"
#include "core/link/TerminalIdentity.h"

#include <QString>

namespace qpos::link {

// What a till keeps after its enrollment ([store_server] credentials): who it is to the store
// backend, the secret it signs with and the server certificate it pins. The file is JSON with
// mode 0600; the secret never reaches the configuration file, a log or the screen.
struct TerminalCredentials {
    TerminalIdentity terminal;
    TerminalSecret secret;
    QString certificateFingerprint; // lower-case hex SHA-256 of the DER; empty: CAs decide

    // Errors: link.not_enrolled (no file), link.credentials_open (group or others may read
    // it), link.credentials_unreadable (not ours, cut, or changed by hand). Each message says
    // what to do.
    static Result<TerminalCredentials> read(const QString& path);
    // Written with mode 0600 from the first byte, synced, then renamed over `path`.
    Status write(const QString& path) const;
};

} // namespace qpos::link
