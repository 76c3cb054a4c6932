#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace qpos::crypto {

namespace detail {
class RsaKeyState;
struct RsaKeyAccess;
} // namespace detail

// An RSA public key (at least 2048 bits) that verifies SHA256withRSA (PKCS#1 v1.5)
// signatures: the Alipay public key, a WeChat Pay platform key or certificate, an app's own
// public key. Cheap to copy (shared, immutable) and safe to use from several threads.
class RsaPublicKey {
public:
    // A null key: every operation on it fails. Use one of the loaders.
    RsaPublicKey();

    // Accepts any form a provider or an operator hands over:
    //  - PEM "PUBLIC KEY" (SubjectPublicKeyInfo), "RSA PUBLIC KEY" (PKCS#1) or "CERTIFICATE"
    //    (the certificate's key; the first one of a chain);
    //  - bare base64 of the same DER structures, as Alipay's console shows the key;
    //    whitespace and line breaks are ignored.
    // Refuses private keys, non-RSA keys and keys under 2048 bits with a message that names
    // the problem (and never quotes the input).
    static Result<RsaPublicKey> fromText(QByteArrayView text);
    static Result<RsaPublicKey> fromPem(QByteArrayView pem);
    static Result<RsaPublicKey> fromBase64(QByteArrayView base64);
    // DER: SubjectPublicKeyInfo, PKCS#1 RSAPublicKey or an X.509 certificate.
    static Result<RsaPublicKey> fromDer(QByteArrayView der);

    bool isNull() const { return m_state == nullptr; }
    int bits() const;

    // SubjectPublicKeyInfo: DER, PEM ("BEGIN PUBLIC KEY") and bare base64 (Alipay's form).
    QByteArray toDer() const;
    QByteArray toPem() const;
    QByteArray toBase64() const;
    // The modulus as unsigned big-endian bytes.
    QByteArray modulus() const;

    // Verifies a SHA256withRSA (PKCS#1 v1.5) signature over `message`. Success only when the
    // signature is valid; otherwise an error with code "crypto.signature_mismatch" (valid
    // form, wrong signature), "crypto.signature_malformed" (not a signature of this key's
    // size, bad base64) or another "crypto.*" code. Never throws, never crashes on input.
    Status verify(QByteArrayView message, QByteArrayView signature) const;
    // The same with the signature in standard base64, as Alipay and WeChat Pay send it.
    Status verifyBase64(QByteArrayView message, QByteArrayView signatureBase64) const;

    // Same key (same SubjectPublicKeyInfo).
    friend bool operator==(const RsaPublicKey& a, const RsaPublicKey& b);
    friend bool operator!=(const RsaPublicKey& a, const RsaPublicKey& b) { return !(a == b); }

private:
    friend struct detail::RsaKeyAccess;
    explicit RsaPublicKey(std::shared_ptr<const detail::RsaKeyState> state);

    std::shared_ptr<const detail::RsaKeyState> m_state;
};

} // namespace qpos::crypto
