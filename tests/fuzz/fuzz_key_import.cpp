// Key and certificate import: checkKeyText (KeyImport), the key file loaders (KeyFiles),
// X509Certificate and RsaPublicKey / RsaPrivateKey from PEM, base64 and DER, over any bytes.
// Properties: every key or certificate that loads survives its own export and loads back the
// same (DER, PEM and base64); a key file loads exactly when its text does, to the same key; a
// private key's signature verifies with its public key; and a refusal never quotes the text.
#include "core/crypto/KeyFiles.h"
#include "core/crypto/KeyImport.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/crypto/X509Certificate.h"
#include "tests/fuzz/FuzzSupport.h"

#include <QFile>
#include <QTemporaryDir>

#include <memory>

using namespace qpos;
using namespace qpos::crypto;

namespace {

const QTemporaryDir& scratch() {
    static const auto dir = std::make_unique<QTemporaryDir>();
    QPOS_FUZZ_CHECK(dir->isValid());
    return *dir;
}

QString writePrivateFile(const QByteArray& data) {
    const QString path = scratch().filePath(QStringLiteral("key.pem"));
    QFile file(path);
    QPOS_FUZZ_CHECK(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QPOS_FUZZ_CHECK(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    QPOS_FUZZ_CHECK(file.write(data) == data.size());
    return path;
}

void checkPublicKey(const RsaPublicKey& key) {
    QPOS_FUZZ_CHECK(!key.isNull() && key.bits() >= 2048);
    const Result<RsaPublicKey> fromDer = RsaPublicKey::fromDer(key.toDer());
    QPOS_FUZZ_CHECK(fromDer.ok() && fromDer.value() == key);
    const Result<RsaPublicKey> fromPem = RsaPublicKey::fromPem(key.toPem());
    QPOS_FUZZ_CHECK(fromPem.ok() && fromPem.value() == key);
    const Result<RsaPublicKey> fromBase64 = RsaPublicKey::fromBase64(key.toBase64());
    QPOS_FUZZ_CHECK(fromBase64.ok() && fromBase64.value() == key);
}

void checkCertificate(const X509Certificate& certificate) {
    QPOS_FUZZ_CHECK(!certificate.isNull());
    const Result<X509Certificate> fromDer = X509Certificate::fromDer(certificate.toDer());
    QPOS_FUZZ_CHECK(fromDer.ok() && fromDer.value() == certificate);
    const Result<X509Certificate> fromPem = X509Certificate::fromPem(certificate.toPem());
    QPOS_FUZZ_CHECK(fromPem.ok() && fromPem.value() == certificate);
    QPOS_FUZZ_CHECK(fromPem->serialHex() == certificate.serialHex());
    QPOS_FUZZ_CHECK(fromPem->issuerDn() == certificate.issuerDn());
    if (const Result<RsaPublicKey> key = certificate.publicKey())
        checkPublicKey(*key);
}

void checkRefusal(const Error& error, const QByteArray& text) {
    QPOS_FUZZ_CHECK(!error.code.isEmpty() && !error.message.isEmpty());
    // Long enough not to be a word of the message by chance: the text itself is never shown.
    const QByteArray trimmed = text.trimmed();
    if (trimmed.size() >= 40)
        QPOS_FUZZ_CHECK(!error.message.contains(QString::fromUtf8(trimmed)));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const QByteArray text = fuzz::bytesOf(data, size).toByteArray();

    for (KeyFileKind kind : {KeyFileKind::RsaPrivateKey, KeyFileKind::RsaPublicKey,
                             KeyFileKind::Certificate, KeyFileKind::ApiV3Key}) {
        const Result<QString> checked = checkKeyText(text, kind);
        if (checked)
            QPOS_FUZZ_CHECK(!checked->isEmpty());
        else
            checkRefusal(checked.error(), text);
    }

    const Result<RsaPublicKey> publicKey = RsaPublicKey::fromText(text);
    if (publicKey)
        checkPublicKey(*publicKey);
    else
        checkRefusal(publicKey.error(), text);
    if (const Result<RsaPublicKey> fromDer = RsaPublicKey::fromDer(text))
        checkPublicKey(*fromDer);

    const Result<QList<X509Certificate>> chain = X509Certificate::chainFromPem(text);
    if (chain) {
        QPOS_FUZZ_CHECK(!chain->isEmpty());
        for (const X509Certificate& certificate : *chain)
            checkCertificate(certificate);
        const Result<X509Certificate> first = X509Certificate::fromPem(text);
        QPOS_FUZZ_CHECK(first.ok() && first.value() == chain->front());
    }
    if (const Result<X509Certificate> fromDer = X509Certificate::fromDer(text))
        checkCertificate(*fromDer);

    const Result<RsaPrivateKey> privateKey = RsaPrivateKey::fromText(text);
    if (privateKey) {
        QPOS_FUZZ_CHECK(privateKey->bits() >= 2048);
        checkPublicKey(privateKey->publicKey());
        const Result<RsaPrivateKey> again = RsaPrivateKey::fromPem(privateKey->toPkcs8Pem());
        QPOS_FUZZ_CHECK(again.ok() && again->publicKey() == privateKey->publicKey());
        const Result<QByteArray> signature = privateKey->sign(text);
        QPOS_FUZZ_CHECK(signature.ok());
        QPOS_FUZZ_CHECK(privateKey->publicKey().verify(text, *signature).ok());
    } else {
        checkRefusal(privateKey.error(), text);
    }

    // The file loaders read what the text parsers read, and say which file they refused.
    if (text.isEmpty())
        return 0;
    const QString path = writePrivateFile(text);
    const Result<RsaPublicKey> publicFile = loadPublicKeyFile(path);
    QPOS_FUZZ_CHECK(publicFile.ok() == publicKey.ok());
    if (publicFile)
        QPOS_FUZZ_CHECK(publicFile.value() == publicKey.value());
    else
        checkRefusal(publicFile.error(), text);
    const Result<QList<X509Certificate>> chainFile = loadCertificateFile(path);
    QPOS_FUZZ_CHECK(chainFile.ok() == chain.ok());
    if (chainFile)
        QPOS_FUZZ_CHECK(chainFile.value() == chain.value());
    const Result<RsaPrivateKey> privateFile = loadPrivateKeyFile(path);
    QPOS_FUZZ_CHECK(privateFile.ok() == privateKey.ok());
    if (privateFile)
        QPOS_FUZZ_CHECK(privateFile->publicKey() == privateKey->publicKey());
    return 0;
}
