#pragma once

// Internal to core/crypto: RAII holders for OpenSSL objects and the helpers every crypto file
// shares (error text, strict base64, PEM block reading, wiping secrets). Other modules use the
// public classes (RsaPrivateKey, RsaPublicKey, X509Certificate, ...) and never this header.

#include "core/common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qpos::crypto::detail {

template <auto FreeFunction>
struct OpenSslDeleter {
    template <typename T>
    void operator()(T* object) const {
        FreeFunction(object);
    }
};

using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;
using MdPtr = std::unique_ptr<EVP_MD, OpenSslDeleter<EVP_MD_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX_free>>;
using CipherPtr = std::unique_ptr<EVP_CIPHER, OpenSslDeleter<EVP_CIPHER_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, OpenSslDeleter<EVP_CIPHER_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using Asn1TypePtr = std::unique_ptr<ASN1_TYPE, OpenSslDeleter<ASN1_TYPE_free>>;

// OPENSSL_free is a macro, so it cannot be a template argument directly.
void freeOpenSslMemory(void* memory);
using OpenSslStringPtr = std::unique_ptr<char, OpenSslDeleter<freeOpenSslMemory>>;
using OpenSslBytesPtr = std::unique_ptr<unsigned char, OpenSslDeleter<freeOpenSslMemory>>;

// Stable error codes, so callers and tests can tell failures apart without parsing text.
namespace code {
inline constexpr char keyEmpty[] = "crypto.key_empty";
inline constexpr char keyInvalid[] = "crypto.key_invalid";
inline constexpr char keyEncrypted[] = "crypto.key_encrypted";
inline constexpr char keyNotRsa[] = "crypto.key_not_rsa";
inline constexpr char keyTooSmall[] = "crypto.key_too_small";
inline constexpr char keyWrongKind[] = "crypto.key_wrong_kind";
inline constexpr char keyNull[] = "crypto.key_null";
inline constexpr char certInvalid[] = "crypto.cert_invalid";
inline constexpr char certEmpty[] = "crypto.cert_empty";
inline constexpr char certUntrusted[] = "crypto.cert_untrusted";
inline constexpr char signFailed[] = "crypto.sign_failed";
inline constexpr char signatureMalformed[] = "crypto.signature_malformed";
inline constexpr char signatureMismatch[] = "crypto.signature_mismatch";
inline constexpr char verifyFailed[] = "crypto.verify_failed";
inline constexpr char aeadInput[] = "crypto.aead_input";
inline constexpr char aeadAuthFailed[] = "crypto.aead_auth_failed";
inline constexpr char aeadFailed[] = "crypto.aead_failed";
inline constexpr char randomFailed[] = "crypto.random_failed";
inline constexpr char fileMissing[] = "crypto.file_missing";
inline constexpr char fileUnreadable[] = "crypto.file_unreadable";
inline constexpr char fileNotRegular[] = "crypto.file_not_regular";
inline constexpr char fileEmpty[] = "crypto.file_empty";
inline constexpr char fileTooLarge[] = "crypto.file_too_large";
inline constexpr char filePermissions[] = "crypto.file_permissions";
inline constexpr char fileOwner[] = "crypto.file_owner";
inline constexpr char pinEmpty[] = "crypto.pin_empty";
inline constexpr char pinMismatch[] = "crypto.pin_mismatch";
inline constexpr char pinHashMalformed[] = "crypto.pin_hash_malformed";
inline constexpr char kdfFailed[] = "crypto.kdf_failed";
inline constexpr char internal[] = "crypto.internal";
} // namespace code

Error makeError(const char* errorCode, const QString& message);

// Removes every queued OpenSSL error of this thread and returns their reason strings joined
// with "; " (reason strings only: never the optional data OpenSSL attaches to an error).
QString takeOpenSslReasons();

// `message` followed by " (OpenSSL: <reasons>)" when OpenSSL queued any error.
Error openSslError(const char* errorCode, const QString& message);

// Clears the thread's OpenSSL error queue on entry and on exit, so a failure inside crypto
// never leaks stale errors into other OpenSSL users in the process (Qt's TLS backend).
class OpenSslErrorScope {
public:
    OpenSslErrorScope();
    ~OpenSslErrorScope();
    OpenSslErrorScope(const OpenSslErrorScope&) = delete;
    OpenSslErrorScope& operator=(const OpenSslErrorScope&) = delete;
};

// Overwrites the bytes of a buffer this code owns exclusively (never shared).
void wipe(QByteArray& bytes);

// A byte buffer that holds secret material and is wiped when it goes away. Not copyable, so
// the bytes are never shared with a copy that would escape the wipe.
class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(QByteArray bytes)
        : m_bytes(std::move(bytes)) {}
    ~SecretBytes() { wipe(m_bytes); }
    SecretBytes(SecretBytes&& other) noexcept
        : m_bytes(std::move(other.m_bytes)) {}
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    const unsigned char* data() const;
    qsizetype size() const { return m_bytes.size(); }
    bool isEmpty() const { return m_bytes.isEmpty(); }
    QByteArrayView view() const { return m_bytes; }

private:
    QByteArray m_bytes;
};

bool isBase64Whitespace(char c);

// Strict base64 (standard alphabet, "=" padding required at the very end). When
// `allowWhitespace` is true, spaces, tabs and line breaks anywhere are skipped first.
std::optional<SecretBytes> decodeBase64(QByteArrayView text, bool allowWhitespace);

// True when the text holds a PEM armour line ("-----BEGIN ").
bool looksLikePem(QByteArrayView text);

// True when the text has nothing but whitespace.
bool isBlank(QByteArrayView text);

// One "-----BEGIN <name>----- ... -----END <name>-----" block, decoded.
struct PemBlock {
    std::string name;
    bool encryptedHeader = false; // "Proc-Type: 4,ENCRYPTED" (legacy encrypted PEM)
    SecretBytes der;
};

// Reads every PEM block in `text`. Text outside blocks is ignored, as OpenSSL does. An
// error with `errorCode` when a block is damaged; an empty list when there is no block.
Result<std::vector<PemBlock>> readPemBlocks(QByteArrayView text, const char* errorCode);

// A memory BIO reading `bytes` (which must outlive the BIO); null when it cannot be made.
BioPtr readOnlyBio(QByteArrayView bytes);

// Everything written into a memory BIO.
QByteArray bioContents(BIO* bio);

void freeObject(EVP_PKEY* key);
void freeObject(X509* certificate);

// Decodes DER with a d2i function and checks that it consumed all of the input.
template <typename T, typename D2i>
T* decodeWholeDer(QByteArrayView der, D2i d2i) {
    if (der.isEmpty())
        return nullptr;
    const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
    const unsigned char* cursor = begin;
    T* object = d2i(nullptr, &cursor, static_cast<long>(der.size()));
    if (object != nullptr && cursor != begin + der.size()) {
        // Trailing bytes after the structure: treat as damaged input.
        freeObject(object);
        return nullptr;
    }
    return object;
}

// The SHA-256 implementation, fetched once per process (thread-safe, never freed).
const EVP_MD* sha256();

// Lower-case hexadecimal of bytes.
QString toHex(QByteArrayView bytes);

} // namespace qpos::crypto::detail
