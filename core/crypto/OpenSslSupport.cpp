#include "core/crypto/OpenSslSupport.h"

#include <QCoreApplication>
#include <QStringList>

#include <openssl/err.h>
#include <openssl/pem.h>

#include <array>
#include <cstring>
#include <limits>

namespace qpos::crypto::detail {

void freeOpenSslMemory(void* memory) {
    OPENSSL_free(memory);
}

Error makeError(const char* errorCode, const QString& message) {
    return Error{QString::fromLatin1(errorCode), message};
}

QString takeOpenSslReasons() {
    QStringList reasons;
    while (const unsigned long packed = ERR_get_error()) {
        QString reason;
        if (const char* text = ERR_reason_error_string(packed)) {
            reason = QString::fromLatin1(text);
        } else {
            std::array<char, 256> buffer{};
            ERR_error_string_n(packed, buffer.data(), buffer.size());
            reason = QString::fromLatin1(buffer.data());
        }
        if (!reason.isEmpty() && !reasons.contains(reason))
            reasons.append(reason);
    }
    return reasons.join(QStringLiteral("; "));
}

Error openSslError(const char* errorCode, const QString& message) {
    const QString reasons = takeOpenSslReasons();
    if (reasons.isEmpty())
        return makeError(errorCode, message);
    return makeError(
        errorCode,
        QCoreApplication::translate("qpos::crypto", "%1 (OpenSSL: %2)").arg(message, reasons));
}

OpenSslErrorScope::OpenSslErrorScope() {
    ERR_clear_error();
}

OpenSslErrorScope::~OpenSslErrorScope() {
    ERR_clear_error();
}

void wipe(QByteArray& bytes) {
    if (bytes.isEmpty())
        return;
    if (bytes.isDetached())
        OPENSSL_cleanse(bytes.data(), static_cast<size_t>(bytes.size()));
    bytes.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        wipe(m_bytes);
        m_bytes = std::move(other.m_bytes);
    }
    return *this;
}

const unsigned char* SecretBytes::data() const {
    return reinterpret_cast<const unsigned char*>(m_bytes.constData());
}

bool isBase64Whitespace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

namespace {

int base64Value(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

} // namespace

std::optional<SecretBytes> decodeBase64(QByteArrayView text, bool allowWhitespace) {
    QByteArray out;
    out.resize(text.size() / 4 * 3 + 3);
    auto* target = reinterpret_cast<unsigned char*>(out.data());
    qsizetype written = 0;
    quint32 accumulator = 0;
    int pending = 0;       // sextets in the accumulator
    qsizetype symbols = 0; // alphabet characters seen
    int padding = 0;

    for (const char c : text) {
        if (allowWhitespace && isBase64Whitespace(c))
            continue;
        if (c == '=') {
            ++padding;
            if (padding > 2) {
                wipe(out);
                return std::nullopt;
            }
            continue;
        }
        const int value = base64Value(c);
        if (value < 0 || padding > 0) { // bad character, or data after padding
            wipe(out);
            return std::nullopt;
        }
        ++symbols;
        accumulator = (accumulator << 6) | static_cast<quint32>(value);
        if (++pending == 4) {
            target[written++] = static_cast<unsigned char>(accumulator >> 16);
            target[written++] = static_cast<unsigned char>(accumulator >> 8);
            target[written++] = static_cast<unsigned char>(accumulator);
            accumulator = 0;
            pending = 0;
        }
    }
    // Padding is required: the last quantum must be complete. A missing character (a
    // truncated copy) is therefore detected here rather than decoding to shorter data.
    if (symbols == 0 || pending == 1 || (pending == 0 ? padding != 0 : pending + padding != 4)) {
        wipe(out);
        accumulator = 0;
        return std::nullopt;
    }
    if (pending == 2) {
        target[written++] = static_cast<unsigned char>(accumulator >> 4);
    } else if (pending == 3) {
        target[written++] = static_cast<unsigned char>(accumulator >> 10);
        target[written++] = static_cast<unsigned char>(accumulator >> 2);
    }
    accumulator = 0;
    OPENSSL_cleanse(target + written, static_cast<size_t>(out.size() - written));
    out.truncate(written);
    return SecretBytes(std::move(out));
}

bool looksLikePem(QByteArrayView text) {
    return text.contains(QByteArrayView("-----BEGIN "));
}

bool isBlank(QByteArrayView text) {
    for (const char c : text) {
        if (!isBase64Whitespace(c))
            return false;
    }
    return true;
}

Result<std::vector<PemBlock>> readPemBlocks(QByteArrayView text, const char* errorCode) {
    std::vector<PemBlock> blocks;
    BioPtr bio = readOnlyBio(text);
    if (!bio)
        return openSslError(code::internal,
                            QCoreApplication::translate(
                                "qpos::crypto", "Could not prepare the PEM text for reading."));

    for (;;) {
        char* rawName = nullptr;
        char* rawHeader = nullptr;
        unsigned char* rawData = nullptr;
        long length = 0;
        const int ok = PEM_read_bio(bio.get(), &rawName, &rawHeader, &rawData, &length);
        OpenSslStringPtr name(rawName);
        OpenSslStringPtr header(rawHeader);
        if (!ok) {
            const unsigned long last = ERR_peek_last_error();
            if (ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE) {
                ERR_clear_error(); // the normal end: no further block
                break;
            }
            return openSslError(errorCode,
                                QCoreApplication::translate(
                                    "qpos::crypto",
                                    "A PEM block is damaged: its BEGIN/END lines or its base64 "
                                    "body are incomplete. Copy the whole block again."));
        }
        PemBlock block;
        block.name = name ? std::string(name.get()) : std::string();
        block.encryptedHeader = header && std::strstr(header.get(), "ENCRYPTED") != nullptr;
        if (rawData != nullptr && length > 0) {
            QByteArray copy(reinterpret_cast<const char*>(rawData), static_cast<qsizetype>(length));
            block.der = SecretBytes(std::move(copy));
        }
        if (rawData != nullptr)
            OPENSSL_clear_free(rawData, static_cast<size_t>(length > 0 ? length : 0));
        blocks.push_back(std::move(block));
    }
    return blocks;
}

BioPtr readOnlyBio(QByteArrayView bytes) {
    // BIO_new_mem_buf wants a non-null pointer even for empty input.
    static const char empty = '\0';
    if (bytes.size() > std::numeric_limits<int>::max())
        return nullptr;
    const char* data = bytes.isEmpty() ? &empty : bytes.data();
    return BioPtr(BIO_new_mem_buf(data, static_cast<int>(bytes.size())));
}

QByteArray bioContents(BIO* bio) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    if (length <= 0 || data == nullptr)
        return {};
    return QByteArray(data, static_cast<qsizetype>(length));
}

void freeObject(EVP_PKEY* key) {
    EVP_PKEY_free(key);
}

void freeObject(X509* certificate) {
    X509_free(certificate);
}

const EVP_MD* sha256() {
    static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md;
}

QString toHex(QByteArrayView bytes) {
    return QString::fromLatin1(bytes.toByteArray().toHex());
}

} // namespace qpos::crypto::detail
