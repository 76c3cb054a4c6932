#pragma once

#include "core/common/Result.h"

#include <QString>
#include <QStringList>

namespace qpos::ctl {

// What qposctl was asked to do: the global options, the command word and the command's own
// arguments (everything after the command word, parsed by the command).
struct CtlInvocation {
    QString configPath; // --config FILE: read after the system and user files
    bool sandbox = false;
    bool verbose = false; // also copy log lines to stderr
    bool help = false;    // --help before any command
    bool version = false;
    QString command;       // "charge", "orders", ...; empty with help or version
    QStringList arguments; // after the command word
};

// Parses `arguments` (arguments[0] is the program). A usage error comes back as an Error with
// code "ctl.usage" and a message for the user.
Result<CtlInvocation> parseInvocation(const QStringList& arguments);

// The global help: synopsis, global options and the commands.
QString globalHelp();

} // namespace qpos::ctl
