#include "sandbox/tls/SandboxCa.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace qpos::sandbox {

namespace {

constexpr char kCaFile[] = "sandbox-ca.pem";
constexpr char kCaKeyFile[] = "sandbox-ca-key.pem";
constexpr long kCaDays = 3650;
constexpr long kServerDays = 365;

struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
    void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;
using Bio = std::unique_ptr<BIO, Free>;
using Extension = std::unique_ptr<X509_EXTENSION, Free>;

Error failure(const QString& what) {
    return Error{QStringLiteral("sandbox.tls"),
                 QCoreApplication::translate("qpos::sandbox::SandboxCa",
                                             "The sandbox cannot make its HTTPS certificate (%1).")
                     .arg(what)};
}

QByteArray bioBytes(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(size));
}

QByteArray certPem(X509* cert) {
    Bio bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert);
    return bioBytes(bio.get());
}

QByteArray keyPem(EVP_PKEY* key) {
    Bio bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    return bioBytes(bio.get());
}

bool addExtension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
    Extension extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    return extension && X509_add_ext(cert, extension.get(), -1) == 1;
}

// A certificate for `key` named `commonName`, signed by `issuerKey` (itself when `issuer`
// is null), with `extensions` (nid, value) added.
Cert makeCertificate(EVP_PKEY* key, const char* commonName, X509* issuer, EVP_PKEY* issuerKey,
                     long days, std::initializer_list<std::pair<int, const char*>> extensions) {
    Cert cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1)
        return nullptr;
    // A random 64-bit serial: a fresh server certificate never repeats one a client saw.
    std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(BN_new(), &BN_free);
    if (!serial || BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())))
        return nullptr;
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * 24 * 3600);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("qpos sandbox"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(commonName), -1, -1, 0);
    X509* signer = issuer ? issuer : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
    for (const auto& [nid, value] : extensions) {
        if (!addExtension(cert.get(), signer, nid, value))
            return nullptr;
    }
    if (X509_sign(cert.get(), issuerKey, EVP_sha256()) <= 0)
        return nullptr;
    return cert;
}

Key newKey() {
    return Key(EVP_EC_gen("P-256"));
}

Result<std::pair<Cert, Key>> makeCa() {
    Key key = newKey();
    if (!key)
        return failure(QStringLiteral("EC key"));
    Cert cert = makeCertificate(key.get(), "qpos sandbox CA", nullptr, key.get(), kCaDays,
                                {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                                 {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                 {NID_subject_key_identifier, "hash"}});
    if (!cert)
        return failure(QStringLiteral("CA certificate"));
    return std::pair<Cert, Key>(std::move(cert), std::move(key));
}

Status writeFile(const QString& path, const QByteArray& bytes, bool secret) {
    QSaveFile file(path);
    const QFileDevice::Permissions mode = secret
                                              ? QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                              : QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                    QFileDevice::ReadGroup | QFileDevice::ReadOther;
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(mode) ||
        file.write(bytes) != bytes.size() || !file.commit())
        return Error{QStringLiteral("sandbox.key_file"),
                     QCoreApplication::translate("qpos::sandbox::SandboxCa",
                                                 "Cannot write %1; check the key directory.")
                         .arg(QDir::toNativeSeparators(path))};
    return Status::success();
}

Result<std::pair<Cert, Key>> loadCa(const QString& certPath, const QString& keyPath) {
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                            QFileDevice::ReadOther | QFileDevice::WriteOther;
    if (QFile::permissions(keyPath) & others)
        return Error{QStringLiteral("sandbox.key_file"),
                     QCoreApplication::translate("qpos::sandbox::SandboxCa",
                                                 "The key file %1 can be read by other users. "
                                                 "Run \"chmod 600 %1\" and start again.")
                         .arg(QDir::toNativeSeparators(keyPath))};
    QFile certFile(certPath);
    QFile keyFile(keyPath);
    if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("sandbox.key_file"),
                     QCoreApplication::translate(
                         "qpos::sandbox::SandboxCa",
                         "Cannot read the sandbox CA %1 or its key; remove both files to make "
                         "a new CA.")
                         .arg(QDir::toNativeSeparators(certPath))};
    const QByteArray certBytes = certFile.readAll();
    const QByteArray keyBytes = keyFile.readAll();
    Bio certBio(BIO_new_mem_buf(certBytes.constData(), int(certBytes.size())));
    Bio keyBio(BIO_new_mem_buf(keyBytes.constData(), int(keyBytes.size())));
    Cert cert(PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr));
    Key key(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr));
    if (!cert || !key || X509_check_private_key(cert.get(), key.get()) != 1)
        return Error{QStringLiteral("sandbox.key_file"),
                     QCoreApplication::translate(
                         "qpos::sandbox::SandboxCa",
                         "The sandbox CA %1 and its key do not belong together or are not PEM; "
                         "remove both files to make a new CA.")
                         .arg(QDir::toNativeSeparators(certPath))};
    return std::pair<Cert, Key>(std::move(cert), std::move(key));
}

} // namespace

QString sandboxCaFileName() {
    return QString::fromLatin1(kCaFile);
}

Result<SandboxTlsIdentity> loadOrCreateTlsIdentity(const QString& dir) {
    Result<std::pair<Cert, Key>> ca = failure(QString());
    if (dir.isEmpty()) {
        ca = makeCa();
    } else {
        const QString certPath = QDir(dir).filePath(QString::fromLatin1(kCaFile));
        const QString keyPath = QDir(dir).filePath(QString::fromLatin1(kCaKeyFile));
        if (QFileInfo::exists(certPath) && QFileInfo::exists(keyPath)) {
            ca = loadCa(certPath, keyPath);
        } else {
            ca = makeCa();
            if (ca) {
                if (!QDir().mkpath(dir))
                    return writeFile(certPath, {}, false).error();
                if (Status w = writeFile(keyPath, keyPem(ca->second.get()), true); !w)
                    return w.error();
                if (Status w = writeFile(certPath, certPem(ca->first.get()), false); !w)
                    return w.error();
            }
        }
    }
    if (!ca)
        return ca.error();

    Key serverKey = newKey();
    if (!serverKey)
        return failure(QStringLiteral("EC key"));
    Cert server = makeCertificate(serverKey.get(), "127.0.0.1", ca->first.get(), ca->second.get(),
                                  kServerDays,
                                  {{NID_basic_constraints, "critical,CA:FALSE"},
                                   {NID_key_usage, "critical,digitalSignature"},
                                   {NID_ext_key_usage, "serverAuth"},
                                   {NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost"},
                                   {NID_authority_key_identifier, "keyid:always"}});
    if (!server)
        return failure(QStringLiteral("server certificate"));

    SandboxTlsIdentity identity;
    identity.ca = QSslCertificate(certPem(ca->first.get()), QSsl::Pem);
    identity.server = QSslCertificate(certPem(server.get()), QSsl::Pem);
    identity.serverKey = QSslKey(keyPem(serverKey.get()), QSsl::Ec, QSsl::Pem);
    if (identity.ca.isNull() || identity.server.isNull() || identity.serverKey.isNull())
        return failure(QStringLiteral("PEM"));
    return identity;
}

} // namespace qpos::sandbox
