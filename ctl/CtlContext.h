#pragma once

#include "core/common/Result.h"
#include "core/config/ConfigLoader.h"
#include "ctl/CtlInvocation.h"
#include "ctl/CtlOutput.h"
#include "ctl/TillDriver.h"

#include <QUrl>

#include <memory>
#include <optional>

namespace qpos {
class FileLog;
class OrderStore;
} // namespace qpos

namespace qpos::ctl {

class DemoProviders;

// How a command uses the order database it opens in its own thread.
enum class StoreUse {
    Read,   // reads only, safe next to a running till; no log
    Change, // writes (staff): the log is installed first
    Create, // as Change, and a database not there yet is created
};

// What every command shares: the global options, the output and the set-up: the configuration
// (loaded on first use, layered exactly as the till layers it), the log, then the order
// database or the till's service. A step that fails has printed why; the command then ends
// with kExitError.
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
    // The demo shop's base URL once started; empty otherwise.
    QUrl demoControlUrl() const;

    // The order database of the configuration, for commands that need no gateway and no
    // recovery. Read does not create a database that is not there yet. Null on failure.
    std::unique_ptr<OrderStore> openStore(StoreUse use);
    // The till's service, started as the till starts it: the configuration, the log, the
    // gateways (the demo shop's when usesDemoProviders()), the database and recovery. Null on
    // failure.
    std::unique_ptr<TillDriver> startTill();

    // The gateways for `config`: the configured ones, or the demo shop's (started on first
    // use). Prints the problem and returns nothing when the demo providers cannot start.
    std::optional<GatewayFactory> gatewayFactory(const AppConfig& config);

private:
    CtlInvocation m_invocation;
    CtlOutput& m_out;
    // Declared first: the demo providers outlive the log and the till's gateways.
    std::unique_ptr<DemoProviders> m_demo;
    std::optional<ConfigLoadResult> m_loaded;
    std::unique_ptr<FileLog> m_log;
};

} // namespace qpos::ctl
