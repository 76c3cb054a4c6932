#pragma once

// Runs one asynchronous gateway call and waits for its result, processing events: the suites
// drive real clients (Alipay or WeChat Pay) over loopback HTTP in the test's own thread.

#include "core/gateways/GatewayResult.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QObject>

#include <functional>
#include <optional>

namespace qpos::test {

// `start` gets a context object (the call is abandoned with it) and the completion to call.
// Empty when the call did not finish within `timeoutMs`.
template <typename T>
std::optional<gateway::GatewayResult<T>>
await(const std::function<void(QObject*, gateway::Completion<T>)>& start, int timeoutMs = 15000) {
    std::optional<gateway::GatewayResult<T>> out;
    QObject context;
    start(&context, [&out](gateway::GatewayResult<T> result) { out = std::move(result); });
    QDeadlineTimer deadline(timeoutMs);
    while (!out && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    return out;
}

} // namespace qpos::test
