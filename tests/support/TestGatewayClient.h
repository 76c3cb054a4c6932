#pragma once

// Making a real gateway client (Alipay or WeChat Pay) for a test against a loopback server:
// timing that keeps the suites fast, and creation that fails the run loudly.

#include "core/common/Result.h"

#include <QtGlobal>

#include <chrono>
#include <memory>
#include <optional>

namespace qpos::test {

// Timeouts and backoffs short enough for loopback, and a breaker that does not open on the
// transport failures a test provokes on purpose.
struct LoopbackTiming {
    std::chrono::milliseconds requestTimeout{800};
    std::chrono::milliseconds deadline{5000}; // the retry deadline of one call
    // Empty: the breaker's own default cool-down.
    std::optional<std::chrono::milliseconds> coolDown = std::chrono::milliseconds(300);

    // Against a scripted server that answers at once.
    static LoopbackTiming scripted() { return {}; }
    // Against the sandbox, which takes a little longer.
    static LoopbackTiming sandbox() { return {std::chrono::milliseconds(1500)}; }
    // Under the checkout engine, whose own polling outlives the call's retries.
    static LoopbackTiming engine() {
        return {std::chrono::milliseconds(1500), std::chrono::milliseconds(4000), std::nullopt};
    }
};

// `Settings` is AlipayClientSettings or WechatClientSettings (the same timing fields).
template <typename Settings>
void useLoopbackTiming(Settings& s, const LoopbackTiming& timing) {
    s.requestTimeout = timing.requestTimeout;
    s.retry.maxAttempts = 3;
    s.retry.initialBackoff = std::chrono::milliseconds(20);
    s.retry.maxBackoff = std::chrono::milliseconds(80);
    s.retry.deadline = timing.deadline;
    s.breaker.failureThreshold = 100;
    if (timing.coolDown)
        s.breaker.coolDown = *timing.coolDown;
}

// The deadline retryUntilShortDeadline sets: a call gives up within it (plus one attempt).
constexpr std::chrono::milliseconds kShortRetryDeadline{700};

// Retries a hanging server many times, each attempt short, until kShortRetryDeadline.
template <typename Settings>
void retryUntilShortDeadline(Settings& s) {
    s.requestTimeout = std::chrono::milliseconds(150);
    s.retry.maxAttempts = 1000;
    s.retry.initialBackoff = std::chrono::milliseconds(10);
    s.retry.maxBackoff = std::chrono::milliseconds(40);
    s.retry.deadline = kShortRetryDeadline;
}

// Each call sent once; the breaker opens after three failures and half-opens after 300 ms.
template <typename Settings>
void useQuickBreaker(Settings& s) {
    s.retry.maxAttempts = 1;
    s.breaker.failureThreshold = 3;
    s.breaker.coolDown = std::chrono::milliseconds(300);
}

// `Client::create(settings)`, aborting the test run when the settings are refused.
template <typename Client, typename Settings>
std::unique_ptr<Client> createClient(const Settings& settings) {
    Result<std::unique_ptr<Client>> made = Client::create(settings);
    if (!made)
        qFatal("%s", qPrintable(made.error().message));
    return std::move(made).value();
}

} // namespace qpos::test
