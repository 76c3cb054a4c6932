#pragma once

// A cash drawer for tests: counts how often the till opened it, and can be told to fail.

#include "core/printing/CashDrawer.h"

#include <QString>

#include <atomic>
#include <memory>

namespace qpos::test {

class CountingCashDrawer final : public printing::CashDrawer {
public:
    struct Counter {
        std::atomic<int> opened{0};
        std::atomic<bool> fail{false};
    };

    explicit CountingCashDrawer(std::shared_ptr<Counter> counter)
        : m_counter(std::move(counter)) {}

    Status open() override {
        if (m_counter->fail)
            return Error{QStringLiteral("drawer.test"),
                         QStringLiteral("The printer is not answering.")};
        ++m_counter->opened;
        return Status::success();
    }

private:
    std::shared_ptr<Counter> m_counter;
};

} // namespace qpos::test
