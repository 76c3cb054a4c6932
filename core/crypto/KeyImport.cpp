#include "core/crypto/KeyImport.h"

#include "core/crypto/KeyFiles.h"
#include "core/crypto/OpenSslSupport.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/crypto/X509Certificate.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace qpos::crypto {

using namespace detail;

namespace {

constexpr char kImportWrongKind[] = "crypto.import_wrong_kind";
constexpr char kImportInvalid[] = "crypto.import_invalid";
constexpr char kImportWriteFailed[] = "crypto.import_write_failed";

QString kindLabel(KeyFileKind kind) {
    switch (kind) {
    case KeyFileKind::RsaPrivateKey:
        return QCoreApplication::translate("qpos::KeyImport", "a private key");
    case KeyFileKind::RsaPublicKey:
        return QCoreApplication::translate("qpos::KeyImport", "a public key");
    case KeyFileKind::Certificate:
        return QCoreApplication::translate("qpos::KeyImport", "a certificate");
    case KeyFileKind::ApiV3Key:
        return QCoreApplication::translate("qpos::KeyImport", "an APIv3 key");
    }
    return {};
}

QString suffixOf(KeyFileKind kind) {
    switch (kind) {
    case KeyFileKind::Certificate:
        return QStringLiteral(".crt");
    case KeyFileKind::ApiV3Key:
        return QStringLiteral(".key");
    case KeyFileKind::RsaPrivateKey:
    case KeyFileKind::RsaPublicKey:
        break;
    }
    return QStringLiteral(".pem");
}

bool isPrivateKey(QByteArrayView text) {
    return RsaPrivateKey::fromText(text).ok();
}

bool isPublicKey(QByteArrayView text) {
    return RsaPublicKey::fromText(text).ok();
}

// The APIv3 key without the blanks and line break an editor may add around it.
QByteArray trimmedApiV3Key(QByteArrayView text) {
    return text.toByteArray().trimmed();
}

bool isApiV3Key(const QByteArray& key) {
    if (key.size() != 32)
        return false;
    for (char c : key) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!ok)
            return false;
    }
    return true;
}

Error wrongKind(const QString& message) {
    return makeError(kImportWrongKind, message);
}

Result<QString> checkPrivate(QByteArrayView text) {
    Result<RsaPrivateKey> key = RsaPrivateKey::fromText(text);
    if (key) {
        return QCoreApplication::translate("qpos::KeyImport", "RSA private key, %1 bits")
            .arg(key->bits());
    }
    if (isPublicKey(text)) {
        return wrongKind(QCoreApplication::translate(
            "qpos::KeyImport",
            "This file holds a public key, but the private key is needed here: the key you "
            "generated for the application (kept secret, never uploaded)."));
    }
    return makeError(
        kImportInvalid,
        QCoreApplication::translate("qpos::KeyImport", "This file is not a usable private key: %1")
            .arg(key.error().message));
}

Result<QString> checkPublic(QByteArrayView text) {
    if (isPrivateKey(text)) {
        return wrongKind(QCoreApplication::translate(
            "qpos::KeyImport",
            "This file holds a private key, but the provider's public key is needed here. A "
            "private key must never be given where a public key is asked for."));
    }
    Result<RsaPublicKey> key = RsaPublicKey::fromText(text);
    if (!key) {
        return makeError(kImportInvalid,
                         QCoreApplication::translate("qpos::KeyImport",
                                                     "This file is not a usable public key: %1")
                             .arg(key.error().message));
    }
    return QCoreApplication::translate("qpos::KeyImport", "RSA public key, %1 bits")
        .arg(key->bits());
}

Result<QString> checkCertificate(QByteArrayView text) {
    if (isPrivateKey(text)) {
        return wrongKind(QCoreApplication::translate(
            "qpos::KeyImport",
            "This file holds a private key, but a certificate is needed here. A private key "
            "must never be given where a certificate is asked for."));
    }
    Result<QList<X509Certificate>> chain = X509Certificate::chainFromPem(text);
    if (!chain) {
        return makeError(kImportInvalid,
                         QCoreApplication::translate("qpos::KeyImport",
                                                     "This file is not a usable certificate: %1")
                             .arg(chain.error().message));
    }
    const X509Certificate& first = chain->first();
    return QCoreApplication::translate("qpos::KeyImport",
                                       "%n certificate(s); the first one is valid until %1", "",
                                       int(chain->size()))
        .arg(first.notAfter().toString(Qt::ISODate));
}

Result<QString> checkApiV3(QByteArrayView text) {
    QByteArray key = trimmedApiV3Key(text);
    const bool ok = isApiV3Key(key);
    wipe(key);
    if (ok)
        return QCoreApplication::translate("qpos::KeyImport", "APIv3 key, 32 characters");
    if (looksLikePem(text)) {
        return wrongKind(QCoreApplication::translate(
            "qpos::KeyImport",
            "This file holds a PEM key or certificate, but the APIv3 key is needed here: the "
            "32 letters and digits set in the WeChat Pay merchant platform."));
    }
    return makeError(kImportInvalid,
                     QCoreApplication::translate(
                         "qpos::KeyImport",
                         "This file does not hold an APIv3 key: it must contain exactly 32 "
                         "letters and digits, as set in the WeChat Pay merchant platform."));
}

Result<SecretBytes> readSource(const QString& path) {
    const QFileInfo info(path);
    if (path.isEmpty() || !info.exists()) {
        return makeError(code::fileMissing, QCoreApplication::translate(
                                                "qpos::KeyImport", "The file %1 does not exist.")
                                                .arg(QDir::toNativeSeparators(path)));
    }
    if (!info.isFile()) {
        return makeError(code::fileNotRegular,
                         QCoreApplication::translate("qpos::KeyImport",
                                                     "%1 is not a file. Choose the key file "
                                                     "itself.")
                             .arg(QDir::toNativeSeparators(path)));
    }
    if (info.size() > kMaxKeyFileSize) {
        return makeError(code::fileTooLarge,
                         QCoreApplication::translate("qpos::KeyImport",
                                                     "%1 is too large to be a key or certificate "
                                                     "file.")
                             .arg(QDir::toNativeSeparators(path)));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(code::fileUnreadable,
                         QCoreApplication::translate("qpos::KeyImport", "%1 cannot be read: %2.")
                             .arg(QDir::toNativeSeparators(path), file.errorString()));
    }
    SecretBytes contents(file.read(kMaxKeyFileSize + 1));
    if (contents.size() > kMaxKeyFileSize) {
        return makeError(code::fileTooLarge,
                         QCoreApplication::translate("qpos::KeyImport",
                                                     "%1 is too large to be a key or certificate "
                                                     "file.")
                             .arg(QDir::toNativeSeparators(path)));
    }
    if (contents.isEmpty()) {
        return makeError(code::fileEmpty,
                         QCoreApplication::translate("qpos::KeyImport", "The file %1 is empty.")
                             .arg(QDir::toNativeSeparators(path)));
    }
    return contents;
}

Error writeFailed(const QString& what, const QString& why) {
    return makeError(
        kImportWriteFailed,
        QCoreApplication::translate("qpos::KeyImport", "The key cannot be stored in %1: %2.")
            .arg(QDir::toNativeSeparators(what), why));
}

QString lastSystemError() {
    return QString::fromLocal8Bit(std::strerror(errno));
}

// The key directory, private to the service user.
Status prepareKeyDir(const QString& keyDir) {
    if (!QDir().mkpath(keyDir))
        return writeFailed(
            keyDir, QCoreApplication::translate("qpos::KeyImport", "the folder cannot be created"));
    if (!QFile::setPermissions(keyDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
        return writeFailed(
            keyDir, QCoreApplication::translate(
                        "qpos::KeyImport", "its permissions cannot be set to owner-only (0700)"));
    return Status::success();
}

// Writes `bytes` to `path` with mode 0600 from the first byte on, then renames it in place.
Status writePrivateFile(const QString& path, QByteArrayView bytes) {
#ifdef Q_OS_UNIX
    const QString temp = path + QStringLiteral(".part");
    const QByteArray tempName = QFile::encodeName(temp);
    ::unlink(tempName.constData()); // a leftover of an interrupted import
    const int fd = ::open(tempName.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return writeFailed(temp, lastSystemError());
    qsizetype written = 0;
    while (written < bytes.size()) {
        const ssize_t n =
            ::write(fd, bytes.data() + written, static_cast<size_t>(bytes.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const QString why = lastSystemError();
            ::close(fd);
            ::unlink(tempName.constData());
            return writeFailed(temp, why);
        }
        written += n;
    }
    if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0) {
        const QString why = lastSystemError();
        ::close(fd);
        ::unlink(tempName.constData());
        return writeFailed(temp, why);
    }
    ::close(fd);
    if (std::rename(tempName.constData(), QFile::encodeName(path).constData()) != 0) {
        const QString why = lastSystemError();
        ::unlink(tempName.constData());
        return writeFailed(path, why);
    }
    return Status::success();
#else
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return writeFailed(path, file.errorString());
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    file.write(bytes.data(), bytes.size());
    if (!file.commit())
        return writeFailed(path, file.errorString());
    return Status::success();
#endif
}

} // namespace

Result<QString> checkKeyText(QByteArrayView text, KeyFileKind kind) {
    if (isBlank(text)) {
        return makeError(
            code::fileEmpty,
            QCoreApplication::translate("qpos::KeyImport", "The file is empty; %1 is needed here.")
                .arg(kindLabel(kind)));
    }
    switch (kind) {
    case KeyFileKind::RsaPrivateKey:
        return checkPrivate(text);
    case KeyFileKind::RsaPublicKey:
        return checkPublic(text);
    case KeyFileKind::Certificate:
        return checkCertificate(text);
    case KeyFileKind::ApiV3Key:
        return checkApiV3(text);
    }
    return makeError(code::internal, QString());
}

Result<ImportedKeyFile> importKeyFile(const QString& sourcePath, KeyFileKind kind,
                                      const QString& keyDir, const QString& baseName) {
    Result<SecretBytes> source = readSource(sourcePath);
    if (!source)
        return source.error();
    Result<QString> description = checkKeyText(source->view(), kind);
    if (!description) {
        return Error{description.error().code,
                     QCoreApplication::translate("qpos::KeyImport", "%1: %2")
                         .arg(QDir::toNativeSeparators(sourcePath), description.error().message)};
    }

    SecretBytes stored(kind == KeyFileKind::ApiV3Key ? trimmedApiV3Key(source->view())
                                                     : source->view().toByteArray());
    const QByteArray digest =
        QCryptographicHash::hash(stored.view(), QCryptographicHash::Sha256).toHex().left(8);
    const QString fileName =
        baseName + QLatin1Char('-') + QString::fromLatin1(digest) + suffixOf(kind);

    if (Status dir = prepareKeyDir(keyDir); !dir)
        return dir.error();
    const QString target = QDir(keyDir).absoluteFilePath(fileName);
    if (Status written = writePrivateFile(target, stored.view()); !written)
        return written.error();

    ImportedKeyFile imported;
    imported.path = target;
    imported.description = *description;
    const bool secret = kind == KeyFileKind::RsaPrivateKey || kind == KeyFileKind::ApiV3Key;
    const QFile::Permissions others = QFile::ReadGroup | QFile::ReadOther;
    imported.sourceReadableByOthers = secret && (QFileInfo(sourcePath).permissions() & others);
    return imported;
}

} // namespace qpos::crypto
