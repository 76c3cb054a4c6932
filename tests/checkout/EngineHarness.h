#pragma once

// What the checkout engine suites share, whatever the provider: a fast test policy, starting
// checkouts, waiting for their phases, and reading back what the store recorded.

#include "core/checkout/CheckoutEngine.h"
#include "core/storage/OrderStore.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QList>
#include <QObject>

#include <optional>

namespace qpos::test {

class EngineHarness {
public:
    // Polls fast, settles fast: the flows run in seconds.
    static checkout::CheckoutPolicy policy(int qrTimeoutS = 60) {
        checkout::CheckoutPolicy p;
        p.qrTimeoutS = qrTimeoutS;
        p.codeTimeoutS = 20;
        p.poll.fastInterval = std::chrono::milliseconds(100);
        p.poll.fastPhase = std::chrono::seconds(30);
        p.poll.slowInterval = std::chrono::milliseconds(300);
        p.poll.slowPhase = std::chrono::seconds(60);
        p.poll.slowestInterval = std::chrono::seconds(1);
        p.poll.bound = std::chrono::minutes(2);
        p.settleRetry = std::chrono::milliseconds(100);
        return p;
    }

    // Records every update of `engine` (call once per engine).
    void watch(checkout::CheckoutEngine& engine) {
        QObject::connect(&engine, &checkout::CheckoutEngine::checkoutUpdated, &engine,
                         [this](const checkout::CheckoutUpdate& u) { m_updates << u; });
    }

    void clear() { m_updates.clear(); }

    QString start(checkout::CheckoutEngine& engine, const NewOrder& order,
                  const QString& authCode = {}) {
        const QString id = QStringLiteral("req%1").arg(++m_request);
        if (order.flow == PaymentFlow::QrCode)
            engine.startQr(id, order);
        else
            engine.startWithCode(id, order, authCode);
        return id;
    }

    std::optional<checkout::CheckoutUpdate> latest(const QString& requestId) const {
        for (qsizetype i = m_updates.size() - 1; i >= 0; --i)
            if (m_updates.at(i).requestId == requestId)
                return m_updates.at(i);
        return std::nullopt;
    }

    // Waits until the checkout reaches `phase` (or any final phase when empty).
    std::optional<checkout::CheckoutUpdate>
    waitFor(const QString& requestId, std::optional<checkout::CheckoutPhase> phase = std::nullopt,
            int timeoutMs = 15000) const {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            std::optional<checkout::CheckoutUpdate> u = latest(requestId);
            if (u && (phase ? u->phase == *phase : checkout::isFinalPhase(u->phase)))
                return u;
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
        }
        return latest(requestId);
    }

    static OrderWithEvents stored(OrderStore& store, const QString& outTradeNo) {
        Result<OrderWithEvents> o = store.orderWithEvents(outTradeNo);
        if (!o)
            qFatal("%s", qPrintable(o.error().message));
        return *o;
    }

    static QList<OrderState> statesOf(const OrderWithEvents& o) {
        QList<OrderState> states;
        for (const OrderEvent& e : o.events)
            states << e.newState;
        return states;
    }

private:
    QList<checkout::CheckoutUpdate> m_updates;
    int m_request = 0;
};

} // namespace qpos::test
