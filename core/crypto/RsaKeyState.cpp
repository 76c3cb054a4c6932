#include "core/crypto/RsaKeyState.h"

#include <QCoreApplication>

#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"

#include <openssl/err.h>
#include <openssl/rsa.h>

#include <array>

namespace qpos::crypto::detail {

namespace {

constexpr std::size_t kMaxPooledSlots = 16;
constexpr unsigned int kSha256Size = 32;

} // namespace

Result<std::shared_ptr<const RsaKeyState>> RsaKeyState::create(PkeyPtr key, Kind kind,
                                                               const QString& what) {
    if (!key)
        return openSslError(
            code::keyInvalid,
            QCoreApplication::translate("qpos::crypto", "%1 could not be decoded.").arg(what));
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
        const char* type = EVP_PKEY_get0_type_name(key.get());
        const QString typeName = type ? QString::fromLatin1(type)
                                      : QCoreApplication::translate("qpos::crypto", "non-RSA");
        return makeError(code::keyNotRsa,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "%1 is a %2 key, but Alipay and WeChat Pay (RSA2) need an RSA key "
                             "of at least %3 bits. Use the RSA key generated for this "
                             "merchant account.")
                             .arg(what, typeName)
                             .arg(kMinimumRsaBits));
    }
    const int bits = EVP_PKEY_get_bits(key.get());
    if (bits < kMinimumRsaBits) {
        return makeError(code::keyTooSmall,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "%1 has only %2 bits; at least %3 are required. Generate a new "
                             "RSA key of %3 bits or more and register its public key with the "
                             "payment provider.")
                             .arg(what)
                             .arg(bits)
                             .arg(kMinimumRsaBits));
    }
    std::shared_ptr<const RsaKeyState> state(new RsaKeyState(std::move(key), kind));
    return state;
}

RsaKeyState::RsaKeyState(PkeyPtr key, Kind kind)
    : m_key(std::move(key))
    , m_kind(kind)
    , m_bits(EVP_PKEY_get_bits(m_key.get()))
    , m_size(EVP_PKEY_get_size(m_key.get())) {}

RsaKeyState::~RsaKeyState() = default;

RsaKeyState::SlotPtr RsaKeyState::takeSlot(bool forSigning) const {
    {
        std::lock_guard lock(m_mutex);
        auto& pool = forSigning ? m_signSlots : m_verifySlots;
        if (!pool.empty()) {
            SlotPtr slot = std::move(pool.back());
            pool.pop_back();
            return slot;
        }
    }
    auto slot = std::make_unique<Slot>();
    slot->digest.reset(EVP_MD_CTX_new());
    slot->operation.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, m_key.get(), nullptr));
    if (!slot->digest || !slot->operation || sha256() == nullptr)
        return nullptr;
    EVP_PKEY_CTX* ctx = slot->operation.get();
    const int initialised = forSigning ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx);
    if (initialised <= 0 || EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_signature_md(ctx, sha256()) <= 0) {
        return nullptr;
    }
    return slot;
}

void RsaKeyState::returnSlot(SlotPtr slot, bool forSigning) const {
    std::lock_guard lock(m_mutex);
    auto& pool = forSigning ? m_signSlots : m_verifySlots;
    if (pool.size() < kMaxPooledSlots)
        pool.push_back(std::move(slot));
}

bool RsaKeyState::digest(Slot& slot, QByteArrayView message, unsigned char* out) const {
    unsigned int length = 0;
    return EVP_DigestInit_ex2(slot.digest.get(), sha256(), nullptr) > 0 &&
           EVP_DigestUpdate(slot.digest.get(), message.data(),
                            static_cast<size_t>(message.size())) > 0 &&
           EVP_DigestFinal_ex(slot.digest.get(), out, &length) > 0 && length == kSha256Size;
}

Result<QByteArray> RsaKeyState::sign(QByteArrayView message) const {
    OpenSslErrorScope errors;
    if (m_kind != Kind::Private)
        return makeError(code::keyWrongKind,
                         QCoreApplication::translate("qpos::crypto", "A public key cannot sign."));
    SlotPtr slot = takeSlot(true);
    if (!slot)
        return openSslError(
            code::signFailed,
            QCoreApplication::translate("qpos::crypto", "Could not prepare RSA signing."));

    std::array<unsigned char, kSha256Size> hash{};
    if (!digest(*slot, message, hash.data()))
        return openSslError(
            code::signFailed,
            QCoreApplication::translate("qpos::crypto", "Could not compute the SHA-256 digest."));

    QByteArray signature(m_size, Qt::Uninitialized);
    auto length = static_cast<size_t>(signature.size());
    if (EVP_PKEY_sign(slot->operation.get(), reinterpret_cast<unsigned char*>(signature.data()),
                      &length, hash.data(), hash.size()) <= 0) {
        return openSslError(
            code::signFailed,
            QCoreApplication::translate(
                "qpos::crypto", "RSA signing failed. Check that the private key is intact."));
    }
    signature.truncate(static_cast<qsizetype>(length));
    returnSlot(std::move(slot), true);
    return signature;
}

Status RsaKeyState::verify(QByteArrayView message, QByteArrayView signature) const {
    OpenSslErrorScope errors;
    if (signature.size() != m_size) {
        return makeError(code::signatureMalformed,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The signature has %1 bytes, but a signature made with this %2-bit "
                             "key has %3. The signature is damaged or belongs to another key.")
                             .arg(signature.size())
                             .arg(m_bits)
                             .arg(m_size));
    }
    SlotPtr slot = takeSlot(false);
    if (!slot)
        return openSslError(
            code::verifyFailed,
            QCoreApplication::translate("qpos::crypto", "Could not prepare RSA verification."));

    std::array<unsigned char, kSha256Size> hash{};
    if (!digest(*slot, message, hash.data()))
        return openSslError(
            code::verifyFailed,
            QCoreApplication::translate("qpos::crypto", "Could not compute the SHA-256 digest."));

    const int result = EVP_PKEY_verify(
        slot->operation.get(), reinterpret_cast<const unsigned char*>(signature.data()),
        static_cast<size_t>(signature.size()), hash.data(), hash.size());
    if (result == 1) {
        returnSlot(std::move(slot), false);
        return Status::success();
    }
    if (result == 0) {
        // A plain mismatch: the context stays usable.
        returnSlot(std::move(slot), false);
        ERR_clear_error();
        return makeError(code::signatureMismatch,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The signature does not match the data: the data was changed, or "
                             "it was signed with a different key. Check that the configured "
                             "public key is the provider's current one."));
    }
    return openSslError(
        code::verifyFailed,
        QCoreApplication::translate("qpos::crypto", "RSA signature verification failed."));
}

QByteArray RsaKeyState::publicDer() const {
    unsigned char* raw = nullptr;
    const int length = i2d_PUBKEY(m_key.get(), &raw);
    OpenSslBytesPtr owned(raw);
    if (length <= 0)
        return {};
    return QByteArray(reinterpret_cast<const char*>(raw), length);
}

Result<RsaPublicKey> publicKeyFromPkey(const EVP_PKEY* key, const QString& what) {
    if (!key)
        return openSslError(
            code::keyInvalid,
            QCoreApplication::translate("qpos::crypto", "%1 could not be decoded.").arg(what));
    // Re-encode as SubjectPublicKeyInfo and decode again, so the resulting object holds the
    // public half only, whatever `key` held.
    unsigned char* raw = nullptr;
    const int length = i2d_PUBKEY(key, &raw);
    OpenSslBytesPtr owned(raw);
    if (length <= 0)
        return openSslError(
            code::keyInvalid,
            QCoreApplication::translate("qpos::crypto", "%1 could not be encoded.").arg(what));
    const unsigned char* cursor = raw;
    PkeyPtr publicOnly(d2i_PUBKEY(nullptr, &cursor, length));
    auto state = RsaKeyState::create(std::move(publicOnly), RsaKeyState::Kind::Public, what);
    if (!state)
        return state.error();
    return RsaKeyAccess::makePublic(std::move(state).value());
}

} // namespace qpos::crypto::detail
