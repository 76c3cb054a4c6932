#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/crypto/X509Certificate.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace qpos::crypto {

// Largest key, certificate or secret file read (anything bigger is not a key file).
inline constexpr qsizetype kMaxKeyFileSize = 1024 * 1024;

// Reads a file that holds a secret (a private key, the WeChat Pay APIv3 key). Like ssh, it
// refuses, with a message naming the file and saying what to do:
//  - a missing or unreadable file, a directory or anything that is not a regular file,
//  - a file any group or other permission bit is set on (e.g. 0640, 0644): "chmod 600",
//  - a file owned by another user than the one running qpos (root-owned is accepted),
//  - an empty file, or one larger than kMaxKeyFileSize.
// The contents are returned as they are; the caller should wipe them when done.
Result<QByteArray> readSecretFile(const QString& path);

// readSecretFile() + RsaPrivateKey::fromText(): PEM (PKCS#1 or PKCS#8) or bare base64.
// Error messages start with the file name.
Result<RsaPrivateKey> loadPrivateKeyFile(const QString& path);

// A public key file (PEM or bare base64 public key, or a certificate). Public keys and
// certificates are not secret: no permission check, but the same clear messages.
Result<RsaPublicKey> loadPublicKeyFile(const QString& path);

// Every certificate of a PEM file (a certificate, a chain, Alipay's root bundle).
Result<QList<X509Certificate>> loadCertificateFile(const QString& path);

} // namespace qpos::crypto
