#include "ctl/EnrollCommand.h"

#include "core/gateways/ConnectionSettings.h"
#include "core/link/TerminalEnrollment.h"
#include "ctl/CommandOptions.h"
#include "ctl/CtlContext.h"
#include "ctl/CtlExit.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QJsonObject>

#include <optional>

namespace qpos::ctl {

int runEnrollCommand(CtlContext& context, const QStringList& arguments) {
    CommandOptions options(
        QStringLiteral("enroll"), QStringLiteral("CODE [--json]"),
        QCoreApplication::translate(
            "qpos::ctl",
            "Links this till to its store backend (qpos-server) with the one-time code that "
            "`qpos-server terminal add` printed. The code must be for this till's store and "
            "terminal. The server confirms it; only then are the terminal's credentials written "
            "(mode 0600, [store_server] credentials) and [store_server] url set in the "
            "configuration file (--config FILE, or the user's file). The secret is never "
            "printed.\n"
            "Exit codes: 0 enrolled, 1 refused or unreachable (nothing changed), 2 wrong "
            "usage."));
    options.addJson();
    CtlOutput& out = context.out();
    if (std::optional<int> done = options.parse(arguments, out))
        return *done;
    if (options.positional().size() != 1)
        return options.usageError(
            out, QCoreApplication::translate("qpos::ctl", "Give exactly one enrollment code."));

    const AppConfig* config = context.config();
    if (!config)
        return kExitError;
    const QString configPath = context.invocation().configPath.isEmpty()
                                   ? ConfigLoader::userConfigPath()
                                   : context.invocation().configPath;
    if (config->sandbox && context.invocation().configPath.isEmpty()) {
        out.error(QCoreApplication::translate(
            "qpos::ctl", "The demo shop reads no configuration file to link. Give the file to "
                         "change with --config FILE, or enroll without --sandbox."));
        return kExitError;
    }
    link::EnrollmentTarget target;
    target.configured = {config->store.id, config->terminal.id};
    target.credentialsPath = config->storeServer.credentialsPath;
    target.configPath = configPath;
    target.configSources = config->sandbox ? QList<ConfigSource>{{configPath, true}}
                                           : ConfigLoader::standardSources(configPath);
    target.loadOptions.sandbox = config->sandbox;
    if (!config->network.caFile.isEmpty()) {
        const Result<QList<QSslCertificate>> cas = gateway::loadCaFile(config->network.caFile);
        if (!cas) {
            out.error(cas.error().message);
            return kExitError;
        }
        target.extraCaCertificates = *cas;
    }

    link::TerminalEnrollment enrollment(std::move(target));
    std::optional<link::EnrollmentOutcome> outcome;
    QEventLoop loop;
    QObject::connect(&enrollment, &link::TerminalEnrollment::finished, &loop,
                     [&](const link::EnrollmentOutcome& o) {
                         outcome = o;
                         loop.quit();
                     });
    enrollment.start(options.positional().constFirst());
    loop.exec();

    if (outcome->error) {
        if (out.json())
            out.object({{QStringLiteral("enrolled"), false},
                        {QStringLiteral("code"), outcome->error->code},
                        {QStringLiteral("message"), outcome->error->message}});
        else
            out.error(outcome->error->message);
        return kExitError;
    }
    const QString server = outcome->serverUrl.toString();
    if (out.json()) {
        out.object(
            {{QStringLiteral("enrolled"), true},
             {QStringLiteral("store"), outcome->terminal.storeId},
             {QStringLiteral("terminal"), outcome->terminal.terminalId},
             {QStringLiteral("server"), server},
             {QStringLiteral("clock_difference_ms"), QString::number(outcome->clockDifferenceMs)}});
    } else {
        out.line(QCoreApplication::translate(
                     "qpos::ctl", "Enrolled: store %1, terminal %2 is linked to %3. The till "
                                  "uses the link from its next start.")
                     .arg(outcome->terminal.storeId, outcome->terminal.terminalId, server));
    }
    return kExitOk;
}

} // namespace qpos::ctl
