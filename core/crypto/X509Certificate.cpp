#include "core/crypto/X509Certificate.h"

#include <QCoreApplication>

#include "core/crypto/OpenSslSupport.h"
#include "core/crypto/RsaKeyState.h"

#include <QStringList>
#include <QTimeZone>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <array>
#include <ctime>

namespace qpos::crypto {

using namespace detail;

struct X509Certificate::Data {
    X509Ptr certificate;
};

namespace {

bool isCertificateBlock(const std::string& name) {
    return name == "CERTIFICATE" || name == "X509 CERTIFICATE" || name == "TRUSTED CERTIFICATE";
}

QString objectToText(const ASN1_OBJECT* object, bool numeric) {
    std::array<char, 128> buffer{};
    const int length =
        OBJ_obj2txt(buffer.data(), static_cast<int>(buffer.size()), object, numeric ? 1 : 0);
    if (length <= 0)
        return {};
    if (static_cast<std::size_t>(length) < buffer.size())
        return QString::fromLatin1(buffer.data(), length);
    // Very long OID: ask again with a buffer of the right size.
    QByteArray big(length + 1, '\0');
    OBJ_obj2txt(big.data(), static_cast<int>(big.size()), object, numeric ? 1 : 0);
    return QString::fromLatin1(big.constData(), length);
}

// The attribute keywords Java's RFC 2253 formatter knows; anything else is a dotted OID.
const char* rfc2253Keyword(int nid) {
    switch (nid) {
    case NID_commonName:
        return "CN";
    case NID_countryName:
        return "C";
    case NID_localityName:
        return "L";
    case NID_stateOrProvinceName:
        return "ST";
    case NID_organizationName:
        return "O";
    case NID_organizationalUnitName:
        return "OU";
    case NID_streetAddress:
        return "STREET";
    case NID_domainComponent:
        return "DC";
    case NID_userId:
        return "UID";
    default:
        return nullptr;
    }
}

// String types Java prints as text in RFC 2253 form (others are printed as #hex DER).
bool isTextType(int type) {
    switch (type) {
    case V_ASN1_UTF8STRING:
    case V_ASN1_PRINTABLESTRING:
    case V_ASN1_T61STRING:
    case V_ASN1_IA5STRING:
    case V_ASN1_GENERALSTRING:
    case V_ASN1_BMPSTRING:
        return true;
    default:
        return false;
    }
}

QString hexDerOfValue(const ASN1_STRING* value) {
    Asn1TypePtr any(ASN1_TYPE_new());
    if (!any || !ASN1_TYPE_set1(any.get(), ASN1_STRING_type(value), value))
        return QStringLiteral("#");
    unsigned char* raw = nullptr;
    const int length = i2d_ASN1_TYPE(any.get(), &raw);
    OpenSslBytesPtr owned(raw);
    if (length <= 0)
        return QStringLiteral("#");
    return QLatin1Char('#') + toHex(QByteArrayView(reinterpret_cast<const char*>(raw),
                                                   static_cast<qsizetype>(length)));
}

QString textOfValue(const ASN1_STRING* value) {
    if (ASN1_STRING_type(value) == V_ASN1_GENERALSTRING) {
        return QString::fromLatin1(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                   ASN1_STRING_length(value));
    }
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, value);
    OpenSslBytesPtr owned(utf8);
    if (length < 0)
        return {};
    return QString::fromUtf8(reinterpret_cast<const char*>(utf8), length);
}

QString escapeRfc2253(const QString& text) {
    static const QString specials = QStringLiteral(",=+<>#;\"\\");
    QString escaped;
    escaped.reserve(text.size() + 8);
    for (const QChar c : text) {
        if (specials.contains(c)) {
            escaped += QLatin1Char('\\');
            escaped += c;
        } else if (c.unicode() == 0) {
            escaped += QStringLiteral("\\00");
        } else {
            escaped += c;
        }
    }
    // Leading and trailing spaces (and carriage returns) get a backslash each.
    const auto isEdgeSpace = [](QChar c) {
        return c == QLatin1Char(' ') || c == QLatin1Char('\r');
    };
    qsizetype first = 0;
    while (first < escaped.size() && isEdgeSpace(escaped.at(first)))
        ++first;
    qsizetype last = escaped.size() - 1;
    while (last >= 0 && isEdgeSpace(escaped.at(last)))
        --last;
    if (first == 0 && last == escaped.size() - 1)
        return escaped;
    QString result;
    result.reserve(escaped.size() + 4);
    for (qsizetype i = 0; i < escaped.size(); ++i) {
        if (i < first || i > last)
            result += QLatin1Char('\\');
        result += escaped.at(i);
    }
    return result;
}

QString formatAttribute(const X509_NAME_ENTRY* entry) {
    const ASN1_OBJECT* object = X509_NAME_ENTRY_get_object(entry);
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(entry);
    const char* keyword = rfc2253Keyword(OBJ_obj2nid(object));
    QString text = keyword ? QString::fromLatin1(keyword) : objectToText(object, true);
    text += QLatin1Char('=');
    if (keyword == nullptr || !isTextType(ASN1_STRING_type(value)))
        text += hexDerOfValue(value);
    else
        text += escapeRfc2253(textOfValue(value));
    return text;
}

QString formatNameJavaStyle(const X509_NAME* name) {
    if (name == nullptr)
        return {};
    // Group the entries into RDNs (entries of one RDN share a set index), then print the
    // RDNs last to first.
    QList<QStringList> rdns;
    int currentSet = -1;
    const int count = X509_NAME_entry_count(name);
    for (int i = 0; i < count; ++i) {
        const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
        const int set = X509_NAME_ENTRY_set(entry);
        if (rdns.isEmpty() || set != currentSet) {
            rdns.append(QStringList());
            currentSet = set;
        }
        rdns.last().append(formatAttribute(entry));
    }
    QStringList parts;
    parts.reserve(rdns.size());
    for (auto it = rdns.crbegin(); it != rdns.crend(); ++it)
        parts.append(it->join(QLatin1Char('+')));
    return parts.join(QLatin1Char(','));
}

QDateTime toDateTime(const ASN1_TIME* time) {
    std::tm parts{};
    if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) {
        ERR_clear_error();
        return {};
    }
    return QDateTime(QDate(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday),
                     QTime(parts.tm_hour, parts.tm_min, parts.tm_sec), QTimeZone::utc())
        .toUTC();
}

const ASN1_OBJECT* signatureObject(const X509* certificate) {
    const X509_ALGOR* algorithm = nullptr;
    X509_get0_signature(nullptr, &algorithm, certificate);
    if (algorithm == nullptr)
        return nullptr;
    const ASN1_OBJECT* object = nullptr;
    X509_ALGOR_get0(&object, nullptr, nullptr, algorithm);
    return object;
}

BignumPtr serialNumber(const X509* certificate) {
    return BignumPtr(ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nullptr));
}

Error damagedCertificate(int index) {
    if (index <= 1) {
        return openSslError(
            code::certInvalid,
            QCoreApplication::translate("qpos::crypto",
                                        "The certificate could not be decoded: it is damaged or "
                                        "truncated. Download or copy the certificate file again."));
    }
    return openSslError(code::certInvalid,
                        QCoreApplication::translate(
                            "qpos::crypto",
                            "Certificate number %1 in the file could not be decoded: it is "
                            "damaged or truncated. Download or copy the certificate file again.")
                            .arg(index));
}

} // namespace

X509Certificate::X509Certificate() = default;

X509Certificate::X509Certificate(std::shared_ptr<const Data> data)
    : m_data(std::move(data)) {}

Result<X509Certificate> X509Certificate::fromDer(QByteArrayView der) {
    OpenSslErrorScope errors;
    X509Ptr certificate(decodeWholeDer<X509>(der, d2i_X509));
    if (!certificate)
        return damagedCertificate(1);
    auto data = std::make_shared<Data>();
    data->certificate = std::move(certificate);
    return X509Certificate(std::move(data));
}

Result<QList<X509Certificate>> X509Certificate::chainFromPem(QByteArrayView pem) {
    OpenSslErrorScope errors;
    if (isBlank(pem)) {
        return makeError(code::certEmpty,
                         QCoreApplication::translate(
                             "qpos::crypto", "The certificate text is empty. Give the whole "
                                             "PEM file with its BEGIN/END CERTIFICATE lines."));
    }
    auto blocks = readPemBlocks(pem, code::certInvalid);
    if (!blocks)
        return blocks.error();
    QList<X509Certificate> chain;
    for (const PemBlock& block : *blocks) {
        if (!isCertificateBlock(block.name))
            continue;
        X509Ptr certificate(block.name == "TRUSTED CERTIFICATE"
                                ? decodeWholeDer<X509>(block.der.view(), d2i_X509_AUX)
                                : decodeWholeDer<X509>(block.der.view(), d2i_X509));
        if (!certificate)
            return damagedCertificate(static_cast<int>(chain.size()) + 1);
        auto data = std::make_shared<Data>();
        data->certificate = std::move(certificate);
        chain.append(X509Certificate(std::move(data)));
    }
    if (chain.isEmpty()) {
        return makeError(
            code::certEmpty,
            QCoreApplication::translate("qpos::crypto",
                                        "No certificate was found. Expected a block starting with "
                                        "-----BEGIN CERTIFICATE-----."));
    }
    return chain;
}

Result<X509Certificate> X509Certificate::fromPem(QByteArrayView pem) {
    auto chain = chainFromPem(pem);
    if (!chain)
        return chain.error();
    return chain->first();
}

QString X509Certificate::serialDecimal() const {
    if (!m_data)
        return {};
    BignumPtr serial = serialNumber(m_data->certificate.get());
    if (!serial)
        return {};
    OpenSslStringPtr text(BN_bn2dec(serial.get()));
    return text ? QString::fromLatin1(text.get()) : QString();
}

QString X509Certificate::serialHex() const {
    if (!m_data)
        return {};
    BignumPtr serial = serialNumber(m_data->certificate.get());
    if (!serial)
        return {};
    OpenSslStringPtr text(BN_bn2hex(serial.get()));
    return text ? QString::fromLatin1(text.get()).toUpper() : QString();
}

QString X509Certificate::issuerDn() const {
    return m_data ? formatNameJavaStyle(X509_get_issuer_name(m_data->certificate.get()))
                  : QString();
}

QString X509Certificate::subjectDn() const {
    return m_data ? formatNameJavaStyle(X509_get_subject_name(m_data->certificate.get()))
                  : QString();
}

QString X509Certificate::signatureAlgorithmOid() const {
    if (!m_data)
        return {};
    const ASN1_OBJECT* object = signatureObject(m_data->certificate.get());
    return object ? objectToText(object, true) : QString();
}

QString X509Certificate::signatureAlgorithmName() const {
    if (!m_data)
        return {};
    const ASN1_OBJECT* object = signatureObject(m_data->certificate.get());
    if (object == nullptr)
        return {};
    const int nid = OBJ_obj2nid(object);
    if (nid != NID_undef) {
        if (const char* name = OBJ_nid2ln(nid))
            return QString::fromLatin1(name);
    }
    return objectToText(object, true);
}

bool X509Certificate::isSignedWithRsa() const {
    return signatureAlgorithmOid().startsWith(QLatin1String("1.2.840.113549.1.1."));
}

QDateTime X509Certificate::notBefore() const {
    return m_data ? toDateTime(X509_get0_notBefore(m_data->certificate.get())) : QDateTime();
}

QDateTime X509Certificate::notAfter() const {
    return m_data ? toDateTime(X509_get0_notAfter(m_data->certificate.get())) : QDateTime();
}

Result<RsaPublicKey> X509Certificate::publicKey() const {
    if (!m_data)
        return makeError(code::certEmpty,
                         QCoreApplication::translate("qpos::crypto", "No certificate is loaded."));
    OpenSslErrorScope errors;
    const EVP_PKEY* key = X509_get0_pubkey(m_data->certificate.get());
    if (key == nullptr) {
        return openSslError(code::keyInvalid,
                            QCoreApplication::translate(
                                "qpos::crypto",
                                "The certificate's public key could not be read; it may use an "
                                "algorithm this system does not support."));
    }
    return publicKeyFromPkey(
        key, QCoreApplication::translate("qpos::crypto", "The certificate's public key"));
}

QByteArray X509Certificate::toDer() const {
    if (!m_data)
        return {};
    unsigned char* raw = nullptr;
    const int length = i2d_X509(m_data->certificate.get(), &raw);
    OpenSslBytesPtr owned(raw);
    if (length <= 0)
        return {};
    return QByteArray(reinterpret_cast<const char*>(raw), length);
}

QByteArray X509Certificate::toPem() const {
    if (!m_data)
        return {};
    OpenSslErrorScope errors;
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), m_data->certificate.get()) <= 0)
        return {};
    return bioContents(bio.get());
}

bool operator==(const X509Certificate& a, const X509Certificate& b) {
    if (a.m_data == b.m_data)
        return true;
    if (!a.m_data || !b.m_data)
        return false;
    return X509_cmp(a.m_data->certificate.get(), b.m_data->certificate.get()) == 0;
}

} // namespace qpos::crypto
