#include "tests/server/ServerProcess.h"

#include "core/link/EnrollmentCode.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>

#include <utility>

namespace qpos::test {

namespace {

Error failure(const QString& message) {
    return Error{QStringLiteral("test.server_process"), message};
}

} // namespace

ServerProcess::ServerProcess(QString program, QString configPath)
    : m_program(std::move(program))
    , m_config(std::move(configPath)) {}

ServerProcess::~ServerProcess() {
    kill();
}

Status ServerProcess::start(int timeoutMs) {
    kill();
    m_port = 0;
    const qsizetype from = m_output.size(); // the line of this run, not of an earlier one
    m_process = std::make_unique<QProcess>();
    QProcess* p = m_process.get();
    QObject::connect(p, &QProcess::readyReadStandardError, p,
                     [this, p] { m_output += p->readAllStandardError(); });
    p->start(m_program, {QStringLiteral("--config"), m_config});
    static const QRegularExpression listening(QStringLiteral("listening on \\S+ port (\\d+)"));
    QElapsedTimer timer;
    timer.start();
    // The event loop keeps running: the test's own clients and links live on this thread.
    while (timer.elapsed() < timeoutMs) {
        const QRegularExpressionMatch m = listening.match(QString::fromUtf8(m_output.mid(from)));
        if (m.hasMatch()) {
            m_port = quint16(m.captured(1).toUInt());
            return Status::success();
        }
        if (p->state() == QProcess::NotRunning)
            break;
        QTest::qWait(20);
    }
    const QString why =
        p->state() == QProcess::NotRunning
            ? QStringLiteral("qpos-server ended (exit %1)").arg(p->exitCode())
            : QStringLiteral("qpos-server did not listen within %1 ms").arg(timeoutMs);
    kill();
    return failure(why + QStringLiteral(": ") + QString::fromUtf8(m_output.mid(from)));
}

bool ServerProcess::isRunning() const {
    return m_process && m_process->state() != QProcess::NotRunning;
}

QUrl ServerProcess::url(const QString& path, const char* scheme) const {
    return QUrl(
        QStringLiteral("%1://127.0.0.1:%2%3").arg(QLatin1String(scheme)).arg(m_port).arg(path));
}

void ServerProcess::kill() {
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->kill(); // SIGKILL
        m_process->waitForFinished(30000);
    }
    m_output += m_process->readAllStandardError();
}

QByteArray ServerProcess::output() const {
    return m_output;
}

Result<link::TerminalSecret>
ServerProcess::addTerminal(const link::TerminalIdentity& terminal) const {
    QProcess p;
    p.start(m_program, {QStringLiteral("--config"), m_config, QStringLiteral("terminal"),
                        QStringLiteral("add"), QStringLiteral("--store"), terminal.storeId,
                        QStringLiteral("--terminal"), terminal.terminalId});
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return failure(QStringLiteral("terminal add failed (exit %1): %2")
                           .arg(p.exitCode())
                           .arg(QString::fromUtf8(p.readAllStandardError())));
    Result<link::EnrollmentCode> code =
        link::EnrollmentCode::decode(QString::fromUtf8(p.readAllStandardOutput()).trimmed());
    if (!code)
        return code.error();
    return code->secret;
}

} // namespace qpos::test
