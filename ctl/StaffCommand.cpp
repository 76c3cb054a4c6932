#include "ctl/StaffCommand.h"

#include "core/staff/StaffStore.h"
#include "ctl/CommandOptions.h"
#include "ctl/CtlContext.h"
#include "ctl/CtlExit.h"
#include "ctl/CtlJson.h"
#include "ctl/PinInput.h"
#include "ctl/StoreAccess.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace qpos::ctl {

namespace {

QString staffSummary() {
    return QCoreApplication::translate(
        "qpos::ctl",
        "Manages the till's staff: cashiers sign in with their PIN; a manager's PIN approves "
        "refunds, settings and reports.\n"
        "  staff add --id ID --name NAME --role cashier|manager [--pin PIN]\n"
        "      adds a member, or changes an existing one (its PIN only when one is given);\n"
        "      the PIN (4 to 12 digits) comes from --pin, QPOS_STAFF_PIN or standard input\n"
        "  staff list [--json]\n"
        "  staff remove ID");
}

int add(CtlContext& context, const QStringList& arguments) {
    CommandOptions options(QStringLiteral("staff add"),
                           QStringLiteral("--id ID --name NAME --role cashier|manager [--pin PIN]"),
                           staffSummary());
    const QCommandLineOption idOption(
        QStringLiteral("id"),
        QCoreApplication::translate("qpos::ctl", "Staff id: 1 to 16 letters or digits."),
        QStringLiteral("ID"));
    const QCommandLineOption nameOption(QStringLiteral("name"),
                                        QCoreApplication::translate("qpos::ctl", "Display name."),
                                        QStringLiteral("NAME"));
    const QCommandLineOption roleOption(
        QStringLiteral("role"), QCoreApplication::translate("qpos::ctl", "cashier or manager."),
        QStringLiteral("ROLE"));
    const QCommandLineOption pinOption(
        QStringLiteral("pin"),
        QCoreApplication::translate("qpos::ctl", "The PIN, 4 to 12 digits (prefer "
                                                 "QPOS_STAFF_PIN or standard input)."),
        QStringLiteral("PIN"));
    options.add(idOption);
    options.add(nameOption);
    options.add(roleOption);
    options.add(pinOption);
    options.refuseArguments();
    CtlOutput& out = context.out();
    if (std::optional<int> done = options.parse(arguments, out))
        return *done;
    if (!options.isSet(idOption) || !options.isSet(nameOption) || !options.isSet(roleOption))
        return options.usageError(
            out, QCoreApplication::translate("qpos::ctl", "--id, --name and --role are required."));
    StaffMember member;
    member.id = options.value(idOption);
    member.name = options.value(nameOption).trimmed();
    const std::optional<StaffRole> role = staffRoleFromName(options.value(roleOption));
    if (!role)
        return options.usageError(
            out, QCoreApplication::translate("qpos::ctl", "--role is cashier or manager."));
    member.role = *role;

    const std::unique_ptr<OrderStore> store = context.openStore(StoreUse::Create);
    if (!store)
        return kExitError;
    StaffStore staff(store->database());
    const Result<StaffMember> existing = staff.find(member.id);
    const bool isNew = !existing.ok();
    std::optional<QString> pin;
    if (options.isSet(pinOption) || qEnvironmentVariableIsSet("QPOS_STAFF_PIN") || isNew)
        pin = readPin(
            options.isSet(pinOption) ? std::optional<QString>(options.value(pinOption))
                                     : std::nullopt,
            "QPOS_STAFF_PIN",
            QCoreApplication::translate("qpos::ctl", "PIN for %1 (4 to 12 digits):").arg(member.id),
            out);
    if (isNew && (!pin || pin->isEmpty()))
        return options.usageError(
            out, QCoreApplication::translate("qpos::ctl",
                                             "A new member needs a PIN: --pin, QPOS_STAFF_PIN or "
                                             "standard input."));
    if (Status s = staff.save(member, pin.value_or(QString())); !s.ok()) {
        out.error(s.error().message);
        return kExitError;
    }
    out.line((isNew ? QCoreApplication::translate("qpos::ctl", "Added %1 (%2, %3).")
                    : QCoreApplication::translate("qpos::ctl", "Updated %1 (%2, %3)."))
                 .arg(member.id, member.name, staffRoleName(member.role)));
    return kExitOk;
}

int list(CtlContext& context, const QStringList& arguments) {
    CommandOptions options(QStringLiteral("staff list"), QStringLiteral("[--json]"),
                           staffSummary());
    options.addJson();
    CtlOutput& out = context.out();
    if (std::optional<int> done = options.parse(arguments, out))
        return *done;
    const AppConfig* config = context.config();
    if (!config)
        return kExitError;
    QList<StaffMember> members;
    if (databaseExists(*config)) {
        const std::unique_ptr<OrderStore> store = context.openStore(StoreUse::Read);
        if (!store)
            return kExitError;
        StaffStore staff(store->database());
        Result<QList<StaffMember>> listed = staff.list();
        if (!listed) {
            out.error(listed.error().message);
            return kExitError;
        }
        members = *listed;
    }
    if (out.json()) {
        QJsonArray array;
        for (const StaffMember& m : members)
            array.append(staffJson(m));
        out.object(QJsonObject{{QStringLiteral("staff"), array}});
        return kExitOk;
    }
    if (members.isEmpty())
        out.line(QCoreApplication::translate(
            "qpos::ctl", "No staff. Add a manager with \"qposctl staff add --id ID --name NAME "
                         "--role manager\"."));
    for (const StaffMember& m : members)
        out.line(m.id.leftJustified(17) + staffRoleName(m.role).leftJustified(9) + m.name);
    return kExitOk;
}

int remove(CtlContext& context, const QStringList& arguments) {
    CommandOptions options(QStringLiteral("staff remove"), QStringLiteral("ID"), staffSummary());
    CtlOutput& out = context.out();
    if (std::optional<int> done = options.parse(arguments, out))
        return *done;
    if (options.positional().size() != 1)
        return options.usageError(
            out, QCoreApplication::translate("qpos::ctl", "Give exactly one staff id."));
    const QString id = options.positional().constFirst();
    const std::unique_ptr<OrderStore> store = context.openStore(StoreUse::Change);
    if (!store)
        return kExitError;
    StaffStore staff(store->database());
    if (Status s = staff.remove(id); !s.ok()) {
        out.error(s.error().message);
        return kExitError;
    }
    out.line(QCoreApplication::translate("qpos::ctl", "Removed %1.").arg(id));
    return kExitOk;
}

} // namespace

int runStaffCommand(CtlContext& context, const QStringList& arguments) {
    CtlOutput& out = context.out();
    const QString action = arguments.value(0);
    const QStringList rest = arguments.mid(1);
    if (action == u"add")
        return add(context, rest);
    if (action == u"list")
        return list(context, rest);
    if (action == u"remove")
        return remove(context, rest);
    if (action == u"--help" || action == u"-h") {
        out.line(QCoreApplication::translate("qpos::ctl", "Usage: qposctl [global options] staff "
                                                          "add|list|remove ...") +
                 QStringLiteral("\n\n") + staffSummary());
        return kExitOk;
    }
    out.error(action.isEmpty()
                  ? QCoreApplication::translate("qpos::ctl", "staff needs an action: add, list or "
                                                             "remove.")
                  : QCoreApplication::translate("qpos::ctl", "Unknown staff action \"%1\": use "
                                                             "add, list or remove.")
                        .arg(action));
    return kExitUsage;
}

} // namespace qpos::ctl
