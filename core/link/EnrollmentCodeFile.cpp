#include "core/link/EnrollmentCodeFile.h"

#include "core/config/ConfigLoader.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>
#include <unistd.h>

namespace qpos::link {

namespace {

constexpr qint64 kMaxFileBytes = 4096;

QString native(const QString& path) {
    return QDir::toNativeSeparators(path);
}

} // namespace

QString EnrollmentCodeFile::defaultPath() {
    return QFileInfo(ConfigLoader::systemConfigPath())
        .absoluteDir()
        .filePath(QStringLiteral("enrollment-code"));
}

Result<std::optional<EnrollmentCode>> EnrollmentCodeFile::read() const {
    struct stat st {};
    if (::stat(QFile::encodeName(m_path).constData(), &st) != 0)
        return std::optional<EnrollmentCode>();
    // The code carries the terminal's secret until the server confirms it.
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return Error{QStringLiteral("provision.code_open"),
                     QCoreApplication::translate(
                         "qpos::link",
                         "The enrollment code in %1 can be read by other users, so the till does "
                         "not use it. Make it the till user's alone (chown USER %1; chmod 600 %1); "
                         "the till tries again by itself.")
                         .arg(native(m_path))};
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxFileBytes)
        return Error{QStringLiteral("provision.code_unreadable"),
                     QCoreApplication::translate(
                         "qpos::link",
                         "The till cannot read the enrollment code in %1. Make the file belong "
                         "to the user the till runs as (chown USER %1; chmod 600 %1), holding "
                         "only the code qpos-server terminal add printed.")
                         .arg(native(m_path))};
    const QString text = QString::fromUtf8(file.readAll()).trimmed();
    if (text.isEmpty())
        return std::optional<EnrollmentCode>();
    Result<EnrollmentCode> code = EnrollmentCode::decode(text);
    if (!code)
        return Error{code.error().code, QCoreApplication::translate("qpos::link", "%1: %2")
                                            .arg(native(m_path), code.error().message)};
    return std::optional<EnrollmentCode>(std::move(code).value());
}

Status EnrollmentCodeFile::consume() const {
    if (QFile::remove(m_path) || !QFileInfo::exists(m_path))
        return Status::success();
    // /etc/qpos is root's: the till may own the file but not its folder.
    QFile file(m_path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.flush() &&
        ::fsync(file.handle()) == 0)
        return Status::success();
    return Error{QStringLiteral("provision.code_not_consumed"),
                 QCoreApplication::translate(
                     "qpos::link",
                     "The till is enrolled, but the used enrollment code in %1 could not be "
                     "deleted or emptied. Delete the file by hand; it enrolls nothing any more.")
                     .arg(native(m_path))};
}

bool EnrollmentCodeFile::yielded(const EnrollmentCode& code,
                                 const TerminalCredentials& credentials) {
    return code.terminal == credentials.terminal && code.secret.keyId == credentials.secret.keyId &&
           code.secret.secret == credentials.secret.secret;
}

} // namespace qpos::link
