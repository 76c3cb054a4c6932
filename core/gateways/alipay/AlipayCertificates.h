#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/crypto/X509Certificate.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace qpos::alipay {

// A certificate Alipay sent through alipay.open.app.alipaycert.download that passed the
// checks: it chains to the configured root and carries the SN that was asked for.
struct RenewedAlipayCertificate {
    QString certSn;
    QList<crypto::X509Certificate> chain; // the certificate first, then what came with it
    crypto::RsaPublicKey publicKey;
};

// The Alipay public-key certificates the till verifies answers with in certificate mode
// ("公钥证书"), by alipay_cert_sn: the one configured in [alipay] alipay_cert, and those
// Alipay renewed since, downloaded, checked against the Alipay root certificate and kept as
// "alipayCertPublicKey_<sn>.crt" in the folder of the configured one, so a restart keeps
// them. Used on one thread (the client's).
class AlipayCertificates {
public:
    // The file name a renewed certificate is kept under.
    static QString fileNameFor(const QString& certSn);

    // The configured certificate (first of `configuredChain`), the root bundle and the folder
    // of renewed certificates. Renewed certificates found there are checked again (chain,
    // validity, SN in the name); one that fails is skipped with a warning.
    static Result<AlipayCertificates> load(const QList<crypto::X509Certificate>& configuredChain,
                                           const QList<crypto::X509Certificate>& roots,
                                           const QString& folder);

    // Only `key` under `certSn`, with no root to check renewals against: every renewed
    // certificate is refused (settings built without files).
    static AlipayCertificates fixed(const QString& certSn, const crypto::RsaPublicKey& key);

    QString configuredSn() const { return m_configuredSn; }
    // Every SN the till can verify with: the configured one first, then the renewed ones.
    QStringList knownSns() const;
    std::optional<crypto::RsaPublicKey> keyFor(const QString& certSn) const;
    // The renewed certificates, for the doctor command.
    QList<RenewedAlipayCertificate> renewed() const { return m_renewed.values(); }

    // Checks what the download answered (alipay_cert_content: base64 of the PEM text) for the
    // certificate `askedSn`: it must decode, carry exactly that SN, and chain to the root at
    // `at`. Nothing is kept.
    Result<RenewedAlipayCertificate> check(QByteArrayView certContent, const QString& askedSn,
                                           const QDateTime& at) const;

    // Trusts a checked certificate from now on and writes it to the folder. It is trusted
    // for this run even when the file cannot be written (the error says why).
    Status adopt(const RenewedAlipayCertificate& certificate);

private:
    QString m_configuredSn;
    crypto::RsaPublicKey m_configuredKey;
    QList<crypto::X509Certificate> m_roots;
    QString m_folder;
    QHash<QString, RenewedAlipayCertificate> m_renewed;
};

} // namespace qpos::alipay
