#pragma once

#include <QtGlobal>

namespace qpos::sandbox {

// How the sandbox serves its connections: plain HTTP or HTTPS with its own CA
// (sandbox/tls/SandboxCa.h), and the fixed delays that stand in for the distance to a real
// provider (20-50 ms away): one at each new connection, before its TLS handshake, and one
// before every request is handled.
struct ConnectionOptions {
    bool https = false;
    int setupDelayMs = 0;
    int exchangeDelayMs = 0;
    // A kept-alive connection with no request for this long is closed, as WeChat Pay's
    // servers do after 8 s (wechatpay-java DefaultHttpClientBuilder); 0: never.
    int idleTimeoutMs = 8000;
};

// What the sandbox saw of its connections since it started, for tests and the benchmark.
struct ConnectionCounts {
    int connections = 0;      // TCP connections accepted
    int handshakes = 0;       // TLS handshakes completed
    int failedHandshakes = 0; // TLS handshakes that failed (a client that does not trust the CA)
    int requests = 0;         // HTTP requests handled
    int idleClosed = 0;       // connections the sandbox closed after the idle timeout
    qint64 handlingNs = 0;    // the sandbox's own time in its handlers, delays excluded
};

} // namespace qpos::sandbox
