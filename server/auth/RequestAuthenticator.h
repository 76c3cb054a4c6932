#pragma once

#include "core/common/Result.h"
#include "core/link/ReplayGuard.h"
#include "server/storage/ServerRecords.h"

#include <QByteArrayView>

#include <functional>

namespace qpos::server {

class ServerStore;

// A request's refusal: the HTTP status and the protocol's error code and message.
struct AuthRefusal {
    int status = 401;
    Error error;
};

// Checks a till's Authorization header (docs/server-protocol.md, "Request authentication"):
// the terminal and key exist, neither is revoked nor past its grace period, the HMAC matches
// (compared in constant time), and only then the timestamp (±300 s) and the nonce (once in
// 10 minutes), so that a forger cannot fill the nonce memory.
class RequestAuthenticator {
public:
    RequestAuthenticator(ServerStore& store, std::function<qint64()> nowMs);

    std::variant<TerminalRecord, AuthRefusal> authenticate(QByteArrayView authorization,
                                                           QByteArrayView method,
                                                           QByteArrayView pathAndQuery,
                                                           QByteArrayView body);

private:
    ServerStore& m_store;
    std::function<qint64()> m_nowMs;
    link::ReplayGuard m_replays;
};

} // namespace qpos::server
