#pragma once

// Reading one order back through the till's worker, as the orders view does.

#include "core/service/PosService.h"
#include "tests/support/CrossThreadSignalSpy.h"
#include "tests/support/WaitUntil.h"

#include <QSignalSpy>
#include <QUuid>

#include <optional>

namespace qpos::test {

// The order and its events; empty if the worker reported an error or did not answer in time.
inline std::optional<OrderWithEvents> loadOrderThrough(service::PosService& till,
                                                       const QString& outTradeNo) {
    test::CrossThreadSignalSpy loaded(&till, &service::PosService::orderLoaded);
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    till.loadOrder(id, outTradeNo);
    std::optional<OrderWithEvents> order;
    waitUntil([&] {
        for (const QList<QVariant>& args : loaded) {
            if (args.at(0).toString() != id)
                continue;
            const auto reply = args.at(1).value<service::OrderReply>();
            if (reply.error.isEmpty())
                order = reply.order;
            return true;
        }
        return false;
    });
    return order;
}

} // namespace qpos::test
