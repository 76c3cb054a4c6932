#pragma once

// Internal to core/crypto: the loaded OpenSSL key behind RsaPublicKey / RsaPrivateKey, with
// small pools of prepared signing and verifying contexts so a signature costs one RSA
// operation and a SHA-256, not a context set-up.

#include "core/crypto/OpenSslSupport.h"

#include <memory>
#include <mutex>
#include <vector>

namespace qpos::crypto {

class RsaPublicKey;
class RsaPrivateKey;

namespace detail {

class RsaKeyState {
public:
    enum class Kind { Public, Private };

    // Takes ownership of `key` after checking it is RSA with at least kMinimumBits bits.
    // `what` names the key in messages ("The private key", "The public key").
    static Result<std::shared_ptr<const RsaKeyState>> create(PkeyPtr key, Kind kind,
                                                             const QString& what);

    ~RsaKeyState();
    RsaKeyState(const RsaKeyState&) = delete;
    RsaKeyState& operator=(const RsaKeyState&) = delete;

    EVP_PKEY* pkey() const { return m_key.get(); }
    Kind kind() const { return m_kind; }
    int bits() const { return m_bits; }
    int signatureSize() const { return m_size; }

    // SHA256withRSA, PKCS#1 v1.5. Thread-safe.
    Result<QByteArray> sign(QByteArrayView message) const;
    Status verify(QByteArrayView message, QByteArrayView signature) const;

    // SubjectPublicKeyInfo DER of the key.
    QByteArray publicDer() const;

private:
    struct Slot {
        MdCtxPtr digest;
        PkeyCtxPtr operation;
    };
    using SlotPtr = std::unique_ptr<Slot>;

    RsaKeyState(PkeyPtr key, Kind kind);
    SlotPtr takeSlot(bool forSigning) const;
    void returnSlot(SlotPtr slot, bool forSigning) const;
    bool digest(Slot& slot, QByteArrayView message, unsigned char* out) const;

    PkeyPtr m_key;
    Kind m_kind;
    int m_bits = 0;
    int m_size = 0;
    mutable std::mutex m_mutex;
    mutable std::vector<SlotPtr> m_signSlots;
    mutable std::vector<SlotPtr> m_verifySlots;
};

inline constexpr int kMinimumRsaBits = 2048;

// Gives the crypto module access to the key classes' private constructors.
struct RsaKeyAccess {
    static RsaPublicKey makePublic(std::shared_ptr<const RsaKeyState> state);
    static Result<RsaPrivateKey> makePrivate(std::shared_ptr<const RsaKeyState> state);
    // The loaded OpenSSL key, for code that hands it to another OpenSSL call (null: none).
    static EVP_PKEY* pkey(const RsaPublicKey& key);
    static EVP_PKEY* pkey(const RsaPrivateKey& key);
};

// A public-key object from any loaded key (public only: private parts are never copied).
Result<RsaPublicKey> publicKeyFromPkey(const EVP_PKEY* key, const QString& what);

} // namespace detail
} // namespace qpos::crypto
