#include "ctl/CommandOptions.h"

#include "core/orders/OutTradeNo.h"
#include "ctl/CtlExit.h"

#include <QCoreApplication>

namespace qpos::ctl {

namespace {

// Breaks each line of `text` at spaces so that none is longer than `width` (help texts are
// written as one line per paragraph, which is what translators get).
QString wrapped(const QString& text, qsizetype width = 79) {
    QStringList out;
    for (const QString& paragraph : text.split(u'\n')) {
        qsizetype indent = 0;
        while (indent < paragraph.size() && paragraph.at(indent) == u' ')
            ++indent;
        const QString prefix(indent, u' ');
        QString line;
        for (const QString& word : paragraph.split(u' ', Qt::SkipEmptyParts)) {
            if (!line.isEmpty() && line.size() + 1 + word.size() > width) {
                out.append(line);
                line.clear();
            }
            line += line.isEmpty() ? prefix + word : QStringLiteral(" ") + word;
        }
        out.append(line);
    }
    return out.join(u'\n');
}

} // namespace

CommandOptions::CommandOptions(QString command, QString synopsis, QString description)
    : m_command(std::move(command))
    , m_synopsis(std::move(synopsis))
    , m_description(std::move(description))
    , m_help({QStringLiteral("h"), QStringLiteral("help")},
             QCoreApplication::translate("qpos::ctl", "Show this help."))
    , m_json(QStringLiteral("json"),
             QCoreApplication::translate("qpos::ctl",
                                         "Print JSON (one object per line) instead of text.")) {
    m_parser.addOption(m_help);
}

void CommandOptions::addJson() {
    m_parser.addOption(m_json);
    m_takesJson = true;
}

QString CommandOptions::help() const {
    // Qt's own help starts with a usage line naming the program only; ours names the command.
    QStringList lines = m_parser.helpText().split(u'\n');
    if (!lines.isEmpty())
        lines.removeFirst();
    while (!lines.isEmpty() && lines.constFirst().trimmed().isEmpty())
        lines.removeFirst();
    return QCoreApplication::translate("qpos::ctl", "Usage: qposctl [global options] %1 %2")
               .arg(m_command, m_synopsis)
               .trimmed() +
           QStringLiteral("\n\n") + wrapped(m_description) + QStringLiteral("\n\n") +
           lines.join(u'\n');
}

int CommandOptions::usageError(const CtlOutput& out, const QString& message) const {
    out.error(message);
    out.note(QCoreApplication::translate("qpos::ctl", "Try \"qposctl %1 --help\".").arg(m_command));
    return kExitUsage;
}

std::optional<QString> CommandOptions::orderNumber(const CtlOutput& out) const {
    const QStringList arguments = positional();
    if (arguments.size() != 1) {
        usageError(out, QCoreApplication::translate("qpos::ctl", "Give exactly one order number."));
        return std::nullopt;
    }
    const QString outTradeNo = arguments.constFirst();
    if (!out_trade_no::isWellFormed(outTradeNo)) {
        usageError(out, QCoreApplication::translate("qpos::ctl",
                                                    "\"%1\" is not an order number (at most 64 "
                                                    "letters, digits and underscores).")
                            .arg(outTradeNo));
        return std::nullopt;
    }
    return outTradeNo;
}

std::optional<int> CommandOptions::parse(const QStringList& arguments, CtlOutput& out) {
    QStringList withProgram = arguments;
    withProgram.prepend(QStringLiteral("qposctl"));
    if (!m_parser.parse(withProgram))
        return usageError(out, m_parser.errorText());
    if (m_parser.isSet(m_help)) {
        out.line(help().trimmed());
        return kExitOk;
    }
    if (m_takesJson)
        out.setJson(m_parser.isSet(m_json));
    if (m_refuseArguments && !positional().isEmpty())
        return usageError(out,
                          QCoreApplication::translate("qpos::ctl", "Unexpected argument \"%1\".")
                              .arg(positional().constFirst()));
    return std::nullopt;
}

} // namespace qpos::ctl
