#pragma once

#include <QDeadlineTimer>
#include <QTest>

namespace qpos::test {

// Long enough for a till round trip through the sandbox on a loaded machine.
constexpr int kUiWaitMs = 20000;

// Processes events (as the QTRY_ macros do) until `done()` holds or `timeoutMs` passes;
// whether it held.
template <typename Predicate>
bool waitUntil(Predicate done, int timeoutMs = kUiWaitMs) {
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(10);
    }
    return true;
}

} // namespace qpos::test
