// qpos-server: the store backend (docs/server.md). Wiring only: the command line is
// server/cli/ServerCommand.
#include "server/cli/ServerCommand.h"

#include <QCoreApplication>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("qpos-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QPOS_VERSION));
    return qpos::server::runServerCommand(QCoreApplication::arguments());
}
