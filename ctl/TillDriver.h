#pragma once

#include "core/config/AppConfig.h"
#include "core/service/PosService.h"

#include <QObject>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

class QEventLoop;

namespace qpos::ctl {

// Makes the till's gateways, on the till's worker thread (PosOptions::makeGateways).
using GatewayFactory = std::function<Result<service::GatewayList>()>;

// A PosService driven from a command line: the service works on its own thread as in the
// till, and the command waits for its answers by running the event loop until a condition
// holds. Destroying the driver stops the till; anything still running stays open in the
// database for the next recovery.
class TillDriver : public QObject {
    Q_OBJECT

public:
    TillDriver(const AppConfig& config, GatewayFactory makeGateways, QObject* parent = nullptr);
    ~TillDriver() override;

    service::PosService& service() { return *m_service; }

    // Opens the database, builds the gateways and runs recovery; waits for the service's
    // answer, which ready() keeps.
    const service::PosReady& start();
    const service::PosReady& ready() const { return m_ready; }

    // Runs the event loop until `done()` is true (then true) or `timeout` passed (then false).
    // Whoever changes what `done` looks at calls wake(). No timeout: wait as long as it takes.
    bool waitUntil(const std::function<bool()>& done,
                   std::optional<std::chrono::milliseconds> timeout = std::nullopt);
    // Lets waitUntil() look at its condition again.
    void wake();

    // The answers to a request sent with requestId(), waited for.
    service::StaffReply verifyManagerPin(const QString& pin);
    checkout::RefundReport refund(checkout::RefundCommand command);

    // A fresh id for a request to the service.
    static QString newRequestId();

private:
    std::unique_ptr<service::PosService> m_service;
    service::PosReady m_ready;
    QEventLoop* m_loop = nullptr;
};

} // namespace qpos::ctl
