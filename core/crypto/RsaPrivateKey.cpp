#include "core/crypto/RsaPrivateKey.h"

#include <QCoreApplication>

#include "core/crypto/OpenSslSupport.h"
#include "core/crypto/RsaKeyState.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

namespace qpos::crypto {

using namespace detail;

namespace {

QString privateKeyName() {
    return QCoreApplication::translate("qpos::crypto", "The private key");
}

Error nullKeyError() {
    return makeError(
        code::keyNull,
        QCoreApplication::translate(
            "qpos::crypto", "No private key is loaded. Configure the merchant private key first."));
}

Error encryptedKeyError() {
    return makeError(code::keyEncrypted,
                     QCoreApplication::translate(
                         "qpos::crypto",
                         "The private key is protected by a passphrase, which a till cannot "
                         "type in. Store it unencrypted in a file readable only by the service "
                         "user, for example: openssl pkey -in encrypted.pem -out key.pem && "
                         "chmod 600 key.pem"));
}

Error publicKeyGivenError() {
    return makeError(code::keyWrongKind,
                     QCoreApplication::translate(
                         "qpos::crypto",
                         "A public key or certificate was given where the private key is "
                         "expected. Configure the merchant's private key (the one used to "
                         "generate the public key registered with the provider)."));
}

Error damagedKeyError() {
    return openSslError(code::keyInvalid,
                        QCoreApplication::translate(
                            "qpos::crypto",
                            "The private key could not be decoded: it is damaged, truncated, "
                            "or not a private key. Copy the whole key again."));
}

Error inconsistentKeyError() {
    return openSslError(code::keyInvalid,
                        QCoreApplication::translate(
                            "qpos::crypto",
                            "The private key is damaged: its numbers do not belong together, so "
                            "nothing it signs would verify with its public key. Copy the whole "
                            "key again from the file the key tool made."));
}

Result<RsaPrivateKey> fromPkey(PkeyPtr key) {
    EVP_PKEY* const pkey = key.get();
    auto state = RsaKeyState::create(std::move(key), RsaKeyState::Kind::Private, privateKeyName());
    if (!state)
        return state.error();
    // A key with one changed number still decodes, and would sign what no provider can
    // verify: the modulus, exponents and CRT values must agree before it is used.
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> check(
        EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr), &EVP_PKEY_CTX_free);
    if (!check || EVP_PKEY_check(check.get()) != 1)
        return inconsistentKeyError();
    return RsaKeyAccess::makePrivate(std::move(state).value());
}

bool isPublicDer(QByteArrayView der) {
    PkeyPtr key(decodeWholeDer<EVP_PKEY>(der, d2i_PUBKEY));
    if (!key) {
        X509Ptr certificate(decodeWholeDer<X509>(der, d2i_X509));
        ERR_clear_error();
        return certificate != nullptr;
    }
    return true;
}

} // namespace

RsaPrivateKey::RsaPrivateKey() = default;

RsaPrivateKey::RsaPrivateKey(std::shared_ptr<const RsaKeyState> state, RsaPublicKey publicKey)
    : m_state(std::move(state))
    , m_public(std::move(publicKey)) {}

Result<RsaPrivateKey> RsaPrivateKey::fromText(QByteArrayView text) {
    if (isBlank(text)) {
        return makeError(code::keyEmpty,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The private key is empty. Paste the whole key: the PEM text with "
                             "its BEGIN/END lines, or the base64 text of Alipay's key tool."));
    }
    if (looksLikePem(text))
        return fromPem(text);
    return fromBase64(text);
}

Result<RsaPrivateKey> RsaPrivateKey::fromPem(QByteArrayView pem) {
    OpenSslErrorScope errors;
    auto blocks = readPemBlocks(pem, code::keyInvalid);
    if (!blocks)
        return blocks.error();

    bool sawPublic = false;
    for (const PemBlock& block : *blocks) {
        const std::string& name = block.name;
        if (name == "ENCRYPTED PRIVATE KEY" ||
            (block.encryptedHeader && name.find("PRIVATE KEY") != std::string::npos))
            return encryptedKeyError();
        PkeyPtr key;
        if (name == "PRIVATE KEY") {
            key.reset(decodeWholeDer<EVP_PKEY>(block.der.view(), d2i_AutoPrivateKey));
        } else if (name == "RSA PRIVATE KEY") {
            key.reset(decodeWholeDer<EVP_PKEY>(
                block.der.view(), [](EVP_PKEY** out, const unsigned char** cursor, long length) {
                    return d2i_PrivateKey(EVP_PKEY_RSA, out, cursor, length);
                }));
        } else if (name == "OPENSSH PRIVATE KEY") {
            return makeError(code::keyInvalid,
                             QCoreApplication::translate(
                                 "qpos::crypto",
                                 "The private key is in OpenSSH format. Convert it to PEM, for "
                                 "example with: ssh-keygen -p -m PEM -f KEYFILE"));
        } else if (name.size() > 12 && name.compare(name.size() - 12, 12, " PRIVATE KEY") == 0) {
            // "EC PRIVATE KEY", "DSA PRIVATE KEY": decode to name the type in the message.
            key.reset(decodeWholeDer<EVP_PKEY>(block.der.view(), d2i_AutoPrivateKey));
        } else {
            sawPublic = sawPublic || name == "PUBLIC KEY" || name == "RSA PUBLIC KEY" ||
                        name.find("CERTIFICATE") != std::string::npos;
            continue;
        }
        if (!key)
            return damagedKeyError();
        return fromPkey(std::move(key));
    }
    if (sawPublic)
        return publicKeyGivenError();
    return makeError(code::keyInvalid,
                     QCoreApplication::translate(
                         "qpos::crypto",
                         "No private key was found in the PEM text. Expected a block starting "
                         "with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----."));
}

Result<RsaPrivateKey> RsaPrivateKey::fromBase64(QByteArrayView base64) {
    std::optional<SecretBytes> der = decodeBase64(base64, true);
    if (!der) {
        return makeError(code::keyInvalid,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The private key is neither PEM text nor valid base64. Copy the key "
                             "again exactly as the key tool produced it."));
    }
    return fromDer(der->view());
}

Result<RsaPrivateKey> RsaPrivateKey::fromDer(QByteArrayView der) {
    OpenSslErrorScope errors;
    // d2i_AutoPrivateKey recognises PKCS#8 and the traditional (PKCS#1 for RSA) forms.
    PkeyPtr key(decodeWholeDer<EVP_PKEY>(der, d2i_AutoPrivateKey));
    if (key)
        return fromPkey(std::move(key));
    Error damaged = damagedKeyError();
    if (isPublicDer(der))
        return publicKeyGivenError();
    return damaged;
}

Result<RsaPrivateKey> RsaPrivateKey::generate(int bits) {
    OpenSslErrorScope errors;
    if (bits < kMinimumRsaBits) {
        return makeError(code::keyTooSmall,
                         QCoreApplication::translate(
                             "qpos::crypto", "An RSA key needs at least %1 bits; %2 were asked.")
                             .arg(kMinimumRsaBits)
                             .arg(bits));
    }
    PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
    if (!key)
        return openSslError(code::internal, QCoreApplication::translate(
                                                "qpos::crypto", "Could not generate an RSA key."));
    return fromPkey(std::move(key));
}

int RsaPrivateKey::bits() const {
    return m_state ? m_state->bits() : 0;
}

Result<QByteArray> RsaPrivateKey::sign(QByteArrayView message) const {
    if (!m_state)
        return nullKeyError();
    return m_state->sign(message);
}

Result<QByteArray> RsaPrivateKey::signBase64(QByteArrayView message) const {
    auto signature = sign(message);
    if (!signature)
        return signature.error();
    return signature->toBase64();
}

QByteArray RsaPrivateKey::toPkcs8Pem() const {
    if (!m_state)
        return {};
    OpenSslErrorScope errors;
    BioPtr bio(BIO_new(BIO_s_secmem()));
    if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), m_state->pkey(), nullptr, nullptr, 0,
                                              nullptr, nullptr) <= 0) {
        return {};
    }
    return bioContents(bio.get());
}

namespace detail {

Result<RsaPrivateKey> RsaKeyAccess::makePrivate(std::shared_ptr<const RsaKeyState> state) {
    auto publicKey = publicKeyFromPkey(
        state->pkey(),
        QCoreApplication::translate("qpos::crypto", "The public half of the private key"));
    if (!publicKey)
        return publicKey.error();
    return RsaPrivateKey(std::move(state), std::move(publicKey).value());
}

EVP_PKEY* RsaKeyAccess::pkey(const RsaPrivateKey& key) {
    return key.m_state ? key.m_state->pkey() : nullptr;
}

} // namespace detail

} // namespace qpos::crypto
