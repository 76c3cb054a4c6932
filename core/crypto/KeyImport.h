#pragma once

#include "core/common/Result.h"

#include <QByteArrayView>
#include <QString>

namespace qpos::crypto {

// What a key setting expects to be given.
enum class KeyFileKind {
    RsaPrivateKey, // the app's / merchant's own key: PEM (PKCS#1 or PKCS#8) or bare base64,
                   // RSA with at least 2048 bits
    RsaPublicKey,  // a provider's public key: PEM or bare base64 public key, or a certificate
    Certificate,   // a PEM certificate or chain (Alipay's certificate mode)
    ApiV3Key,      // WeChat Pay's APIv3 key: 32 letters and digits
};

struct ImportedKeyFile {
    QString path;        // the private copy in the key directory
    QString description; // what was found, for people ("RSA private key, 2048 bits")
    // The file chosen for a secret can be read by other users: say it should be deleted.
    bool sourceReadableByOthers = false;
};

// Checks that `text` is what `kind` expects, without storing anything. The description on
// success; on failure a message that says what the text is instead when that can be told
// (a public key offered as the private key, a private key offered as the public key), and
// never quotes the text.
Result<QString> checkKeyText(QByteArrayView text, KeyFileKind kind);

// Reads `sourcePath`, checks it with checkKeyText(), and copies it into `keyDir` (created
// with mode 0700 and tightened to it) as "<baseName>-<8 hex of its SHA-256><suffix>", mode
// 0600, written to a temporary file and renamed. The name changes with the contents, so a
// copy already in use is never overwritten by a different key, and importing the same key
// again gives the same path. The source may be readable by others (a file just
// downloaded); the copy never is. An APIv3 key is stored as its 32 characters alone.
Result<ImportedKeyFile> importKeyFile(const QString& sourcePath, KeyFileKind kind,
                                      const QString& keyDir, const QString& baseName);

} // namespace qpos::crypto
