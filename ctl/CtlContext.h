#pragma once

#include "core/common/Result.h"
#include "core/config/ConfigLoader.h"
#include "core/service/PosService.h"
#include "ctl/CtlInvocation.h"
#include "ctl/CtlOutput.h"
#include "ctl/TillDriver.h"

#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace qpos {
class FileLog;
}

namespace qpos::ctl {

class DemoProviders;

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
    static bool usesDemoProviders(const AppConfig& config);
    // The gateways for `config`: the configured ones, or the demo shop's (started on first
    // use). Prints the problem and returns nothing when the demo providers cannot start.
    std::optional<GatewayFactory> gatewayFactory(const AppConfig& config);
    // The demo shop's base URL once started; empty otherwise.
    QUrl demoControlUrl() const;

private:
    CtlInvocation m_invocation;
    CtlOutput& m_out;
    // Declared first: the demo providers outlive the log and the till's gateways.
    std::unique_ptr<DemoProviders> m_demo;
    std::optional<ConfigLoadResult> m_loaded;
    std::unique_ptr<FileLog> m_log;
};

} // namespace qpos::ctl
