#include "core/link/ReplayGuard.h"

#include <QCoreApplication>

namespace qpos::link {

Status ReplayGuard::admit(const RequestAuthorization& authorization, qint64 nowMs) {
    forgetOlderThan(nowMs - kNonceMemoryMs);
    const qint64 atMs = authorization.timestampS * 1000;
    if (atMs < nowMs - kMaxSkewMs || atMs > nowMs + kMaxSkewMs) {
        return Error{QStringLiteral("auth.stale"),
                     QCoreApplication::translate(
                         "qpos::link", "The request's time differs from the server's by more "
                                       "than 5 minutes. Correct the till's clock (or the "
                                       "server's) and try again.")};
    }
    const QString key = authorization.terminal.storeId + u'/' + authorization.terminal.terminalId +
                        u'/' + authorization.nonce;
    if (m_seen.contains(key)) {
        return Error{QStringLiteral("auth.replayed"),
                     QCoreApplication::translate("qpos::link",
                                                 "The request was already received once (the same "
                                                 "nonce); a replayed request is refused.")};
    }
    m_seen.insert(key, nowMs);
    m_order.push_back({key, nowMs});
    return Status::success();
}

void ReplayGuard::forgetOlderThan(qint64 cutoffMs) {
    // A nonce must be remembered as long as a request carrying it could still pass the
    // timestamp check; 10 minutes covers the ±300 s window.
    while (!m_order.empty() && m_order.front().atMs < cutoffMs) {
        m_seen.remove(m_order.front().key);
        m_order.pop_front();
    }
}

} // namespace qpos::link
