#pragma once

// The qpos-server executable under test: started on a configuration file that listens on
// port 0, its port read from its "listening on" log line, killed with SIGKILL or stopped, and
// its commands (terminal add) run as an operator runs them.

#include "core/common/Result.h"
#include "core/link/RequestSignature.h"
#include "core/link/TerminalIdentity.h"

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QUrl>

#include <memory>

namespace qpos::test {

class ServerProcess {
public:
    ServerProcess(QString program, QString configPath);
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // Starts it and waits, in the event loop, until it listens; the error holds its output.
    Status start(int timeoutMs = 60000);
    bool isRunning() const;
    quint16 port() const { return m_port; }
    QUrl url(const QString& path, const char* scheme = "http") const;
    // SIGKILL: no clean-up, no last write.
    void kill();
    // Everything it wrote to stderr (its log) since it was made.
    QByteArray output() const;

    // `qpos-server --config FILE terminal add`: the new terminal's secret from its code.
    Result<link::TerminalSecret> addTerminal(const link::TerminalIdentity& terminal) const;

private:
    QString m_program;
    QString m_config;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_output;
    quint16 m_port = 0;
};

} // namespace qpos::test
