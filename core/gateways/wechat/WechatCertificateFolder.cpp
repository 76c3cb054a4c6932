#include "core/gateways/wechat/WechatCertificateFolder.h"

#include "core/crypto/KeyFiles.h"
#include "core/logging/LogCategories.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSaveFile>

#include <utility>

namespace qpos::wechat {

namespace {

const QString kSuffix = QStringLiteral(".pem");

} // namespace

QString WechatCertificateFolder::besideConfigured(const QString& platformCertificatePath) {
    return QFileInfo(platformCertificatePath)
        .absoluteDir()
        .filePath(QStringLiteral("wechatpay_platform_certificates"));
}

WechatCertificateFolder::WechatCertificateFolder(QString path)
    : m_path(std::move(path)) {}

QList<crypto::X509Certificate> WechatCertificateFolder::loadValid(qint64 nowMs) const {
    QList<crypto::X509Certificate> out;
    const QDir dir(m_path);
    if (!dir.exists())
        return out;
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC);
    const QStringList names =
        dir.entryList(QStringList{QStringLiteral("*") + kSuffix}, QDir::Files, QDir::Name);
    for (const QString& name : names) {
        const QString path = dir.filePath(name);
        Result<QList<crypto::X509Certificate>> chain = crypto::loadCertificateFile(path);
        if (!chain) {
            qCWarning(lcWechat).noquote()
                << QStringLiteral("platform certificate %1 skipped: %2")
                       .arg(QDir::toNativeSeparators(path), chain.error().message);
            continue;
        }
        const crypto::X509Certificate& certificate = chain->constFirst();
        const QString serial = certificate.serialHex().toUpper();
        if (name.chopped(kSuffix.size()).compare(serial, Qt::CaseInsensitive) != 0) {
            qCWarning(lcWechat).noquote()
                << QStringLiteral("platform certificate %1 skipped: it holds serial %2")
                       .arg(QDir::toNativeSeparators(path), serial);
            continue;
        }
        if (certificate.notBefore() > now || certificate.notAfter() < now) {
            qCInfo(lcWechat).noquote()
                << QStringLiteral("platform certificate %1 not used: valid %2 to %3")
                       .arg(serial, certificate.notBefore().toString(Qt::ISODate),
                            certificate.notAfter().toString(Qt::ISODate));
            continue;
        }
        out.append(certificate);
    }
    return out;
}

qint64 WechatCertificateFolder::lastWrittenMs() const {
    const QFileInfoList files =
        QDir(m_path).entryInfoList(QStringList{QStringLiteral("*") + kSuffix}, QDir::Files);
    qint64 newest = 0;
    for (const QFileInfo& file : files)
        newest = qMax(newest, file.lastModified().toMSecsSinceEpoch());
    return newest;
}

Status WechatCertificateFolder::save(const crypto::X509Certificate& certificate) const {
    auto failed = [this](const QString& why) {
        return Error{QStringLiteral("wechat.certificate_not_saved"),
                     QCoreApplication::translate(
                         "qpos::wechat",
                         "The downloaded WeChat Pay platform certificate could not be kept in "
                         "%1 (%2). The till uses it until it stops; let the service user write "
                         "to that folder so that it is kept across a restart.")
                         .arg(QDir::toNativeSeparators(m_path), why)};
    };
    if (!QDir().mkpath(m_path))
        return failed(QCoreApplication::translate("qpos::wechat", "the folder cannot be made"));
    QSaveFile file(QDir(m_path).filePath(certificate.serialHex().toUpper() + kSuffix));
    if (!file.open(QIODevice::WriteOnly))
        return failed(file.errorString());
    const QByteArray pem = certificate.toPem();
    if (file.write(pem) != pem.size())
        return failed(file.errorString());
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                        QFileDevice::ReadOther);
    if (!file.commit())
        return failed(file.errorString());
    return Status::success();
}

} // namespace qpos::wechat
