#include "ctl/PinInput.h"

#include "ctl/CtlOutput.h"

#include <cstdio>
#include <string>
#include <termios.h>
#include <unistd.h>

namespace qpos::ctl {

namespace {

std::optional<QString> readLine(std::FILE* in) {
    std::string line;
    int c;
    while ((c = std::fgetc(in)) != EOF && c != '\n')
        line.push_back(char(c));
    if (c == EOF && line.empty())
        return std::nullopt;
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    QString text = QString::fromUtf8(line.data(), qsizetype(line.size()));
    std::fill(line.begin(), line.end(), '\0');
    return text;
}

} // namespace

std::optional<QString> readPin(const std::optional<QString>& optionValue, const char* envName,
                               const QString& prompt, const CtlOutput& out) {
    if (optionValue)
        return *optionValue;
    if (qEnvironmentVariableIsSet(envName))
        return qEnvironmentVariable(envName);
    if (!::isatty(STDIN_FILENO))
        return readLine(stdin);

    out.note(prompt);
    termios saved{};
    const bool canHide = ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (canHide) {
        termios hidden = saved;
        hidden.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden);
    }
    std::optional<QString> pin = readLine(stdin);
    if (canHide) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        out.note(QString()); // the Enter the user typed was not echoed
    }
    return pin;
}

} // namespace qpos::ctl
