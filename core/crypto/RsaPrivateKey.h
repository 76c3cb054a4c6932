#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPublicKey.h"

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace qpos::crypto {

namespace detail {
class RsaKeyState;
struct RsaKeyAccess;
} // namespace detail

// An RSA private key (at least 2048 bits) that signs SHA256withRSA (PKCS#1 v1.5): Alipay's
// RSA2 and WeChat Pay's WECHATPAY2-SHA256-RSA2048. Loaded once and reused: copies share the
// same key, and signing is safe from several threads at once.
//
// Key bytes never appear in error messages, and temporary copies made while loading are
// wiped. Read key files with loadPrivateKeyFile() (KeyFiles.h), which also checks that the
// file is private to the service user.
class RsaPrivateKey {
public:
    // A null key: every operation on it fails. Use one of the loaders.
    RsaPrivateKey();

    // Accepts:
    //  - PEM "RSA PRIVATE KEY" (PKCS#1) and "PRIVATE KEY" (PKCS#8, unencrypted);
    //  - bare base64 of PKCS#8 DER (what Alipay's key tool produces) or of PKCS#1 DER,
    //    with any whitespace and line breaks.
    // Refuses encrypted keys, public keys, non-RSA keys and keys under 2048 bits.
    static Result<RsaPrivateKey> fromText(QByteArrayView text);
    static Result<RsaPrivateKey> fromPem(QByteArrayView pem);
    static Result<RsaPrivateKey> fromBase64(QByteArrayView base64);
    // DER: PKCS#8 PrivateKeyInfo or PKCS#1 RSAPrivateKey.
    static Result<RsaPrivateKey> fromDer(QByteArrayView der);

    // A fresh key (for the sandbox and for tests); `bits` at least 2048.
    static Result<RsaPrivateKey> generate(int bits = 2048);

    bool isNull() const { return m_state == nullptr; }
    int bits() const;

    // The matching public key (computed once when the key is loaded).
    const RsaPublicKey& publicKey() const { return m_public; }

    // SHA256withRSA (PKCS#1 v1.5) over `message`: the raw signature bytes (256 bytes for a
    // 2048-bit key), or the same in standard base64 as the providers expect.
    Result<QByteArray> sign(QByteArrayView message) const;
    Result<QByteArray> signBase64(QByteArrayView message) const;

    // Unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"). Secret material: only for writing a
    // generated key to a file that is then made private (the sandbox's own keys, tests).
    QByteArray toPkcs8Pem() const;

private:
    friend struct detail::RsaKeyAccess;
    RsaPrivateKey(std::shared_ptr<const detail::RsaKeyState> state, RsaPublicKey publicKey);

    std::shared_ptr<const detail::RsaKeyState> m_state;
    RsaPublicKey m_public;
};

} // namespace qpos::crypto
