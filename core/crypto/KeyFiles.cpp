#include "core/crypto/KeyFiles.h"

#include <QCoreApplication>

#include "core/crypto/OpenSslSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace qpos::crypto {

using namespace detail;

namespace {

QString displayName(const QString& path) {
    return QDir::toNativeSeparators(path);
}

Error withFileName(const QString& path, const Error& error) {
    return Error{error.code, QCoreApplication::translate("qpos::crypto", "%1: %2")
                                 .arg(displayName(path), error.message)};
}

Error noPathError() {
    return makeError(
        code::fileMissing,
        QCoreApplication::translate("qpos::crypto",
                                    "No file name was given. Set the path of the key file in the "
                                    "configuration."));
}

Error missingFileError(const QString& path) {
    return makeError(code::fileMissing,
                     QCoreApplication::translate(
                         "qpos::crypto",
                         "The file %1 does not exist. Check the path in the configuration and "
                         "that the file was installed.")
                         .arg(displayName(path)));
}

Error notRegularError(const QString& path, bool directory) {
    if (directory) {
        return makeError(code::fileNotRegular,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "%1 is a directory, not a key file. Give the path of the file "
                             "itself.")
                             .arg(displayName(path)));
    }
    return makeError(code::fileNotRegular,
                     QCoreApplication::translate(
                         "qpos::crypto", "%1 is not a regular file. Give the path of a key file.")
                         .arg(displayName(path)));
}

Error emptyFileError(const QString& path) {
    return makeError(code::fileEmpty,
                     QCoreApplication::translate(
                         "qpos::crypto", "The file %1 is empty. Copy the key into it again.")
                         .arg(displayName(path)));
}

Error tooLargeError(const QString& path) {
    return makeError(
        code::fileTooLarge,
        QCoreApplication::translate("qpos::crypto",
                                    "The file %1 is larger than %2 bytes, too large for a key or "
                                    "certificate. Check that the path points to the right file.")
            .arg(displayName(path))
            .arg(kMaxKeyFileSize));
}

#ifdef Q_OS_UNIX

class FileDescriptor {
public:
    explicit FileDescriptor(int fd)
        : m_fd(fd) {}
    ~FileDescriptor() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

QString octalMode(mode_t mode) {
    return QStringLiteral("%1").arg(static_cast<uint>(mode & 07777), 4, 8, QLatin1Char('0'));
}

Error openError(const QString& path, int error) {
    if (error == ENOENT || error == ENOTDIR)
        return missingFileError(path);
    if (error == EACCES || error == EPERM) {
        return makeError(code::fileUnreadable,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The file %1 cannot be read by this user (permission denied). Make "
                             "it owned by the user the service runs as (chown USER %1) and "
                             "readable only by that user (chmod 600 %1).")
                             .arg(displayName(path)));
    }
    return makeError(
        code::fileUnreadable,
        QCoreApplication::translate("qpos::crypto", "The file %1 cannot be opened: %2.")
            .arg(displayName(path), QString::fromLocal8Bit(std::strerror(error))));
}

#endif

} // namespace

Result<QByteArray> readSecretFile(const QString& path) {
    if (path.isEmpty())
        return noPathError();
#ifdef Q_OS_UNIX
    const QByteArray native = QFile::encodeName(path);
    // O_NONBLOCK: opening a FIFO must not hang; it is refused below as not a regular file.
    FileDescriptor fd(::open(native.constData(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (fd.get() < 0)
        return openError(path, errno);

    // Checks on the opened file itself, so the file cannot be swapped after the check.
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0)
        return openError(path, errno);
    if (!S_ISREG(info.st_mode))
        return notRegularError(path, S_ISDIR(info.st_mode));
    if ((info.st_mode & 077) != 0) {
        return makeError(code::filePermissions,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The secret file %1 can be accessed by other users (mode %2), so "
                             "it is refused. Make it private to the service user: chmod 600 %1, "
                             "and make it owned by the user the service runs as "
                             "(chown USER %1).")
                             .arg(displayName(path), octalMode(info.st_mode)));
    }
    if (info.st_uid != ::geteuid() && info.st_uid != 0) {
        return makeError(code::fileOwner,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The secret file %1 belongs to another user (uid %2) than the one "
                             "running qpos (uid %3), so it is refused. Make it owned by the "
                             "user the service runs as (chown USER %1) and chmod 600 %1.")
                             .arg(displayName(path))
                             .arg(info.st_uid)
                             .arg(::geteuid()));
    }
    if (info.st_size > kMaxKeyFileSize)
        return tooLargeError(path);

    QByteArray contents(static_cast<qsizetype>(info.st_size) + 1, Qt::Uninitialized);
    qsizetype total = 0;
    for (;;) {
        if (total == contents.size()) {
            // The file grew after fstat: allow it up to the limit.
            if (contents.size() > kMaxKeyFileSize) {
                wipe(contents);
                return tooLargeError(path);
            }
            QByteArray bigger(contents.size() * 2, Qt::Uninitialized);
            std::memcpy(bigger.data(), contents.constData(), static_cast<size_t>(total));
            wipe(contents);
            contents = std::move(bigger);
        }
        const ssize_t got =
            ::read(fd.get(), contents.data() + total, static_cast<size_t>(contents.size() - total));
        if (got < 0) {
            if (errno == EINTR)
                continue;
            const int error = errno;
            wipe(contents);
            return openError(path, error);
        }
        if (got == 0)
            break;
        total += got;
    }
    if (total > kMaxKeyFileSize) {
        wipe(contents);
        return tooLargeError(path);
    }
    if (total == 0)
        return emptyFileError(path);
    contents.truncate(total);
    return contents;
#else
    QFileInfo info(path);
    if (!info.exists())
        return missingFileError(path);
    if (!info.isFile())
        return notRegularError(path, info.isDir());
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(
            code::fileUnreadable,
            QCoreApplication::translate("qpos::crypto", "The file %1 cannot be opened: %2.")
                .arg(displayName(path), file.errorString()));
    }
    if (file.size() > kMaxKeyFileSize)
        return tooLargeError(path);
    QByteArray contents = file.readAll();
    if (contents.isEmpty())
        return emptyFileError(path);
    return contents;
#endif
}

namespace {

Result<QByteArray> readPublicFile(const QString& path) {
    if (path.isEmpty())
        return noPathError();
    const QFileInfo info(path);
    if (!info.exists())
        return missingFileError(path);
    if (!info.isFile())
        return notRegularError(path, info.isDir());
    if (info.size() > kMaxKeyFileSize)
        return tooLargeError(path);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(
            code::fileUnreadable,
            QCoreApplication::translate("qpos::crypto",
                                        "The file %1 cannot be read: %2. Check its permissions.")
                .arg(displayName(path), file.errorString()));
    }
    QByteArray contents = file.read(kMaxKeyFileSize + 1);
    if (contents.size() > kMaxKeyFileSize)
        return tooLargeError(path);
    if (contents.isEmpty())
        return emptyFileError(path);
    return contents;
}

} // namespace

Result<RsaPrivateKey> loadPrivateKeyFile(const QString& path) {
    auto contents = readSecretFile(path);
    if (!contents)
        return contents.error();
    const SecretBytes secret(std::move(contents).value());
    auto key = RsaPrivateKey::fromText(secret.view());
    if (!key)
        return withFileName(path, key.error());
    return key;
}

Result<RsaPublicKey> loadPublicKeyFile(const QString& path) {
    auto contents = readPublicFile(path);
    if (!contents)
        return contents.error();
    auto key = RsaPublicKey::fromText(*contents);
    if (!key)
        return withFileName(path, key.error());
    return key;
}

Result<QList<X509Certificate>> loadCertificateFile(const QString& path) {
    auto contents = readPublicFile(path);
    if (!contents)
        return contents.error();
    auto chain = X509Certificate::chainFromPem(*contents);
    if (!chain)
        return withFileName(path, chain.error());
    return chain;
}

} // namespace qpos::crypto
