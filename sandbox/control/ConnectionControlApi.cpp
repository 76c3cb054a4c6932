#include "sandbox/control/ConnectionControlApi.h"

#include "sandbox/control/ControlApiSupport.h"
#include "sandbox/SandboxServer.h"

namespace qpos::sandbox::connection_control {

namespace {

// The longest delay the control API accepts: a minute is already far beyond any provider.
constexpr int kMaxDelayMs = 60000;

} // namespace

QJsonObject overview(const SandboxServer& server) {
    const ConnectionOptions& options = server.connectionOptions();
    const ConnectionCounts& counts = server.connectionCounts();
    return QJsonObject{{QStringLiteral("https"), options.https},
                       {QStringLiteral("setup_delay_ms"), options.setupDelayMs},
                       {QStringLiteral("exchange_delay_ms"), options.exchangeDelayMs},
                       {QStringLiteral("connections"), counts.connections},
                       {QStringLiteral("tls_handshakes"), counts.handshakes},
                       {QStringLiteral("failed_tls_handshakes"), counts.failedHandshakes},
                       {QStringLiteral("requests"), counts.requests},
                       {QStringLiteral("idle_closed"), counts.idleClosed},
                       {QStringLiteral("idle_timeout_ms"), options.idleTimeoutMs}};
}

void handle(SandboxServer& server, const HttpExchange& ex) {
    if (ex.method() == "GET")
        return control_api::replyObject(ex, 200, overview(server));
    if (ex.method() != "POST")
        return control_api::replyError(ex, 405, QStringLiteral("sandbox.method"),
                                       QStringLiteral("Use GET or POST."));
    const std::optional<QJsonObject> body = control_api::bodyObject(ex);
    if (!body)
        return;
    int delays[2] = {server.connectionOptions().setupDelayMs,
                     server.connectionOptions().exchangeDelayMs};
    const char* names[2] = {"setup_delay_ms", "exchange_delay_ms"};
    for (int i = 0; i < 2; ++i) {
        const QJsonValue value = body->value(QLatin1String(names[i]));
        if (value.isUndefined())
            continue;
        const int ms = value.toInt(-1);
        if (!value.isDouble() || ms < 0 || ms > kMaxDelayMs)
            return control_api::replyError(
                ex, 400, QStringLiteral("sandbox.invalid_delay"),
                QStringLiteral("%1 must be a whole number of milliseconds from 0 to %2.")
                    .arg(QLatin1String(names[i]))
                    .arg(kMaxDelayMs));
        delays[i] = ms;
    }
    server.setConnectionDelays(delays[0], delays[1]);
    control_api::replyObject(ex, 200, overview(server));
}

} // namespace qpos::sandbox::connection_control
