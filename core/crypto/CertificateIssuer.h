#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/crypto/X509Certificate.h"

#include <QDateTime>
#include <QString>

namespace qpos::crypto {

// What a certificate says about its holder.
struct CertificateSubject {
    QString commonName;
    QString organizationalUnit; // empty: left out
    QString organization;       // empty: left out
    QString country;            // two letters; empty: left out
};

struct CertificateTerms {
    QString serialHex; // the serial number, hex digits
    QDateTime notBefore;
    QDateTime notAfter;
    bool authority = false; // may issue certificates (basicConstraints CA:TRUE)
};

// Issues an X.509 v3 certificate for `subjectKey`, signed SHA256withRSA with `issuerKey` on
// behalf of `issuer` (a null issuer: self-signed, the subject is its own issuer). Providers
// issue certificates; the till never does: this serves the sandbox, which plays them.
Result<X509Certificate> issueCertificate(const RsaPublicKey& subjectKey,
                                         const CertificateSubject& subject,
                                         const CertificateTerms& terms,
                                         const X509Certificate& issuer,
                                         const RsaPrivateKey& issuerKey);

} // namespace qpos::crypto
