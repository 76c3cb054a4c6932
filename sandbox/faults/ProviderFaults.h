#pragma once

#include "sandbox/faults/FaultRule.h"
#include "sandbox/http/HttpExchange.h"

#include <QList>
#include <QString>

#include <functional>
#include <optional>

class QObject;

namespace qpos::sandbox {

class FaultPlan;

// The FaultPlan as one simulated provider sees it, and the fault handling its endpoints share:
// the front-end faults that come before the provider looks at a request, the server errors
// that may still let it apply the request, and the requests hung up by a timeout.
class ProviderFaults {
public:
    ProviderFaults(FaultPlan& plan, QString provider);

    // The first rule of `kind` that fires for this provider's `method` (FaultPlan::take).
    std::optional<FaultRule> take(FaultKind kind, const QString& method);
    bool fires(FaultKind kind, const QString& method) { return take(kind, method).has_value(); }
    // The first bill fault of `kind` for this provider's bill of `date` (FaultPlan::takeBill).
    std::optional<FaultRule> takeBill(FaultKind kind, const QDate& date, qint64 nowMs);

    // The faults of the network and the front end: an HTTP error page (answered here) or a
    // timeout (the exchange is kept open, never answered). Nothing when one of them took the
    // request; otherwise the latency to add to its answer (0: none).
    std::optional<int> admit(const HttpExchange& exchange, const QString& method);

    // Keeps `exchange` open and never answers it.
    void hang(const HttpExchange& exchange);

    // A server error instead of the provider's answer; with `commit` the request is applied
    // first. At most one of the two fires.
    struct ServerError {
        std::optional<FaultRule> unavailable; // ServiceUnavailable
        std::optional<FaultRule> systemError; // SystemError
        // Whether the request is to be applied.
        bool run() const {
            return (!unavailable || unavailable->commit) && (!systemError || systemError->commit);
        }
    };
    ServerError serverError(const QString& method);

    // Runs `reply` now, or `latencyMs` later on `context`'s thread (a latency fault); with
    // `drop` (drop-after-commit) the connection is closed then instead, without an answer.
    static void answer(QObject* context, const HttpExchange& exchange, int latencyMs, bool drop,
                       std::function<void()> reply);

private:
    FaultPlan& m_plan;
    QString m_provider;
    QList<HttpExchange> m_hung; // "timeout" faults: never answered
};

} // namespace qpos::sandbox
