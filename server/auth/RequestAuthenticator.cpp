#include "server/auth/RequestAuthenticator.h"

#include "core/link/RequestSignature.h"
#include "server/storage/ServerStore.h"

#include <QCoreApplication>

#include <utility>

namespace qpos::server {

namespace {

AuthRefusal refusal(const char* code, const QString& message, int status = 401) {
    return AuthRefusal{status, Error{QString::fromLatin1(code), message}};
}

} // namespace

RequestAuthenticator::RequestAuthenticator(ServerStore& store, std::function<qint64()> nowMs)
    : m_store(store)
    , m_nowMs(std::move(nowMs)) {}

std::variant<TerminalRecord, AuthRefusal>
RequestAuthenticator::authenticate(QByteArrayView authorization, QByteArrayView method,
                                   QByteArrayView pathAndQuery, QByteArrayView body) {
    Result<link::RequestAuthorization> parsed = link::parseAuthorization(authorization);
    if (!parsed)
        return AuthRefusal{401, parsed.error()};
    Result<std::optional<TerminalRecord>> terminal = m_store.terminal(parsed->terminal);
    if (!terminal)
        return refusal("server.unavailable",
                       QCoreApplication::translate(
                           "qpos::server::RequestAuthenticator",
                           "The server cannot read its database now; try again shortly."),
                       503);
    const auto unknown = [&] {
        return refusal(
            "auth.unknown_terminal",
            QCoreApplication::translate(
                "qpos::server::RequestAuthenticator",
                "The server has no terminal %1/%2 with key %3. Enroll the till again "
                "with a new code from \"qpos-server terminal add\".")
                .arg(parsed->terminal.storeId, parsed->terminal.terminalId, parsed->keyId));
    };
    if (!*terminal)
        return unknown();
    const TerminalRecord& t = **terminal;
    const auto secret = std::find_if(t.secrets.cbegin(), t.secrets.cend(),
                                     [&](const auto& s) { return s.keyId == parsed->keyId; });
    if (secret == t.secrets.cend())
        return unknown();
    const qint64 now = m_nowMs();
    if (t.revokedAtMs || (secret->validUntilMs && *secret->validUntilMs <= now))
        return refusal("auth.revoked",
                       QCoreApplication::translate(
                           "qpos::server::RequestAuthenticator",
                           "Terminal %1/%2 was revoked, or this key was replaced and its grace "
                           "period is over. Enroll the till again with a new code.")
                           .arg(t.identity.storeId, t.identity.terminalId));
    if (!link::signatureMatches(*parsed, secret->secret, method, pathAndQuery, body))
        return refusal("auth.bad_signature",
                       QCoreApplication::translate(
                           "qpos::server::RequestAuthenticator",
                           "The request's signature does not match. Check that the till holds "
                           "the terminal's current secret, or enroll it again."));
    if (Status admitted = m_replays.admit(*parsed, now); !admitted)
        return AuthRefusal{401, admitted.error()};
    return t;
}

} // namespace qpos::server
