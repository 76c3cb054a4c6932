#include "ctl/RecoverCommand.h"

#include "ctl/CommandOptions.h"
#include "ctl/CtlContext.h"
#include "ctl/CtlExit.h"
#include "ctl/CtlJson.h"
#include "ctl/TillDriver.h"

#include <QCoreApplication>

namespace qpos::ctl {

int runRecoverCommand(CtlContext& context, const QStringList& arguments) {
    CommandOptions options(
        QStringLiteral("recover"), QStringLiteral("[--json]"),
        QCoreApplication::translate(
            "qpos::ctl",
            "Settles every order and refund left open by an earlier run (a till or qposctl "
            "that was stopped, crashed or lost power), by asking the provider, as the till does "
            "when it starts. Do not run it against the database of a till that is open: the "
            "till's own open payments would be settled under it.\n"
            "Exit codes: 0 nothing left open, 1 some orders are still open (the provider could "
            "not be asked; run it again later) or an error."));
    options.addJson();
    options.refuseArguments();
    CtlOutput& out = context.out();
    if (std::optional<int> done = options.parse(arguments, out))
        return *done;

    const std::unique_ptr<TillDriver> till = context.startTill();
    if (!till)
        return kExitError;
    const checkout::RecoveryReport& report = till->ready().recovery;
    if (out.json()) {
        out.object(recoveryReportJson(report));
    } else {
        for (const QString& line : report.lines)
            out.line(line);
        out.line(QCoreApplication::translate("qpos::ctl",
                                             "Recovery: %1 open orders and refunds examined, %2 "
                                             "settled, %3 still open.")
                     .arg(report.examined)
                     .arg(report.settled)
                     .arg(report.unresolved));
    }
    if (report.unresolved > 0) {
        if (!out.json())
            out.note(QCoreApplication::translate(
                "qpos::ctl", "Some orders are still open because the provider could not be "
                             "asked. Run \"qposctl recover\" again later (\"qposctl doctor\" "
                             "checks the connection)."));
        return kExitError;
    }
    return kExitOk;
}

} // namespace qpos::ctl
