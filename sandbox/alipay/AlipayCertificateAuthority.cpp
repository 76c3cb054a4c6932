#include "sandbox/alipay/AlipayCertificateAuthority.h"

#include "core/crypto/AlipayCertSn.h"
#include "core/crypto/CertificateIssuer.h"

#include <QDateTime>

namespace qpos::sandbox {

namespace {

constexpr qint64 kDayMs = 24LL * 3600 * 1000;

QDateTime at(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

crypto::CertificateSubject rootSubject(bool foreign) {
    return crypto::CertificateSubject{foreign ? QStringLiteral("Forged Root R1")
                                              : QStringLiteral("qpos Sandbox Alipay Root R1"),
                                      QStringLiteral("Certification Authority"),
                                      QStringLiteral("qpos Sandbox"), QStringLiteral("CN")};
}

} // namespace

Result<AlipayCertificateAuthority>
AlipayCertificateAuthority::create(const crypto::RsaPrivateKey& currentKey, qint64 nowMs) {
    AlipayCertificateAuthority authority;
    Result<crypto::RsaPrivateKey> rootKey = crypto::RsaPrivateKey::generate();
    if (!rootKey)
        return rootKey.error();
    authority.m_rootKey = *rootKey;
    Result<crypto::X509Certificate> root =
        crypto::issueCertificate(rootKey->publicKey(), rootSubject(false),
                                 crypto::CertificateTerms{QStringLiteral("01"), at(nowMs - kDayMs),
                                                          at(nowMs + 3650 * kDayMs), true},
                                 crypto::X509Certificate(), *rootKey);
    if (!root)
        return root.error();
    authority.m_root = *root;
    Result<crypto::X509Certificate> first =
        authority.issue(currentKey, nowMs, authority.m_root, authority.m_rootKey);
    if (!first)
        return first.error();
    authority.m_current = *first;
    authority.m_currentKey = currentKey;
    authority.m_currentSn = crypto::alipayCertSn(*first);
    authority.m_issued.insert(authority.m_currentSn, *first);
    return authority;
}

Result<crypto::X509Certificate>
AlipayCertificateAuthority::issue(const crypto::RsaPrivateKey& key, qint64 nowMs,
                                  const crypto::X509Certificate& issuer,
                                  const crypto::RsaPrivateKey& issuerKey) {
    ++m_serial;
    // Distinct serials per issue, as Alipay's renewals carry new ones.
    const QString serial = QStringLiteral("%1%2")
                               .arg(QDateTime::currentMSecsSinceEpoch(), 0, 16)
                               .arg(m_serial, 4, 16, QLatin1Char('0'));
    return crypto::issueCertificate(
        key.publicKey(),
        crypto::CertificateSubject{QStringLiteral("支付宝(中国)网络技术有限公司-沙箱"),
                                   QStringLiteral("Alipay"), QStringLiteral("qpos Sandbox"),
                                   QStringLiteral("CN")},
        crypto::CertificateTerms{serial, at(nowMs - kDayMs), at(nowMs + 365 * kDayMs), false},
        issuer, issuerKey);
}

std::optional<crypto::X509Certificate>
AlipayCertificateAuthority::certificate(const QString& certSn) const {
    const auto found = m_issued.constFind(certSn);
    if (found == m_issued.constEnd())
        return std::nullopt;
    return *found;
}

Result<QString> AlipayCertificateAuthority::rotate(qint64 nowMs, bool foreignIssuer) {
    Result<crypto::RsaPrivateKey> key = crypto::RsaPrivateKey::generate();
    if (!key)
        return key.error();
    Result<crypto::X509Certificate> issued = Error{};
    if (foreignIssuer) {
        Result<crypto::RsaPrivateKey> forgerKey = crypto::RsaPrivateKey::generate();
        if (!forgerKey)
            return forgerKey.error();
        Result<crypto::X509Certificate> forgedRoot = crypto::issueCertificate(
            forgerKey->publicKey(), rootSubject(true),
            crypto::CertificateTerms{QStringLiteral("01"), at(nowMs - kDayMs),
                                     at(nowMs + 3650 * kDayMs), true},
            crypto::X509Certificate(), *forgerKey);
        if (!forgedRoot)
            return forgedRoot.error();
        issued = issue(*key, nowMs, *forgedRoot, *forgerKey);
    } else {
        issued = issue(*key, nowMs, m_root, m_rootKey);
    }
    if (!issued)
        return issued.error();
    m_current = *issued;
    m_currentKey = *key;
    m_currentSn = crypto::alipayCertSn(*issued);
    m_issued.insert(m_currentSn, *issued);
    return m_currentSn;
}

} // namespace qpos::sandbox
