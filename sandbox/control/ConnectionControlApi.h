#pragma once

#include "sandbox/http/HttpExchange.h"

#include <QJsonObject>

namespace qpos::sandbox {

class SandboxServer;

// The connection switches under /sandbox/connection: GET answers whether the sandbox serves
// HTTPS, its delays and what it counted (connections, TLS handshakes, requests); POST
// {"setup_delay_ms": N, "exchange_delay_ms": N} changes the delays (either may be left out).
// See docs/sandbox.md.
namespace connection_control {

QJsonObject overview(const SandboxServer& server);

void handle(SandboxServer& server, const HttpExchange& exchange);

} // namespace connection_control
} // namespace qpos::sandbox
