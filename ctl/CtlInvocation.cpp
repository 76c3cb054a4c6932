#include "ctl/CtlInvocation.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace qpos::ctl {

namespace {

Error usage(const QString& message) {
    return Error{QStringLiteral("ctl.usage"), message};
}

} // namespace

Result<CtlInvocation> parseInvocation(const QStringList& arguments) {
    QCommandLineParser parser;
    // Options after the command word belong to the command.
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    const QCommandLineOption config({QStringLiteral("c"), QStringLiteral("config")}, QString(),
                                    QStringLiteral("FILE"));
    const QCommandLineOption sandbox(QStringLiteral("sandbox"));
    const QCommandLineOption verbose(QStringLiteral("verbose"));
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")});
    const QCommandLineOption version(QStringLiteral("version"));
    parser.addOptions({config, sandbox, verbose, help, version});
    if (!parser.parse(arguments))
        return usage(parser.errorText());

    CtlInvocation invocation;
    invocation.configPath = parser.value(config);
    invocation.sandbox = parser.isSet(sandbox);
    invocation.verbose = parser.isSet(verbose);
    invocation.help = parser.isSet(help);
    invocation.version = parser.isSet(version);
    QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty()) {
        invocation.command = positional.takeFirst();
        invocation.arguments = positional;
    }
    if (invocation.command.isEmpty() && !invocation.help && !invocation.version)
        return usage(
            QCoreApplication::translate("qpos::ctl", "No command given. Try \"qposctl --help\"."));
    return invocation;
}

QString globalHelp() {
    return QCoreApplication::translate(
        "qpos::ctl",
        "Usage: qposctl [--config FILE] [--sandbox] [--verbose] COMMAND [options]\n"
        "\n"
        "The command-line companion of the qpos till, for IT and scripts. It works on the same\n"
        "configuration and order database as the till. See docs/qposctl.md.\n"
        "\n"
        "Global options:\n"
        "  -c, --config FILE  read FILE after /etc/qpos/qpos.ini and the user's qpos.ini\n"
        "  --sandbox          the demo shop: sandbox defaults, only --config FILE is read\n"
        "  --verbose          also copy the log to stderr\n"
        "  -h, --help         this help; \"qposctl COMMAND --help\" for a command's options\n"
        "  --version          the version\n"
        "\n"
        "Commands:\n"
        "  charge    charge an amount by QR code and optionally wait for the payment\n"
        "  orders    list orders (today by default)\n"
        "  order     one order with its history\n"
        "  refund    refund a paid order (needs a manager PIN)\n"
        "  recover   settle every order left open by an earlier run\n"
        "  reconcile match a day's provider bills against the orders\n"
        "  doctor    check configuration, keys, database, staff and the providers\n"
        "  staff     add, list or remove staff\n"
        "  enroll    link the till to its store backend with a one-time code\n"
        "  sandbox   run the simulated payment providers (as qpos-sandbox)\n"
        "\n"
        "Exit codes: 0 done (charge: paid), 1 error, 2 wrong usage,\n"
        "3 not paid (cancelled, expired, failed) or refund refused,\n"
        "4 reconcile: open differences, 5 reconcile: a bill not made yet or overdue.");
}

} // namespace qpos::ctl
