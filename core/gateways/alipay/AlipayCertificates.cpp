#include "core/gateways/alipay/AlipayCertificates.h"

#include "core/crypto/AlipayCertSn.h"
#include "core/crypto/CertificateChain.h"
#include "core/logging/LogCategories.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSaveFile>

namespace qpos::alipay {

namespace {

constexpr qsizetype kMaxCertificateBytes = 64 * 1024;

const QRegularExpression& renewedFileName() {
    static const QRegularExpression pattern(
        QStringLiteral("^alipayCertPublicKey_([0-9a-f]{32})\\.crt$"));
    return pattern;
}

Error refused(QString why) {
    if (why.endsWith(QLatin1Char('.')))
        why.chop(1);
    return Error{QStringLiteral("alipay.cert_download_refused"),
                 QCoreApplication::translate("qpos::alipay::AlipayCertificates",
                                             "The certificate Alipay sent was not accepted: %1.")
                     .arg(why)};
}

} // namespace

QString AlipayCertificates::fileNameFor(const QString& certSn) {
    return QStringLiteral("alipayCertPublicKey_%1.crt").arg(certSn);
}

Result<AlipayCertificates>
AlipayCertificates::load(const QList<crypto::X509Certificate>& configuredChain,
                         const QList<crypto::X509Certificate>& roots, const QString& folder) {
    AlipayCertificates certificates;
    if (configuredChain.isEmpty() || roots.isEmpty())
        return Error{QStringLiteral("alipay.settings_invalid"),
                     QCoreApplication::translate("qpos::alipay::AlipayCertificates",
                                                 "Certificate mode needs the Alipay and Alipay "
                                                 "root certificates. Check [alipay] "
                                                 "alipay_cert and alipay_root_cert.")};
    Result<crypto::RsaPublicKey> key = configuredChain.constFirst().publicKey();
    if (!key)
        return key.error();
    certificates.m_configuredKey = *key;
    certificates.m_configuredSn = crypto::alipayCertSn(configuredChain.constFirst());
    certificates.m_roots = roots;
    certificates.m_folder = folder;

    const QDir dir(folder);
    const QStringList names =
        dir.entryList({QStringLiteral("alipayCertPublicKey_*.crt")}, QDir::Files, QDir::Name);
    for (const QString& name : names) {
        const QRegularExpressionMatch match = renewedFileName().match(name);
        if (!match.hasMatch())
            continue;
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxCertificateBytes) {
            qCWarning(lcAlipay).noquote() << QStringLiteral("renewed certificate %1 skipped: "
                                                            "not readable")
                                                 .arg(name);
            continue;
        }
        Result<RenewedAlipayCertificate> renewed = certificates.check(
            file.readAll().toBase64(), match.captured(1), QDateTime::currentDateTimeUtc());
        if (!renewed) {
            qCWarning(lcAlipay).noquote() << QStringLiteral("renewed certificate %1 skipped: %2")
                                                 .arg(name, renewed.error().message);
            continue;
        }
        certificates.m_renewed.insert(renewed->certSn, *renewed);
    }
    return certificates;
}

AlipayCertificates AlipayCertificates::fixed(const QString& certSn,
                                             const crypto::RsaPublicKey& key) {
    AlipayCertificates certificates;
    certificates.m_configuredSn = certSn;
    certificates.m_configuredKey = key;
    return certificates;
}

QStringList AlipayCertificates::knownSns() const {
    QStringList sns{m_configuredSn};
    QStringList renewedSns = m_renewed.keys();
    renewedSns.sort();
    sns += renewedSns;
    return sns;
}

std::optional<crypto::RsaPublicKey> AlipayCertificates::keyFor(const QString& certSn) const {
    if (certSn.isEmpty())
        return std::nullopt;
    if (certSn == m_configuredSn)
        return m_configuredKey;
    const auto found = m_renewed.constFind(certSn);
    if (found == m_renewed.constEnd())
        return std::nullopt;
    return found->publicKey;
}

Result<RenewedAlipayCertificate> AlipayCertificates::check(QByteArrayView certContent,
                                                           const QString& askedSn,
                                                           const QDateTime& at) const {
    if (certContent.isEmpty() || certContent.size() > kMaxCertificateBytes)
        return refused(QCoreApplication::translate("qpos::alipay::AlipayCertificates",
                                                   "the answer holds no certificate"));
    const QByteArray::FromBase64Result pem = QByteArray::fromBase64Encoding(
        certContent.toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
    if (!pem)
        return refused(QCoreApplication::translate("qpos::alipay::AlipayCertificates",
                                                   "the certificate is not valid base64"));
    Result<QList<crypto::X509Certificate>> chain = crypto::X509Certificate::chainFromPem(*pem);
    if (!chain)
        return refused(chain.error().message);
    const crypto::X509Certificate& leaf = chain->constFirst();
    const QString sn = crypto::alipayCertSn(leaf);
    if (sn != askedSn)
        return refused(QCoreApplication::translate("qpos::alipay::AlipayCertificates",
                                                   "it is not the certificate that was asked "
                                                   "for (SN %1 instead of %2)")
                           .arg(sn, askedSn));
    if (Status trusted = crypto::verifyCertificateChain(leaf, chain->mid(1), m_roots, at); !trusted)
        return refused(trusted.error().message);
    Result<crypto::RsaPublicKey> key = leaf.publicKey();
    if (!key)
        return refused(key.error().message);
    return RenewedAlipayCertificate{sn, *chain, *key};
}

Status AlipayCertificates::adopt(const RenewedAlipayCertificate& certificate) {
    m_renewed.insert(certificate.certSn, certificate);
    QByteArray pem;
    for (const crypto::X509Certificate& link : certificate.chain)
        pem += link.toPem();
    QSaveFile file(QDir(m_folder).filePath(fileNameFor(certificate.certSn)));
    if (!file.open(QIODevice::WriteOnly) || file.write(pem) != pem.size() || !file.commit())
        return Error{QStringLiteral("alipay.cert_not_saved"),
                     QCoreApplication::translate("qpos::alipay::AlipayCertificates",
                                                 "Alipay's renewed certificate is used but could "
                                                 "not be saved in %1 (%2); it will be "
                                                 "downloaded again after a restart. Let the "
                                                 "till's user write to that folder.")
                         .arg(QDir::toNativeSeparators(m_folder), file.errorString())};
    return Status::success();
}

} // namespace qpos::alipay
