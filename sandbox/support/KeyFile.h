#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPrivateKey.h"

#include <QString>

namespace qpos::sandbox {

// The sandbox's own provider keys. With a directory, the private key is read from
// `<dir>/<name>_private_key.pem` (made on first use, mode 0600, in a 0700 directory) and the
// public key is written next to it as `<name>_public_key.pem` for clients to copy; a key file
// that others may read is refused, as ssh refuses one. Without a directory a fresh key is
// made in memory.
Result<crypto::RsaPrivateKey> loadOrCreateKey(const QString& dir, const QString& name);

// Reads a public key file (PEM or Alipay's bare base64).
Result<crypto::RsaPublicKey> readPublicKeyFile(const QString& path);

} // namespace qpos::sandbox
