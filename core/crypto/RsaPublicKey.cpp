#include "core/crypto/RsaPublicKey.h"

#include <QCoreApplication>

#include "core/crypto/OpenSslSupport.h"
#include "core/crypto/RsaKeyState.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/x509.h>

namespace qpos::crypto {

using namespace detail;

namespace {

QString publicKeyName() {
    return QCoreApplication::translate("qpos::crypto", "The public key");
}

Error nullKeyError() {
    return makeError(code::keyNull,
                     QCoreApplication::translate(
                         "qpos::crypto", "No public key is loaded. Configure the provider's "
                                         "public key or certificate first."));
}

Error privateKeyGivenError() {
    return makeError(code::keyWrongKind,
                     QCoreApplication::translate(
                         "qpos::crypto",
                         "A private key was given where a public key is expected. Configure the "
                         "provider's public key or certificate instead, and keep the private "
                         "key secret."));
}

PkeyPtr publicKeyOfCertificate(QByteArrayView der, bool trusted) {
    X509Ptr certificate(trusted ? decodeWholeDer<X509>(der, d2i_X509_AUX)
                                : decodeWholeDer<X509>(der, d2i_X509));
    if (!certificate)
        return nullptr;
    return PkeyPtr(X509_get_pubkey(certificate.get()));
}

PkeyPtr decodePkcs1Public(QByteArrayView der) {
    return PkeyPtr(decodeWholeDer<EVP_PKEY>(
        der, [](EVP_PKEY** out, const unsigned char** cursor, long length) {
            return d2i_PublicKey(EVP_PKEY_RSA, out, cursor, length);
        }));
}

bool isPrivateKeyDer(QByteArrayView der) {
    PkeyPtr key(decodeWholeDer<EVP_PKEY>(der, d2i_AutoPrivateKey));
    ERR_clear_error();
    return key != nullptr;
}

bool isPrivateKeyBlock(const std::string& name) {
    return name == "PRIVATE KEY" || name == "ENCRYPTED PRIVATE KEY" ||
           (name.size() > 12 && name.compare(name.size() - 12, 12, " PRIVATE KEY") == 0);
}

} // namespace

RsaPublicKey::RsaPublicKey() = default;

RsaPublicKey::RsaPublicKey(std::shared_ptr<const RsaKeyState> state)
    : m_state(std::move(state)) {}

Result<RsaPublicKey> RsaPublicKey::fromText(QByteArrayView text) {
    if (isBlank(text)) {
        return makeError(code::keyEmpty,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The public key is empty. Paste the whole key: the PEM text with "
                             "its BEGIN/END lines, or the base64 text the provider shows."));
    }
    if (looksLikePem(text))
        return fromPem(text);
    return fromBase64(text);
}

Result<RsaPublicKey> RsaPublicKey::fromPem(QByteArrayView pem) {
    OpenSslErrorScope errors;
    auto blocks = readPemBlocks(pem, code::keyInvalid);
    if (!blocks)
        return blocks.error();

    bool sawPrivateKey = false;
    for (const PemBlock& block : *blocks) {
        PkeyPtr key;
        if (block.name == "PUBLIC KEY") {
            key.reset(decodeWholeDer<EVP_PKEY>(block.der.view(), d2i_PUBKEY));
        } else if (block.name == "RSA PUBLIC KEY") {
            key = decodePkcs1Public(block.der.view());
        } else if (block.name == "CERTIFICATE" || block.name == "X509 CERTIFICATE") {
            key = publicKeyOfCertificate(block.der.view(), false);
        } else if (block.name == "TRUSTED CERTIFICATE") {
            key = publicKeyOfCertificate(block.der.view(), true);
        } else {
            sawPrivateKey = sawPrivateKey || isPrivateKeyBlock(block.name);
            continue;
        }
        if (!key) {
            return openSslError(code::keyInvalid,
                                QCoreApplication::translate(
                                    "qpos::crypto",
                                    "The public key's PEM block could not be decoded: it is "
                                    "damaged or truncated. Copy the whole key again."));
        }
        return publicKeyFromPkey(key.get(), publicKeyName());
    }
    if (sawPrivateKey)
        return privateKeyGivenError();
    return makeError(code::keyInvalid,
                     QCoreApplication::translate(
                         "qpos::crypto",
                         "No public key was found in the PEM text. Expected a block starting "
                         "with -----BEGIN PUBLIC KEY-----, -----BEGIN RSA PUBLIC KEY----- or "
                         "-----BEGIN CERTIFICATE-----."));
}

Result<RsaPublicKey> RsaPublicKey::fromBase64(QByteArrayView base64) {
    std::optional<SecretBytes> der = decodeBase64(base64, true);
    if (!der) {
        return makeError(code::keyInvalid,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The public key is neither PEM text nor valid base64. Copy the key "
                             "again exactly as the provider shows it."));
    }
    return fromDer(der->view());
}

Result<RsaPublicKey> RsaPublicKey::fromDer(QByteArrayView der) {
    OpenSslErrorScope errors;
    PkeyPtr key(decodeWholeDer<EVP_PKEY>(der, d2i_PUBKEY));
    if (key)
        return publicKeyFromPkey(key.get(), publicKeyName());
    const QString reasons = takeOpenSslReasons();

    if ((key = decodePkcs1Public(der)))
        return publicKeyFromPkey(key.get(), publicKeyName());
    ERR_clear_error();
    if ((key = publicKeyOfCertificate(der, false)))
        return publicKeyFromPkey(key.get(), publicKeyName());
    ERR_clear_error();
    if (isPrivateKeyDer(der))
        return privateKeyGivenError();

    QString message = QCoreApplication::translate(
        "qpos::crypto", "The public key could not be decoded: it is damaged, truncated, or "
                        "not a public key. Copy the whole key again.");
    if (!reasons.isEmpty())
        message =
            QCoreApplication::translate("qpos::crypto", "%1 (OpenSSL: %2)").arg(message, reasons);
    return makeError(code::keyInvalid, message);
}

int RsaPublicKey::bits() const {
    return m_state ? m_state->bits() : 0;
}

QByteArray RsaPublicKey::toDer() const {
    return m_state ? m_state->publicDer() : QByteArray();
}

QByteArray RsaPublicKey::toBase64() const {
    return toDer().toBase64();
}

QByteArray RsaPublicKey::toPem() const {
    const QByteArray base64 = toBase64();
    if (base64.isEmpty())
        return {};
    QByteArray pem("-----BEGIN PUBLIC KEY-----\n");
    for (qsizetype i = 0; i < base64.size(); i += 64) {
        pem += base64.mid(i, 64);
        pem += '\n';
    }
    pem += "-----END PUBLIC KEY-----\n";
    return pem;
}

QByteArray RsaPublicKey::modulus() const {
    if (!m_state)
        return {};
    OpenSslErrorScope errors;
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(m_state->pkey(), OSSL_PKEY_PARAM_RSA_N, &raw) <= 0)
        return {};
    BignumPtr n(raw);
    QByteArray bytes(BN_num_bytes(n.get()), Qt::Uninitialized);
    BN_bn2bin(n.get(), reinterpret_cast<unsigned char*>(bytes.data()));
    return bytes;
}

Status RsaPublicKey::verify(QByteArrayView message, QByteArrayView signature) const {
    if (!m_state)
        return nullKeyError();
    return m_state->verify(message, signature);
}

Status RsaPublicKey::verifyBase64(QByteArrayView message, QByteArrayView signatureBase64) const {
    if (!m_state)
        return nullKeyError();
    std::optional<SecretBytes> signature = decodeBase64(signatureBase64, false);
    if (!signature) {
        return makeError(code::signatureMalformed,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The signature is not valid base64, so it cannot be checked. The "
                             "message may have been damaged on the way."));
    }
    return m_state->verify(message, signature->view());
}

bool operator==(const RsaPublicKey& a, const RsaPublicKey& b) {
    if (a.m_state == b.m_state)
        return true;
    return a.toDer() == b.toDer();
}

namespace detail {

RsaPublicKey RsaKeyAccess::makePublic(std::shared_ptr<const RsaKeyState> state) {
    return RsaPublicKey(std::move(state));
}

EVP_PKEY* RsaKeyAccess::pkey(const RsaPublicKey& key) {
    return key.m_state ? key.m_state->pkey() : nullptr;
}

} // namespace detail

} // namespace qpos::crypto
