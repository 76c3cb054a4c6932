#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPublicKey.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QString>

#include <memory>

namespace qpos::crypto {

// An X.509 certificate: Alipay's app / Alipay / root certificates (certificate mode) and
// WeChat Pay's merchant and platform certificates. Immutable, cheap to copy, thread-safe.
// Certificates are public: loading them needs no permission checks.
class X509Certificate {
public:
    // A null certificate; accessors return empty values.
    X509Certificate();

    // The first certificate of a PEM text ("BEGIN CERTIFICATE"); other blocks are ignored.
    static Result<X509Certificate> fromPem(QByteArrayView pem);
    // Every certificate of a PEM text, in file order (a chain, or Alipay's root bundle).
    // Fails when a block is damaged or when there is no certificate at all.
    static Result<QList<X509Certificate>> chainFromPem(QByteArrayView pem);
    static Result<X509Certificate> fromDer(QByteArrayView der);

    bool isNull() const { return m_data == nullptr; }

    // Serial number in decimal (Alipay's certificate SN rule) and in upper-case hex without
    // separators or leading zero bytes, as WeChat Pay's serial_no / Wechatpay-Serial
    // ("5157F09EFDC096DE15EBE81A47057A7232F1B8E1").
    QString serialDecimal() const;
    QString serialHex() const;

    // Issuer and subject names formatted like Java's X500Principal.getName() (RFC 2253): the
    // RDNs in reverse order of the encoding, joined with ",", multi-valued RDNs joined with
    // "+"; keywords CN, C, L, ST, O, OU, STREET, DC, UID and dotted OIDs (with a "#"
    // hex-encoded value) for other attributes; ",=+<>#;\"\\" escaped with a backslash, as
    // are leading and trailing spaces. This is the string Alipay's SDKs hash for
    // app_cert_sn, e.g. "CN=Ant Financial Certification Authority Class 1 R1,OU=Certification
    // Authority,O=Ant Financial,C=CN".
    QString issuerDn() const;
    QString subjectDn() const;

    // Signature algorithm of the certificate: dotted OID ("1.2.840.113549.1.1.11") and
    // OpenSSL's long name ("sha256WithRSAEncryption").
    QString signatureAlgorithmOid() const;
    QString signatureAlgorithmName() const;
    // True for the RSA PKCS#1 family of signature algorithms (OID arc 1.2.840.113549.1.1),
    // which is the filter Alipay's SDKs apply to the root bundle (sha1WithRSA and
    // sha256WithRSA in practice; the ECC/SM2 roots are skipped).
    bool isSignedWithRsa() const;

    QDateTime notBefore() const; // UTC
    QDateTime notAfter() const;  // UTC

    // The certificate's public key (refused unless RSA with at least 2048 bits).
    Result<RsaPublicKey> publicKey() const;

    QByteArray toDer() const;
    QByteArray toPem() const;

    friend bool operator==(const X509Certificate& a, const X509Certificate& b);
    friend bool operator!=(const X509Certificate& a, const X509Certificate& b) { return !(a == b); }

private:
    struct Data;
    explicit X509Certificate(std::shared_ptr<const Data> data);

    std::shared_ptr<const Data> m_data;
};

} // namespace qpos::crypto
