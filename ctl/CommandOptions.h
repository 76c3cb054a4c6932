#pragma once

#include "ctl/CtlOutput.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <optional>

namespace qpos::ctl {

// One command's options and positional arguments, with its --help. Wraps QCommandLineParser so
// that every command answers a usage error the same way (message, hint, exit code 2).
class CommandOptions {
public:
    // `synopsis`: what follows "qposctl COMMAND" in the usage line.
    CommandOptions(QString command, QString synopsis, QString description);

    void add(const QCommandLineOption& option) { m_parser.addOption(option); }
    // --json, which most commands take: parse() switches `out` to JSON when it is given.
    void addJson();
    // The command takes options only: parse() refuses any other argument.
    void refuseArguments() { m_refuseArguments = true; }

    // Parses the command's arguments. Empty: go on. Otherwise the command is over with this
    // exit code: 0 after --help (printed), 2 after a usage error (printed).
    std::optional<int> parse(const QStringList& arguments, CtlOutput& out);

    const QCommandLineParser& parser() const { return m_parser; }
    bool isSet(const QCommandLineOption& option) const { return m_parser.isSet(option); }
    QString value(const QCommandLineOption& option) const { return m_parser.value(option); }
    QStringList values(const QCommandLineOption& option) const { return m_parser.values(option); }
    QStringList positional() const { return m_parser.positionalArguments(); }

    // The command's one positional argument, an order number. Empty after printing the usage
    // error: none, more than one, or not an order number.
    std::optional<QString> orderNumber(const CtlOutput& out) const;

    // Prints a usage problem found after parsing and returns 2.
    int usageError(const CtlOutput& out, const QString& message) const;
    QString help() const;

private:
    QString m_command;
    QString m_synopsis;
    QString m_description;
    QCommandLineParser m_parser;
    QCommandLineOption m_help;
    QCommandLineOption m_json;
    bool m_takesJson = false;
    bool m_refuseArguments = false;
};

} // namespace qpos::ctl
