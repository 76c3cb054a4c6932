#include "sandbox/support/KeyFile.h"

#include "core/logging/LogCategories.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace qpos::sandbox {

namespace {

Error keyError(const QString& code, const QString& message) {
    return Error{code, message};
}

Status writeFile(const QString& path, const QByteArray& data, QFileDevice::Permissions perms) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(perms) ||
        file.write(data) != data.size() || !file.commit())
        return keyError(QStringLiteral("sandbox.key_write"),
                        QCoreApplication::translate("qpos::sandbox::KeyFile",
                                                    "Cannot write the key file %1: %2.")
                            .arg(QDir::toNativeSeparators(path), file.errorString()));
    return Status::success();
}

} // namespace

Result<crypto::RsaPrivateKey> loadOrCreateKey(const QString& dir, const QString& name) {
    if (dir.isEmpty())
        return crypto::RsaPrivateKey::generate();
    const QString privatePath = QDir(dir).filePath(name + QStringLiteral("_private_key.pem"));
    const QString publicPath = QDir(dir).filePath(name + QStringLiteral("_public_key.pem"));
    if (QFileInfo::exists(privatePath)) {
        const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                                QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                                QFileDevice::WriteOther | QFileDevice::ExeOther;
        if (QFile::permissions(privatePath) & others)
            return keyError(
                QStringLiteral("sandbox.key_permissions"),
                QCoreApplication::translate("qpos::sandbox::KeyFile",
                                            "The key file %1 can be read by other users. Run "
                                            "\"chmod 600 %1\" and start again.")
                    .arg(QDir::toNativeSeparators(privatePath)));
        QFile file(privatePath);
        if (!file.open(QIODevice::ReadOnly))
            return keyError(QStringLiteral("sandbox.key_read"),
                            QCoreApplication::translate("qpos::sandbox::KeyFile",
                                                        "Cannot read the key file %1: %2.")
                                .arg(QDir::toNativeSeparators(privatePath), file.errorString()));
        Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::fromText(file.readAll());
        if (!key)
            return keyError(key.error().code,
                            QCoreApplication::translate("qpos::sandbox::KeyFile",
                                                        "The key file %1 is not usable: %2")
                                .arg(QDir::toNativeSeparators(privatePath), key.error().message));
        // Keep the public half next to it current, for whoever configures a client.
        if (!QFileInfo::exists(publicPath))
            (void)writeFile(publicPath, key->publicKey().toPem(),
                            QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                QFileDevice::ReadGroup | QFileDevice::ReadOther);
        return key;
    }
    if (!QDir().mkpath(dir) ||
        !QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                        QFileDevice::ExeOwner))
        return keyError(QStringLiteral("sandbox.key_dir"),
                        QCoreApplication::translate("qpos::sandbox::KeyFile",
                                                    "Cannot create the key directory %1.")
                            .arg(QDir::toNativeSeparators(dir)));
    Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::generate();
    if (!key)
        return key;
    if (Status s = writeFile(privatePath, key->toPkcs8Pem(),
                             QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        !s)
        return s.error();
    if (Status s = writeFile(publicPath, key->publicKey().toPem(),
                             QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                 QFileDevice::ReadGroup | QFileDevice::ReadOther);
        !s)
        return s.error();
    qCInfo(lcSandbox).noquote() << "made a new" << name << "key in"
                                << QDir::toNativeSeparators(dir);
    return key;
}

Result<crypto::RsaPublicKey> readPublicKeyFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return keyError(QStringLiteral("sandbox.key_read"),
                        QCoreApplication::translate("qpos::sandbox::KeyFile",
                                                    "Cannot read the key file %1: %2.")
                            .arg(QDir::toNativeSeparators(path), file.errorString()));
    Result<crypto::RsaPublicKey> key = crypto::RsaPublicKey::fromText(file.readAll());
    if (!key)
        return keyError(key.error().code,
                        QCoreApplication::translate("qpos::sandbox::KeyFile",
                                                    "The key file %1 is not usable: %2")
                            .arg(QDir::toNativeSeparators(path), key.error().message));
    return key;
}

} // namespace qpos::sandbox
