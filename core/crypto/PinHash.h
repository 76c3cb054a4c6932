#pragma once

#include "core/common/Result.h"

#include <QString>
#include <QStringView>

namespace qpos::crypto {

// Cost parameters of scrypt (RFC 7914).
struct ScryptParameters {
    quint64 n = 0; // CPU/memory cost, a power of two
    quint32 r = 0; // block size
    quint32 p = 0; // parallelism
};

// The parameters used for new PIN hashes: N = 2^15, r = 8, p = 1. That is 32 MiB of memory
// and roughly 0.1 s on a till's CPU per hash, the cost OWASP recommends for scrypt as a
// password hash; a four- to eight-digit PIN has little entropy, so the KDF's cost is what
// slows down guessing from a stolen database. Verification uses the parameters stored with
// each hash, so they can be raised later (pinHashNeedsUpgrade) without breaking old hashes.
inline constexpr ScryptParameters kPinScrypt{quint64(1) << 15, 8, 1};

// Hashes a manager or cashier PIN with scrypt and a fresh random 16-byte salt into a
// self-describing string:
//     scrypt$<N>$<r>$<p>$<salt, base64>$<32-byte hash, base64>
// for example "scrypt$32768$8$1$3q2+7w...==$Yk3...=". Only this string is stored, never the
// PIN. The PIN's UTF-8 bytes are hashed; an empty PIN is refused.
Result<QString> hashPin(QStringView pin);
Result<QString> hashPin(QStringView pin, const ScryptParameters& parameters);

// Success only when `pin` matches `stored` (constant-time comparison). A wrong PIN gives
// "crypto.pin_mismatch"; a stored string that is not one hashPin() produces (or asks for
// out-of-range parameters: N up to 2^20, r up to 32, p up to 16, memory up to 256 MiB)
// gives "crypto.pin_hash_malformed".
Status verifyPin(QStringView pin, QStringView stored);

// True when `stored` was made with other parameters than kPinScrypt (or is malformed), so
// the caller should re-hash the PIN after a successful verification.
bool pinHashNeedsUpgrade(QStringView stored);

} // namespace qpos::crypto
