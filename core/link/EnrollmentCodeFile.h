#pragma once

#include "core/common/Result.h"
#include "core/link/EnrollmentCode.h"
#include "core/link/TerminalCredentials.h"

#include <QString>

#include <optional>

namespace qpos::link {

// The enrollment code an IT person leaves for a till that enrolls itself on its first start
// (docs/deploy.md, "Provisioning"): by default /etc/qpos/enrollment-code, beside the system
// configuration, owned by the till's user with mode 0600. The file is consumed (deleted, or
// emptied when its folder is not the till's to change) only after the credentials it
// yielded are on disk; an empty file means there is nothing to do.
class EnrollmentCodeFile {
public:
    explicit EnrollmentCodeFile(QString path)
        : m_path(std::move(path)) {}

    // /etc/qpos/enrollment-code: beside ConfigLoader::systemConfigPath().
    static QString defaultPath();

    const QString& path() const { return m_path; }

    // The code it holds; none when the file is missing or empty. Errors, each saying what to
    // do: provision.code_open (group or others may read it), provision.code_unreadable (not
    // the till's user's), enroll.malformed_code (not a code).
    Result<std::optional<EnrollmentCode>> read() const;

    // Deletes the file, or empties it (synced) when it cannot be deleted. Error:
    // provision.code_not_consumed.
    Status consume() const;

    // Whether `credentials` came from `code`: the same terminal, key id and secret. A code
    // whose credentials are on disk was used, even if consuming it was cut short.
    static bool yielded(const EnrollmentCode& code, const TerminalCredentials& credentials);

private:
    QString m_path;
};

} // namespace qpos::link
