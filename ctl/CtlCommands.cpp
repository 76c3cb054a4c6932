#include "ctl/CtlCommands.h"

#include "ctl/ChargeCommand.h"
#include "ctl/CtlContext.h"
#include "ctl/CtlExit.h"
#include "ctl/CtlOutput.h"
#include "ctl/DoctorCommand.h"
#include "ctl/EnrollCommand.h"
#include "ctl/OrderCommand.h"
#include "ctl/OrdersCommand.h"
#include "ctl/ReconcileCommand.h"
#include "ctl/RecoverCommand.h"
#include "ctl/RefundCommand.h"
#include "ctl/SandboxCommand.h"
#include "ctl/StaffCommand.h"

#include <QCoreApplication>

namespace qpos::ctl {

namespace {

using Runner = int (*)(CtlContext&, const QStringList&);

struct Command {
    const char16_t* name;
    Runner run;
};

// The sandbox takes qpos-sandbox's flags and none of the till's set-up: it only needs its name.
int runSandbox(CtlContext&, const QStringList& arguments) {
    QStringList withProgram = arguments;
    withProgram.prepend(QStringLiteral("qposctl sandbox"));
    return runSandboxCommand(withProgram);
}

constexpr Command kCommands[] = {
    {u"charge", runChargeCommand},   {u"orders", runOrdersCommand},
    {u"order", runOrderCommand},     {u"refund", runRefundCommand},
    {u"recover", runRecoverCommand}, {u"doctor", runDoctorCommand},
    {u"staff", runStaffCommand},     {u"sandbox", runSandbox},
    {u"enroll", runEnrollCommand},   {u"reconcile", runReconcileCommand},
};

Runner find(const QString& name) {
    for (const Command& c : kCommands) {
        if (name == QStringView(c.name))
            return c.run;
    }
    return nullptr;
}

} // namespace

int runCommand(const CtlInvocation& invocation, CtlOutput& out) {
    if (invocation.version && invocation.command.isEmpty()) {
        out.line(QStringLiteral("qposctl ") + QCoreApplication::applicationVersion());
        return kExitOk;
    }
    if (invocation.command.isEmpty()) {
        out.line(globalHelp());
        return kExitOk;
    }
    const Runner run = find(invocation.command);
    if (!run) {
        out.error(QCoreApplication::translate("qpos::ctl", "Unknown command \"%1\". Try "
                                                           "\"qposctl --help\".")
                      .arg(invocation.command));
        return kExitUsage;
    }
    QStringList arguments = invocation.arguments;
    if (invocation.help)
        arguments.prepend(QStringLiteral("--help"));
    CtlContext context(invocation, out);
    return run(context, arguments);
}

} // namespace qpos::ctl
