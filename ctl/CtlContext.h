#pragma once

#include "core/common/Result.h"
#include "core/config/ConfigLoader.h"
#include "core/service/PosService.h"
#include "ctl/CtlInvocation.h"
#include "ctl/CtlOutput.h"

#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace qpos {
class FileLog;
}

namespace qpos::ctl {

// Makes the till's gateways, on the till's worker thread (PosOptions::makeGateways).
using GatewayFactory = std::function<Result<service::GatewayList>()>;

// The demo shop's simulated providers, started in this process on request: how to reach them
// and the gateways that talk to them. The program wires them (core does not link the sandbox).
struct DemoProviders {
    GatewayFactory makeGateways;
    QUrl controlUrl; // the sandbox's base URL; its control API is under /sandbox
};
using DemoProvidersStarter = std::function<Result<DemoProviders>()>;

// What every command shares: the global options, the output, the configuration (loaded on
// first use, layered exactly as the till layers it) and the log.
class CtlContext {
public:
    CtlContext(CtlInvocation invocation, CtlOutput& out);
    ~CtlContext();

    const CtlInvocation& invocation() const { return m_invocation; }
    CtlOutput& out() { return m_out; }

    // The configuration as the till would load it, with every error and warning.
    const ConfigLoadResult& loadConfig();
    // The configuration, or nothing after every error was printed.
    const AppConfig* config();

    // Sends the log to the configured log file (copies to stderr with --verbose), so a
    // command's checkout, refund or recovery leaves the same trail as the till's. Prints the
    // problem and returns false when the log cannot be written.
    bool installLog();

    // With --sandbox and no channel enabled in a file, the commands that talk to providers
    // use the demo shop's in-process simulated providers, as `qpos --sandbox` does.
    void setDemoProviders(DemoProvidersStarter starter) { m_demoStarter = std::move(starter); }
    bool usesDemoProviders(const AppConfig& config) const;
    // The gateways for `config`: the configured ones, or the demo shop's (started on first
    // use). Prints the problem and returns nothing when the demo providers cannot start.
    std::optional<GatewayFactory> gatewayFactory(const AppConfig& config);
    // The demo shop's base URL once started; empty otherwise.
    QUrl demoControlUrl() const { return m_demo ? m_demo->controlUrl : QUrl(); }

private:
    CtlInvocation m_invocation;
    CtlOutput& m_out;
    std::optional<ConfigLoadResult> m_loaded;
    std::unique_ptr<FileLog> m_log;
    DemoProvidersStarter m_demoStarter;
    std::optional<DemoProviders> m_demo;
};

} // namespace qpos::ctl
