#pragma once

// Stable error codes of the provider-neutral gateway layer (transport and circuit breaker).
// Provider-specific codes use the provider's prefix ("alipay.bad_signature").

namespace qpos::gateway::errc {

inline constexpr char timeout[] = "gateway.timeout";                    // no answer in time
inline constexpr char connectionFailed[] = "gateway.connection_failed"; // refused, reset, closed
inline constexpr char tlsFailed[] = "gateway.tls_failed";               // certificate or TLS error
inline constexpr char httpStatus[] = "gateway.http_status";             // an HTTP error status
inline constexpr char answerTooLarge[] = "gateway.answer_too_large";    // over the size limit
inline constexpr char unreachable[] = "gateway.unreachable";            // circuit breaker open
inline constexpr char notSent[] = "gateway.not_sent"; // refused locally, never sent

} // namespace qpos::gateway::errc
