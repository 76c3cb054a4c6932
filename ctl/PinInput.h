#pragma once

#include <QString>

#include <optional>

namespace qpos::ctl {

class CtlOutput;

// Where a PIN comes from, in order: the command-line option's value (when given), the
// environment variable `envName`, then standard input: at a terminal a prompt on stderr with
// echo off, otherwise the first line of the input. Empty when there is none (stdin closed or
// empty). The PIN is never printed.
std::optional<QString> readPin(const std::optional<QString>& optionValue, const char* envName,
                               const QString& prompt, const CtlOutput& out);

} // namespace qpos::ctl
