#include "sandbox/faults/ProviderFaults.h"

#include "sandbox/faults/FaultPlan.h"

#include <QTimer>

namespace qpos::sandbox {

ProviderFaults::ProviderFaults(FaultPlan& plan, QString provider)
    : m_plan(plan)
    , m_provider(std::move(provider)) {}

std::optional<FaultRule> ProviderFaults::take(FaultKind kind, const QString& method) {
    return m_plan.take(kind, m_provider, method);
}

std::optional<FaultRule> ProviderFaults::takeBill(FaultKind kind, const QDate& date, qint64 nowMs) {
    return m_plan.takeBill(kind, m_provider, date, nowMs);
}

std::optional<int> ProviderFaults::admit(const HttpExchange& exchange, const QString& method) {
    if (const auto f = take(FaultKind::HttpError, method)) {
        exchange.reply(f->httpStatus, "text/html;charset=utf-8",
                       "<html><body><h1>" + QByteArray::number(f->httpStatus) +
                           "</h1>sandbox fault</body></html>");
        return std::nullopt;
    }
    if (fires(FaultKind::Timeout, method)) {
        hang(exchange);
        return std::nullopt;
    }
    const auto latency = take(FaultKind::Latency, method);
    return latency ? latency->latencyMs : 0;
}

void ProviderFaults::hang(const HttpExchange& exchange) {
    m_hung.removeIf([](const HttpExchange& e) { return !e.isOpen(); });
    m_hung.append(exchange);
}

ProviderFaults::ServerError ProviderFaults::serverError(const QString& method) {
    ServerError e;
    e.unavailable = take(FaultKind::ServiceUnavailable, method);
    if (!e.unavailable)
        e.systemError = take(FaultKind::SystemError, method);
    return e;
}

void ProviderFaults::answer(QObject* context, const HttpExchange& exchange, int latencyMs,
                            bool drop, std::function<void()> reply) {
    auto send = [exchange, drop, reply = std::move(reply)] {
        if (drop)
            exchange.drop();
        else
            reply();
    };
    if (latencyMs <= 0)
        send();
    else
        QTimer::singleShot(latencyMs, context, send);
}

} // namespace qpos::sandbox
