#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/X509Certificate.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <optional>

namespace qpos::sandbox {

// The simulated Alipay's certificate mode (公钥证书): a root certificate, the Alipay
// public-key certificates issued under it (by alipay_cert_sn, every one ever issued, as the
// download method serves old ones too) and the one Alipay signs with now. Alipay renews its
// certificate now and then; rotate() does so on demand, with a new key pair, so an answer
// under the new certificate cannot be verified with the old one.
class AlipayCertificateAuthority {
public:
    // A root and a first certificate for `currentKey`, valid around `nowMs`.
    static Result<AlipayCertificateAuthority> create(const crypto::RsaPrivateKey& currentKey,
                                                     qint64 nowMs);

    const crypto::X509Certificate& root() const { return m_root; }
    const crypto::X509Certificate& current() const { return m_current; }
    QString currentSn() const { return m_currentSn; }
    const crypto::RsaPrivateKey& currentKey() const { return m_currentKey; }

    // A certificate issued so far, by its SN.
    std::optional<crypto::X509Certificate> certificate(const QString& certSn) const;

    // Issues a certificate for a new key and signs with it from now on; returns its SN. With
    // `foreignIssuer` it is issued by a root nobody was given (a forged renewal, for tests).
    Result<QString> rotate(qint64 nowMs, bool foreignIssuer = false);

private:
    Result<crypto::X509Certificate> issue(const crypto::RsaPrivateKey& key, qint64 nowMs,
                                          const crypto::X509Certificate& issuer,
                                          const crypto::RsaPrivateKey& issuerKey);

    crypto::RsaPrivateKey m_rootKey;
    crypto::X509Certificate m_root;
    crypto::X509Certificate m_current;
    QString m_currentSn;
    crypto::RsaPrivateKey m_currentKey;
    QHash<QString, crypto::X509Certificate> m_issued;
    int m_serial = 0;
};

} // namespace qpos::sandbox
