#include "core/crypto/PinHash.h"

#include <QCoreApplication>

#include "core/crypto/OpenSslSupport.h"
#include "core/crypto/SecureRandom.h"

#include <QList>

#include <openssl/crypto.h>

namespace qpos::crypto {

using namespace detail;

namespace {

constexpr qsizetype kSaltSize = 16;
constexpr qsizetype kHashSize = 32;
constexpr quint64 kMaxN = quint64(1) << 20;
constexpr quint32 kMaxR = 32;
constexpr quint32 kMaxP = 16;
constexpr quint64 kMaxMemory = quint64(256) * 1024 * 1024;

struct StoredHash {
    ScryptParameters parameters;
    QByteArray salt;
    QByteArray hash;
};

quint64 memoryNeeded(const ScryptParameters& parameters) {
    // scrypt's V array (128 * r * N) plus its B buffers (128 * r * p), with room to spare.
    return 128 * quint64(parameters.r) * (parameters.n + parameters.p + 2);
}

bool parametersInRange(const ScryptParameters& parameters) {
    const bool powerOfTwo = parameters.n >= 2 && (parameters.n & (parameters.n - 1)) == 0;
    return powerOfTwo && parameters.n <= kMaxN && parameters.r >= 1 && parameters.r <= kMaxR &&
           parameters.p >= 1 && parameters.p <= kMaxP && memoryNeeded(parameters) <= kMaxMemory;
}

Error malformed() {
    return makeError(code::pinHashMalformed,
                     QCoreApplication::translate(
                         "qpos::crypto",
                         "The stored PIN hash is damaged or in an unknown format, so the PIN "
                         "cannot be checked. Set the PIN again."));
}

bool parseNumber(QStringView text, quint64 max, quint64& value) {
    if (text.isEmpty() || text.size() > 10 || (text.size() > 1 && text.front() == u'0'))
        return false;
    quint64 result = 0;
    for (const QChar c : text) {
        if (c < u'0' || c > u'9')
            return false;
        result = result * 10 + (c.unicode() - u'0');
    }
    if (result > max)
        return false;
    value = result;
    return true;
}

std::optional<QByteArray> parseBase64(QStringView text, qsizetype minSize, qsizetype maxSize) {
    if (text.isEmpty() || text.size() > 128)
        return std::nullopt;
    for (const QChar c : text) {
        if (c.unicode() > 127)
            return std::nullopt;
    }
    const QByteArray latin1 = text.toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(latin1, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() < minSize || decoded.decoded.size() > maxSize)
        return std::nullopt;
    // Only the canonical encoding is accepted, so one hash has one spelling.
    if (decoded.decoded.toBase64() != latin1)
        return std::nullopt;
    return decoded.decoded;
}

std::optional<StoredHash> parse(QStringView stored) {
    const QList<QStringView> parts = stored.split(u'$');
    if (parts.size() != 6 || parts[0] != u"scrypt")
        return std::nullopt;
    quint64 n = 0;
    quint64 r = 0;
    quint64 p = 0;
    if (!parseNumber(parts[1], kMaxN, n) || !parseNumber(parts[2], kMaxR, r) ||
        !parseNumber(parts[3], kMaxP, p)) {
        return std::nullopt;
    }
    StoredHash result;
    result.parameters = {n, static_cast<quint32>(r), static_cast<quint32>(p)};
    if (!parametersInRange(result.parameters))
        return std::nullopt;
    auto salt = parseBase64(parts[4], 8, 64);
    auto hash = parseBase64(parts[5], 16, 64);
    if (!salt || !hash)
        return std::nullopt;
    result.salt = *salt;
    result.hash = *hash;
    return result;
}

Result<QByteArray> derive(QStringView pin, const QByteArray& salt,
                          const ScryptParameters& parameters, qsizetype size) {
    OpenSslErrorScope errors;
    QByteArray secret = pin.toUtf8();
    QByteArray output(size, Qt::Uninitialized);
    const int ok = EVP_PBE_scrypt(
        secret.constData(), static_cast<size_t>(secret.size()),
        reinterpret_cast<const unsigned char*>(salt.constData()), static_cast<size_t>(salt.size()),
        parameters.n, parameters.r, parameters.p, memoryNeeded(parameters) + 1024 * 1024,
        reinterpret_cast<unsigned char*>(output.data()), static_cast<size_t>(output.size()));
    wipe(secret);
    if (ok != 1) {
        wipe(output);
        return openSslError(code::kdfFailed,
                            QCoreApplication::translate(
                                "qpos::crypto",
                                "The PIN could not be hashed (scrypt failed). The system may be "
                                "out of memory; try again."));
    }
    return output;
}

} // namespace

Result<QString> hashPin(QStringView pin) {
    return hashPin(pin, kPinScrypt);
}

Result<QString> hashPin(QStringView pin, const ScryptParameters& parameters) {
    if (pin.isEmpty())
        return makeError(code::pinEmpty, QCoreApplication::translate(
                                             "qpos::crypto", "The PIN is empty. Enter a PIN."));
    if (!parametersInRange(parameters))
        return makeError(code::internal,
                         QCoreApplication::translate(
                             "qpos::crypto", "The scrypt parameters for PIN hashing are out of "
                                             "range."));
    auto salt = randomBytes(kSaltSize);
    if (!salt)
        return salt.error();
    auto hash = derive(pin, *salt, parameters, kHashSize);
    if (!hash)
        return hash.error();
    QString encoded =
        QStringLiteral("scrypt$%1$%2$%3$%4$%5")
            .arg(parameters.n)
            .arg(parameters.r)
            .arg(parameters.p)
            .arg(QString::fromLatin1(salt->toBase64()), QString::fromLatin1(hash->toBase64()));
    wipe(hash.value());
    return encoded;
}

Status verifyPin(QStringView pin, QStringView stored) {
    const std::optional<StoredHash> parsed = parse(stored);
    if (!parsed)
        return malformed();
    if (pin.isEmpty())
        return makeError(code::pinMismatch,
                         QCoreApplication::translate("qpos::crypto", "The PIN is wrong."));
    auto computed = derive(pin, parsed->salt, parsed->parameters, parsed->hash.size());
    if (!computed)
        return computed.error();
    const bool same = CRYPTO_memcmp(computed->constData(), parsed->hash.constData(),
                                    static_cast<size_t>(parsed->hash.size())) == 0;
    wipe(computed.value());
    if (!same)
        return makeError(code::pinMismatch,
                         QCoreApplication::translate("qpos::crypto", "The PIN is wrong."));
    return Status::success();
}

bool pinHashNeedsUpgrade(QStringView stored) {
    const std::optional<StoredHash> parsed = parse(stored);
    if (!parsed)
        return true;
    const ScryptParameters& p = parsed->parameters;
    return p.n != kPinScrypt.n || p.r != kPinScrypt.r || p.p != kPinScrypt.p ||
           parsed->salt.size() != kSaltSize || parsed->hash.size() != kHashSize;
}

} // namespace qpos::crypto
