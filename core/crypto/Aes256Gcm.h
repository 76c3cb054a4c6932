#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace qpos::crypto {

// AES-256-GCM as WeChat Pay APIv3 uses it for notification resources (AEAD_AES_256_GCM):
//   key   = the 32-byte APIv3 key (32 ASCII characters, used as bytes),
//   nonce = 12 bytes (the resource's `nonce`, 12 ASCII characters),
//   aad   = the resource's `associated_data` (may be empty),
//   data  = ciphertext followed by the 16-byte tag (base64-decoded `ciphertext`).
namespace aes256gcm {
inline constexpr qsizetype kKeySize = 32;
inline constexpr qsizetype kNonceSize = 12;
inline constexpr qsizetype kTagSize = 16;
} // namespace aes256gcm

// Decrypts and authenticates. Any mismatch (wrong key, changed ciphertext, tag, nonce or
// associated data) is an error with code "crypto.aead_auth_failed" and no plaintext is
// returned; wrong sizes give "crypto.aead_input".
Result<QByteArray> aes256GcmDecrypt(QByteArrayView key, QByteArrayView nonce,
                                    QByteArrayView associatedData, QByteArrayView ciphertextAndTag);

// Encrypts: returns ciphertext followed by the 16-byte tag (what WeChat Pay base64-encodes
// into `ciphertext`). The nonce must never be reused with the same key; make it with
// randomAlphanumeric(12) (SecureRandom.h).
Result<QByteArray> aes256GcmEncrypt(QByteArrayView key, QByteArrayView nonce,
                                    QByteArrayView associatedData, QByteArrayView plaintext);

} // namespace qpos::crypto
