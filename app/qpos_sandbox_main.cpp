// qpos-sandbox: the simulated payment providers as a program. Wiring only: the flags, keys,
// apps and faults are ctl's sandbox command (shared with `qposctl sandbox`).
#include "ctl/SandboxCommand.h"

#include <QCoreApplication>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qpos-sandbox"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QPOS_VERSION));
    QStringList arguments = QCoreApplication::arguments();
    arguments[0] = QStringLiteral("qpos-sandbox"); // names the program in messages
    return qpos::ctl::runSandboxCommand(arguments);
}
