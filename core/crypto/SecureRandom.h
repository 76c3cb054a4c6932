#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QString>

namespace qpos::crypto {

// Cryptographically secure random bytes from OpenSSL's CSPRNG (RAND_bytes). Fails only when
// the generator cannot be seeded, which must stop the operation that needed the bytes.
Result<QByteArray> randomBytes(qsizetype count);

// A string of `length` characters drawn uniformly from [A-Za-z0-9] (rejection sampling, no
// modulo bias): nonces for WeChat Pay (nonce_str, the AES-GCM nonce) and idempotency keys.
Result<QString> randomAlphanumeric(qsizetype length);

} // namespace qpos::crypto
