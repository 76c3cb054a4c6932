#include "core/crypto/Aes256Gcm.h"

#include <QCoreApplication>

#include "core/crypto/OpenSslSupport.h"

#include <openssl/err.h>

#include <limits>

namespace qpos::crypto {

using namespace detail;

namespace {

const auto* bytes(QByteArrayView view) {
    return reinterpret_cast<const unsigned char*>(view.data());
}

// The cipher implementation, fetched once per process (thread-safe, never freed).
const EVP_CIPHER* aes256Gcm() {
    static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    return cipher;
}

Status checkSizes(QByteArrayView key, QByteArrayView nonce, QByteArrayView associatedData,
                  QByteArrayView data) {
    if (key.size() != aes256gcm::kKeySize) {
        return makeError(code::aeadInput,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The AES-256-GCM key has %1 bytes instead of %2. The WeChat Pay "
                             "APIv3 key is exactly 32 characters: copy it again from the "
                             "merchant platform.")
                             .arg(key.size())
                             .arg(aes256gcm::kKeySize));
    }
    if (nonce.size() != aes256gcm::kNonceSize) {
        return makeError(code::aeadInput,
                         QCoreApplication::translate(
                             "qpos::crypto", "The AES-256-GCM nonce has %1 bytes instead of %2.")
                             .arg(nonce.size())
                             .arg(aes256gcm::kNonceSize));
    }
    constexpr qsizetype limit = std::numeric_limits<int>::max() - 64;
    if (associatedData.size() > limit || data.size() > limit)
        return makeError(code::aeadInput,
                         QCoreApplication::translate(
                             "qpos::crypto", "The data is too large to encrypt or decrypt."));
    return Status::success();
}

} // namespace

Result<QByteArray> aes256GcmDecrypt(QByteArrayView key, QByteArrayView nonce,
                                    QByteArrayView associatedData,
                                    QByteArrayView ciphertextAndTag) {
    if (Status sizes = checkSizes(key, nonce, associatedData, ciphertextAndTag); !sizes)
        return sizes.error();
    if (ciphertextAndTag.size() < aes256gcm::kTagSize) {
        return makeError(code::aeadInput,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The encrypted data has only %1 bytes, fewer than the %2-byte "
                             "authentication tag: it was truncated.")
                             .arg(ciphertextAndTag.size())
                             .arg(aes256gcm::kTagSize));
    }
    OpenSslErrorScope errors;
    const qsizetype cipherSize = ciphertextAndTag.size() - aes256gcm::kTagSize;
    const QByteArrayView ciphertext = ciphertextAndTag.first(cipherSize);
    const QByteArrayView tag = ciphertextAndTag.sliced(cipherSize);

    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx || aes256Gcm() == nullptr ||
        EVP_DecryptInit_ex2(ctx.get(), aes256Gcm(), bytes(key), bytes(nonce), nullptr) <= 0) {
        return openSslError(code::aeadFailed,
                            QCoreApplication::translate(
                                "qpos::crypto", "Could not prepare AES-256-GCM decryption."));
    }
    int length = 0;
    if (!associatedData.isEmpty() &&
        EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes(associatedData),
                          static_cast<int>(associatedData.size())) <= 0) {
        return openSslError(
            code::aeadFailed,
            QCoreApplication::translate("qpos::crypto", "AES-256-GCM decryption failed."));
    }
    QByteArray plaintext(cipherSize, Qt::Uninitialized);
    auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
    int written = 0;
    if (cipherSize > 0 && EVP_DecryptUpdate(ctx.get(), out, &written, bytes(ciphertext),
                                            static_cast<int>(cipherSize)) <= 0) {
        wipe(plaintext);
        return openSslError(
            code::aeadFailed,
            QCoreApplication::translate("qpos::crypto", "AES-256-GCM decryption failed."));
    }
    // The tag is only read by OpenSSL, whatever the non-const signature says.
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()),
                            const_cast<char*>(tag.data())) <= 0) {
        wipe(plaintext);
        return openSslError(
            code::aeadFailed,
            QCoreApplication::translate("qpos::crypto", "AES-256-GCM decryption failed."));
    }
    int finalLength = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), out + written, &finalLength) <= 0) {
        wipe(plaintext);
        ERR_clear_error();
        return makeError(code::aeadAuthFailed,
                         QCoreApplication::translate(
                             "qpos::crypto",
                             "The encrypted data failed authentication: the APIv3 key is wrong, "
                             "or the data, nonce or associated data were changed. Check the "
                             "APIv3 key configured for this merchant."));
    }
    plaintext.truncate(written + finalLength);
    return plaintext;
}

Result<QByteArray> aes256GcmEncrypt(QByteArrayView key, QByteArrayView nonce,
                                    QByteArrayView associatedData, QByteArrayView plaintext) {
    if (Status sizes = checkSizes(key, nonce, associatedData, plaintext); !sizes)
        return sizes.error();
    OpenSslErrorScope errors;
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx || aes256Gcm() == nullptr ||
        EVP_EncryptInit_ex2(ctx.get(), aes256Gcm(), bytes(key), bytes(nonce), nullptr) <= 0) {
        return openSslError(code::aeadFailed,
                            QCoreApplication::translate(
                                "qpos::crypto", "Could not prepare AES-256-GCM encryption."));
    }
    int length = 0;
    if (!associatedData.isEmpty() &&
        EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes(associatedData),
                          static_cast<int>(associatedData.size())) <= 0) {
        return openSslError(
            code::aeadFailed,
            QCoreApplication::translate("qpos::crypto", "AES-256-GCM encryption failed."));
    }
    QByteArray result(plaintext.size() + aes256gcm::kTagSize, Qt::Uninitialized);
    auto* out = reinterpret_cast<unsigned char*>(result.data());
    int written = 0;
    if (!plaintext.isEmpty() && EVP_EncryptUpdate(ctx.get(), out, &written, bytes(plaintext),
                                                  static_cast<int>(plaintext.size())) <= 0) {
        return openSslError(
            code::aeadFailed,
            QCoreApplication::translate("qpos::crypto", "AES-256-GCM encryption failed."));
    }
    int finalLength = 0;
    if (EVP_EncryptFinal_ex(ctx.get(), out + written, &finalLength) <= 0)
        return openSslError(
            code::aeadFailed,
            QCoreApplication::translate("qpos::crypto", "AES-256-GCM encryption failed."));
    written += finalLength;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, aes256gcm::kTagSize, out + written) <=
        0) {
        return openSslError(
            code::aeadFailed,
            QCoreApplication::translate("qpos::crypto", "AES-256-GCM encryption failed."));
    }
    result.truncate(written + aes256gcm::kTagSize);
    return result;
}

} // namespace qpos::crypto
