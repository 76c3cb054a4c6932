#include "core/crypto/SecureRandom.h"

#include <QCoreApplication>

#include "core/crypto/OpenSslSupport.h"

#include <openssl/rand.h>

#include <algorithm>

namespace qpos::crypto {

using namespace detail;

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr unsigned kAlphabetSize = sizeof(kAlphabet) - 1; // 62
// Bytes at or above this bound are rejected so every character is equally likely:
// 248 = 4 * 62 is the largest multiple of 62 not above 256.
constexpr unsigned kRejectionBound = 256 / kAlphabetSize * kAlphabetSize;

bool fill(unsigned char* target, qsizetype count) {
    while (count > 0) {
        const int chunk = static_cast<int>(std::min<qsizetype>(count, 1 << 20));
        if (RAND_bytes(target, chunk) != 1)
            return false;
        target += chunk;
        count -= chunk;
    }
    return true;
}

Error randomError() {
    return openSslError(code::randomFailed,
                        QCoreApplication::translate(
                            "qpos::crypto",
                            "The system's secure random number generator failed. Restart the "
                            "application; if this persists, the system's entropy source is "
                            "broken."));
}

} // namespace

Result<QByteArray> randomBytes(qsizetype count) {
    if (count < 0)
        return makeError(code::internal,
                         QCoreApplication::translate(
                             "qpos::crypto", "A negative number of random bytes was asked."));
    OpenSslErrorScope errors;
    QByteArray bytes(count, Qt::Uninitialized);
    if (!fill(reinterpret_cast<unsigned char*>(bytes.data()), count))
        return randomError();
    return bytes;
}

Result<QString> randomAlphanumeric(qsizetype length) {
    if (length < 0)
        return makeError(code::internal, QCoreApplication::translate(
                                             "qpos::crypto", "A negative nonce length was asked."));
    OpenSslErrorScope errors;
    QString result;
    result.reserve(length);
    unsigned char buffer[64];
    while (result.size() < length) {
        // 8 of 256 byte values are rejected (3%); draw a little more than needed.
        const qsizetype want = std::min<qsizetype>(sizeof(buffer), (length - result.size()) + 8);
        if (!fill(buffer, want))
            return randomError();
        for (qsizetype i = 0; i < want && result.size() < length; ++i) {
            if (buffer[i] < kRejectionBound)
                result.append(QLatin1Char(kAlphabet[buffer[i] % kAlphabetSize]));
        }
    }
    OPENSSL_cleanse(buffer, sizeof(buffer));
    return result;
}

} // namespace qpos::crypto
