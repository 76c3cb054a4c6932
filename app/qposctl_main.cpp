// qposctl: the command-line companion of the till, for IT and scripts. Wiring only: every
// command, the sandbox and the demo shop's providers among them, lives in ctl/.
#include "core/config/Translations.h"
#include "ctl/CtlCommands.h"
#include "ctl/CtlExit.h"
#include "ctl/CtlInvocation.h"
#include "ctl/CtlOutput.h"

#include <QCoreApplication>

using namespace qpos;

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    // The till's name: qposctl reads the till's user configuration and data directory.
    QCoreApplication::setApplicationName(QStringLiteral("qpos"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QPOS_VERSION));
    // A command-line tool speaks the language of the terminal it runs in (LC_ALL, LANG).
    installTranslations(app, interfaceLocale(UiLanguage::System));

    ctl::CtlOutput out;
    const Result<ctl::CtlInvocation> invocation =
        ctl::parseInvocation(QCoreApplication::arguments());
    if (!invocation) {
        out.error(invocation.error().message);
        return ctl::kExitUsage;
    }
    return ctl::runCommand(*invocation, out);
}
