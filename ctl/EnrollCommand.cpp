#include "ctl/EnrollCommand.h"

#include "core/link/EnrollmentCodeFile.h"
#include "core/link/TerminalEnrollment.h"
#include "ctl/CommandOptions.h"
#include "ctl/CtlContext.h"
#include "ctl/CtlExit.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QJsonObject>
#include <QTextStream>

#include <optional>

namespace qpos::ctl {

int runEnrollCommand(CtlContext& context, const QStringList& arguments) {
    CommandOptions options(
        QStringLiteral("enroll"), QStringLiteral("CODE | - | --from-file FILE [--json]"),
        QCoreApplication::translate(
            "qpos::ctl",
            "Links this till to its store backend (qpos-server) with the one-time code that "
            "`qpos-server terminal add` printed. The code must be for this till's store and "
            "terminal. The server confirms it; only then are the terminal's credentials written "
            "(mode 0600, [store_server] credentials) and [store_server] url set in the "
            "configuration file (--config FILE, or the user's file). The secret is never "
            "printed. --from-file reads the code from a file (the provisioned "
            "/etc/qpos/enrollment-code, mode 0600) and deletes or empties that file once the "
            "credentials are written; a file whose code is already enrolled is just "
            "consumed. A CODE of - reads the code from standard input, so that it never shows "
            "in the process list.\n"
            "Exit codes: 0 enrolled, 1 refused or unreachable (nothing changed), 2 wrong "
            "usage."));
    const QCommandLineOption fromFile(
        QStringLiteral("from-file"),
        QCoreApplication::translate("qpos::ctl", "Read the code from FILE, and consume it."),
        QStringLiteral("FILE"));
    options.add(fromFile);
    options.addJson();
    CtlOutput& out = context.out();
    if (std::optional<int> done = options.parse(arguments, out))
        return *done;
    if (options.positional().size() != (options.isSet(fromFile) ? 0 : 1))
        return options.usageError(
            out, QCoreApplication::translate(
                     "qpos::ctl", "Give exactly one enrollment code, or --from-file FILE."));
    std::optional<link::EnrollmentCodeFile> codeFile;
    QString codeText = options.positional().value(0);
    if (codeText == u"-") {
        // A code on the command line is visible to every user in the process list.
        QTextStream in(stdin);
        codeText = in.readLine(4096).trimmed();
        if (codeText.isEmpty()) {
            out.error(QCoreApplication::translate(
                "qpos::ctl", "No enrollment code on standard input. Pipe in the code qpos-server "
                             "terminal add printed, or use --from-file FILE."));
            return kExitUsage;
        }
    }
    if (options.isSet(fromFile)) {
        codeFile.emplace(options.value(fromFile));
        Result<std::optional<link::EnrollmentCode>> read = codeFile->read();
        if (!read) {
            out.error(read.error().message);
            return kExitError;
        }
        if (!*read) {
            out.error(QCoreApplication::translate(
                          "qpos::ctl", "%1 holds no enrollment code: it was used already, or "
                                       "is empty. Put the code qpos-server terminal add printed "
                                       "in it, or give the code itself.")
                          .arg(QDir::toNativeSeparators(codeFile->path())));
            return kExitError;
        }
        codeText = (*read)->encode();
    }

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
    Result<link::EnrollmentTarget> target =
        link::tillEnrollmentTarget(*config, configPath,
                                   config->sandbox ? QList<ConfigSource>{{configPath, true}}
                                                   : ConfigLoader::standardSources(configPath));
    if (!target) {
        out.error(target.error().message);
        return kExitError;
    }
    if (codeFile) {
        // Enrolled before, but the file was not consumed (the till or a run cut short).
        const Result<link::TerminalCredentials> existing =
            link::TerminalCredentials::read(target->credentialsPath);
        const Result<link::EnrollmentCode> code = link::EnrollmentCode::decode(codeText);
        if (existing && code && link::EnrollmentCodeFile::yielded(*code, *existing)) {
            if (Status consumed = codeFile->consume(); !consumed) {
                out.error(consumed.error().message);
                return kExitError;
            }
            out.line(QCoreApplication::translate(
                         "qpos::ctl", "This till was already enrolled with the code in %1; the "
                                      "file is now consumed.")
                         .arg(QDir::toNativeSeparators(codeFile->path())));
            return kExitOk;
        }
    }
    link::TerminalEnrollment enrollment(std::move(target).value());
    std::optional<link::EnrollmentOutcome> outcome;
    QEventLoop loop;
    QObject::connect(&enrollment, &link::TerminalEnrollment::finished, &loop,
                     [&](const link::EnrollmentOutcome& o) {
                         outcome = o;
                         loop.quit();
                     });
    enrollment.start(codeText);
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
    if (codeFile) {
        if (Status consumed = codeFile->consume(); !consumed)
            out.error(consumed.error().message);
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
