#pragma once

#include "core/common/Result.h"
#include "core/link/RequestSignature.h"

#include <QHash>
#include <QString>

#include <deque>

namespace qpos::link {

// Refuses a request whose timestamp is more than 300 s from the server's clock
// (auth.stale), and a nonce the same terminal used in the last 10 minutes (auth.replayed).
// Call it only for a request whose signature matched: an attacker must not be able to fill
// it. Not thread-safe; one per server, used from one thread.
class ReplayGuard {
public:
    static constexpr qint64 kMaxSkewMs = 300 * 1000;
    static constexpr qint64 kNonceMemoryMs = 10 * 60 * 1000;

    Status admit(const RequestAuthorization& authorization, qint64 nowMs);

    // How many nonces are remembered now (for tests and the metrics).
    qsizetype rememberedNonces() const { return m_seen.size(); }

private:
    void forgetOlderThan(qint64 cutoffMs);

    struct Seen {
        QString key;
        qint64 atMs;
    };
    QHash<QString, qint64> m_seen; // "<store>/<terminal>/<nonce>" -> when it was admitted
    std::deque<Seen> m_order;      // the same, oldest first, for forgetting
};

} // namespace qpos::link
