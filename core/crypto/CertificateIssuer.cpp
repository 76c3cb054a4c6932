#include "core/crypto/CertificateIssuer.h"

#include "core/crypto/OpenSslSupport.h"
#include "core/crypto/RsaKeyState.h"

#include <QCoreApplication>

#include <openssl/bn.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace qpos::crypto {

using namespace detail;

namespace {

using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;

bool addEntry(X509_NAME* name, const char* field, const QString& value) {
    if (value.isEmpty())
        return true;
    const QByteArray utf8 = value.toUtf8();
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(utf8.constData()),
                                      static_cast<int>(utf8.size()), -1, 0) == 1;
}

bool addExtension(X509* certificate, X509* issuer, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

bool setTime(ASN1_TIME* field, const QDateTime& when) {
    return ASN1_TIME_set(field, static_cast<time_t>(when.toSecsSinceEpoch())) != nullptr;
}

} // namespace

Result<X509Certificate> issueCertificate(const RsaPublicKey& subjectKey,
                                         const CertificateSubject& subject,
                                         const CertificateTerms& terms,
                                         const X509Certificate& issuer,
                                         const RsaPrivateKey& issuerKey) {
    OpenSslErrorScope errors;
    const auto failed = [] {
        return openSslError(code::internal, QCoreApplication::translate(
                                                "qpos::crypto", "The certificate was not issued."));
    };
    EVP_PKEY* publicKey = RsaKeyAccess::pkey(subjectKey);
    EVP_PKEY* signingKey = RsaKeyAccess::pkey(issuerKey);
    X509Ptr certificate(X509_new());
    if (publicKey == nullptr || signingKey == nullptr || !certificate)
        return failed();
    X509Ptr issuerCertificate;
    if (!issuer.isNull()) {
        const QByteArray der = issuer.toDer();
        const auto* bytes = reinterpret_cast<const unsigned char*>(der.constData());
        issuerCertificate.reset(d2i_X509(nullptr, &bytes, der.size()));
        if (!issuerCertificate)
            return failed();
    }
    X509* self = certificate.get();
    BIGNUM* serial = nullptr;
    const QByteArray serialHex = terms.serialHex.toLatin1();
    if (BN_hex2bn(&serial, serialHex.constData()) <= 0)
        return failed();
    BignumPtr ownedSerial(serial);
    X509_NAME* name = X509_get_subject_name(self);
    const bool filled =
        X509_set_version(self, 2) == 1 &&
        BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(self)) != nullptr &&
        setTime(X509_getm_notBefore(self), terms.notBefore) &&
        setTime(X509_getm_notAfter(self), terms.notAfter) &&
        X509_set_pubkey(self, publicKey) == 1 && addEntry(name, "C", subject.country) &&
        addEntry(name, "O", subject.organization) &&
        addEntry(name, "OU", subject.organizationalUnit) &&
        addEntry(name, "CN", subject.commonName) &&
        X509_set_issuer_name(
            self, issuerCertificate ? X509_get_subject_name(issuerCertificate.get()) : name) == 1;
    X509* signer = issuerCertificate ? issuerCertificate.get() : self;
    const bool extended =
        filled &&
        addExtension(self, signer, NID_basic_constraints,
                     terms.authority ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
        addExtension(self, signer, NID_key_usage,
                     terms.authority ? "critical,keyCertSign,cRLSign"
                                     : "critical,digitalSignature") &&
        addExtension(self, signer, NID_subject_key_identifier, "hash") &&
        addExtension(self, signer, NID_authority_key_identifier, "keyid:always");
    if (!extended || X509_sign(self, signingKey, sha256()) <= 0)
        return failed();
    unsigned char* raw = nullptr;
    const int length = i2d_X509(self, &raw);
    OpenSslBytesPtr owned(raw);
    if (length <= 0)
        return failed();
    return X509Certificate::fromDer(
        QByteArrayView(reinterpret_cast<const char*>(raw), static_cast<qsizetype>(length)));
}

} // namespace qpos::crypto
