#pragma once

#include "core/common/Result.h"
#include "core/crypto/X509Certificate.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace qpos::crypto {

// Alipay certificate mode ("公钥证书"): the SN values sent as app_cert_sn and
// alipay_root_cert_sn, and received as alipay_cert_sn.
//
// The rule is the one of Alipay's reference Java SDK (AlipaySignature.getCertSN):
//   lower-case hex MD5 of UTF-8( issuerDn + serialDecimal )
// where issuerDn is Java's X500Principal.getName() (see X509Certificate::issuerDn(), e.g.
// "CN=Ant Financial Certification Authority Class 1 R1,OU=Certification Authority,
// O=Ant Financial,C=CN") and serialDecimal the serial number in decimal. Note that this is
// not the certificate's own serial number.

// SN of one certificate: app_cert_sn for the app certificate, alipay_cert_sn for Alipay's
// public-key certificate. Empty for a null certificate.
QString alipayCertSn(const X509Certificate& certificate);

// app_cert_sn: the SN of the app's public-key certificate (appCertPublicKey_<appid>.crt).
inline QString appCertSn(const X509Certificate& appCertificate) {
    return alipayCertSn(appCertificate);
}

// alipay_root_cert_sn: the SNs of every certificate of Alipay's root bundle
// (alipayRootCert.crt) whose signature algorithm is RSA (OID arc 1.2.840.113549.1.1, as the
// Java SDK filters: sha256WithRSA and sha1WithRSA in the real bundle), in file order, joined
// with "_". The ECC / SM2 roots in the bundle are skipped. Fails when none is RSA-signed.
Result<QString> alipayRootCertSn(const QList<X509Certificate>& rootChain);
// The same from the bundle's PEM text.
Result<QString> alipayRootCertSnFromPem(QByteArrayView pem);

} // namespace qpos::crypto
