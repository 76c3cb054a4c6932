#include "core/link/TerminalCredentials.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace qpos::link {

namespace {

constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
constexpr qint64 kMaxFileBytes = 4096;

Error unreadable(const QString& path) {
    return {QStringLiteral("link.credentials_unreadable"),
            QCoreApplication::translate(
                "qpos::link",
                "The store server credentials in %1 cannot be read. Enroll the till again with a "
                "new code (qposctl enroll CODE, or Settings, Store server).")
                .arg(QDir::toNativeSeparators(path))};
}

bool isLowerHex64(const QString& text) {
    if (text.size() != 64)
        return false;
    for (QChar c : text) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    }
    return true;
}

Status writeError(const QString& path, const QString& reason) {
    return Error{QStringLiteral("link.credentials_not_written"),
                 QCoreApplication::translate(
                     "qpos::link",
                     "The store server credentials could not be written to %1 (%2). Check that "
                     "the directory exists and belongs to the till's user, then enroll again "
                     "with a new code.")
                     .arg(QDir::toNativeSeparators(path), reason)};
}

} // namespace

Result<TerminalCredentials> TerminalCredentials::read(const QString& path) {
    const QByteArray native = QFile::encodeName(path);
    struct stat st {};
    if (::stat(native.constData(), &st) != 0)
        return Error{QStringLiteral("link.not_enrolled"),
                     QCoreApplication::translate(
                         "qpos::link",
                         "This till is not enrolled with the store server (%1 does not exist). "
                         "Ask the store's administrator for an enrollment code and run qposctl "
                         "enroll CODE, or paste it in Settings, Store server.")
                         .arg(QDir::toNativeSeparators(path))};
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
        return Error{QStringLiteral("link.credentials_open"),
                     QCoreApplication::translate(
                         "qpos::link",
                         "The store server credentials in %1 can be read by other users, so the "
                         "till does not use them. Run chmod 600 %1 as the till's user, then "
                         "restart the till.")
                         .arg(QDir::toNativeSeparators(path))};
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxFileBytes)
        return unreadable(path);
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    if (!doc.isObject())
        return unreadable(path);
    const QJsonObject o = doc.object();
    TerminalCredentials c;
    c.terminal = {o.value(QStringLiteral("store")).toString(),
                  o.value(QStringLiteral("terminal")).toString()};
    c.secret.keyId = o.value(QStringLiteral("key")).toString();
    auto secret =
        QByteArray::fromBase64Encoding(o.value(QStringLiteral("secret")).toString().toLatin1(),
                                       kBase64Url | QByteArray::AbortOnBase64DecodingErrors);
    c.certificateFingerprint = o.value(QStringLiteral("fingerprint")).toString();
    if (!isValidTerminalCode(c.terminal.storeId) || !isValidTerminalCode(c.terminal.terminalId) ||
        !isValidTerminalCode(c.secret.keyId) || !secret || secret.decoded.size() != kSecretBytes ||
        (!c.certificateFingerprint.isEmpty() && !isLowerHex64(c.certificateFingerprint)))
        return unreadable(path);
    c.secret.secret = secret.decoded;
    return c;
}

Status TerminalCredentials::write(const QString& path) const {
    const QJsonObject o{
        {QStringLiteral("store"), terminal.storeId},
        {QStringLiteral("terminal"), terminal.terminalId},
        {QStringLiteral("key"), secret.keyId},
        {QStringLiteral("secret"), QString::fromLatin1(secret.secret.toBase64(kBase64Url))},
        {QStringLiteral("fingerprint"), certificateFingerprint},
    };
    const QByteArray bytes = QJsonDocument(o).toJson(QJsonDocument::Indented);
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return writeError(path,
                          QCoreApplication::translate("qpos::link", "cannot create the directory"));
    // 0600 from the first byte: the secret is never readable by anyone else, not even briefly.
    const QByteArray target = QFile::encodeName(info.absoluteFilePath());
    const QByteArray temp = target + ".new";
    ::unlink(temp.constData());
    const int fd = ::open(temp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return writeError(path, QString::fromLocal8Bit(::strerror(errno)));
    qsizetype written = 0;
    while (written < bytes.size()) {
        const ssize_t n =
            ::write(fd, bytes.constData() + written, static_cast<size_t>(bytes.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        written += n;
    }
    const bool ok = written == bytes.size() && ::fchmod(fd, 0600) == 0 && ::fsync(fd) == 0;
    const QString reason = ok ? QString() : QString::fromLocal8Bit(::strerror(errno));
    ::close(fd);
    if (!ok || ::rename(temp.constData(), target.constData()) != 0) {
        const QString why = ok ? QString::fromLocal8Bit(::strerror(errno)) : reason;
        ::unlink(temp.constData());
        return writeError(path, why);
    }
    return Status::success();
}

} // namespace qpos::link
