// Crypto module against the shared protocol vectors (tests/data/vectors.json, produced by an
// independent implementation) and against keys and certificates made here with OpenSSL.

#include "core/crypto/Aes256Gcm.h"
#include "core/crypto/AlipayCertSn.h"
#include "core/crypto/RsaPrivateKey.h"
#include "core/crypto/RsaPublicKey.h"
#include "core/crypto/SecureRandom.h"
#include "core/crypto/X509Certificate.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QThread>
#include <QUrl>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <atomic>
#include <memory>
#include <utility>
#include <vector>

using namespace qpos;
using namespace qpos::crypto;

namespace {

template <auto Free>
struct Deleter {
    template <typename T>
    void operator()(T* p) const {
        Free(p);
    }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using Cert = std::unique_ptr<X509, Deleter<X509_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

const QJsonObject& vectors() {
    static const QJsonObject root = [] {
        QFile file(QStringLiteral(QPOS_TEST_DATA_DIR "/vectors.json"));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot open vectors.json");
        return QJsonDocument::fromJson(file.readAll()).object();
    }();
    return root;
}

QByteArray vec(const char* section, const char* field) {
    const QJsonValue value =
        vectors().value(QLatin1String(section)).toObject().value(QLatin1String(field));
    if (!value.isString())
        qFatal("vector %s.%s missing", section, field);
    return value.toString().toUtf8();
}

QByteArray memoryOf(BIO* bio) {
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    return QByteArray(data, static_cast<qsizetype>(length));
}

QByteArray pkcs8Pem(EVP_PKEY* key) {
    Bio bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    return memoryOf(bio.get());
}

QByteArray spkiPem(EVP_PKEY* key) {
    Bio bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PUBKEY(bio.get(), key);
    return memoryOf(bio.get());
}

QByteArray certPem(X509* certificate) {
    Bio bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), certificate);
    return memoryOf(bio.get());
}

QByteArray pemWrap(const char* name, const QByteArray& der) {
    QByteArray pem = QByteArray("-----BEGIN ") + name + "-----\n";
    const QByteArray base64 = der.toBase64();
    for (qsizetype i = 0; i < base64.size(); i += 64)
        pem += base64.mid(i, 64) + '\n';
    return pem + "-----END " + name + "-----\n";
}

// The base64 body of a PEM text (or the text itself when it is bare base64), no whitespace.
QByteArray base64Body(const QByteArray& text) {
    QByteArray body;
    for (const QByteArray& line : text.split('\n')) {
        if (line.startsWith("-----"))
            continue;
        body += line.trimmed();
    }
    return body;
}

// The message must not quote any part of the key: no 12-character piece of its base64.
void expectNoKeyMaterial(const QString& message, const QByteArray& keyText) {
    QVERIFY2(!message.contains(QLatin1String("-----BEGIN")), qPrintable(message));
    const QByteArray body = base64Body(keyText);
    for (qsizetype i = 0; i + 12 <= body.size(); i += 4) {
        const QString piece = QString::fromLatin1(body.mid(i, 12));
        QVERIFY2(!message.contains(piece), qPrintable(message));
    }
}

QByteArray flipByte(QByteArray bytes, qsizetype index) {
    bytes[index] = static_cast<char>(bytes[index] ^ 0x01);
    return bytes;
}

Pkey generate(const char* type, size_t bits) {
    return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, type, bits));
}

Pkey generateEc() {
    return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
}

struct NameEntry {
    const char* field;
    QByteArray value;
    int set = 0; // 0: a new RDN; -1: joins the previous RDN
};

// A certificate for `subjectKey`, signed by `signingKey` with `md`; issuer = subject.
Cert makeCertificate(EVP_PKEY* subjectKey, EVP_PKEY* signingKey, const EVP_MD* md,
                     const char* serialHex, const std::vector<NameEntry>& name) {
    Cert certificate(X509_new());
    X509_set_version(certificate.get(), 2);
    BIGNUM* rawSerial = nullptr;
    BN_hex2bn(&rawSerial, serialHex);
    Bignum serial(rawSerial);
    BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get()));
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 3600L * 24 * 365);
    X509_set_pubkey(certificate.get(), subjectKey);
    X509_NAME* subject = X509_get_subject_name(certificate.get());
    for (const NameEntry& entry : name) {
        X509_NAME_add_entry_by_txt(subject, entry.field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(entry.value.constData()),
                                   static_cast<int>(entry.value.size()), -1, entry.set);
    }
    X509_set_issuer_name(certificate.get(), subject);
    if (X509_sign(certificate.get(), signingKey, md) <= 0)
        return nullptr;
    return certificate;
}

QString md5Hex(const QString& text) {
    return QString::fromLatin1(
        QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Md5).toHex());
}

const std::vector<NameEntry>& simpleName() {
    static const std::vector<NameEntry> name{
        {"C", "CN"}, {"O", "qpos Test"}, {"OU", "Testing"}, {"CN", "qpos Test CA"}};
    return name;
}

} // namespace

class TestCrypto : public QObject {
    Q_OBJECT

private slots:
    // --- keys ----------------------------------------------------------------------------
    void everyPrivateKeyFormLoadsTheSameKey() {
        const auto pkcs8 = RsaPrivateKey::fromText(vec("keys", "app_private_pkcs8_pem"));
        const auto pkcs1 = RsaPrivateKey::fromText(vec("keys", "app_private_pkcs1_pem"));
        const auto bare = RsaPrivateKey::fromText(vec("keys", "app_private_b64"));
        QVERIFY2(pkcs8.ok(), pkcs8.ok() ? "" : qPrintable(pkcs8.error().message));
        QVERIFY2(pkcs1.ok(), pkcs1.ok() ? "" : qPrintable(pkcs1.error().message));
        QVERIFY2(bare.ok(), bare.ok() ? "" : qPrintable(bare.error().message));
        QCOMPARE(pkcs8->bits(), 2048);

        const auto appPublic = RsaPublicKey::fromText(vec("keys", "app_public_b64"));
        QVERIFY(appPublic.ok());
        QCOMPARE(pkcs8->publicKey().toDer(), appPublic->toDer());
        QCOMPARE(pkcs1->publicKey().toDer(), appPublic->toDer());
        QCOMPARE(bare->publicKey().toDer(), appPublic->toDer());
        QCOMPARE(pkcs1->publicKey().modulus(), pkcs8->publicKey().modulus());
        QCOMPARE(pkcs8->publicKey().modulus().size(), 256);
        QVERIFY(pkcs8->publicKey() == *appPublic);
        QCOMPARE(appPublic->toBase64(), vec("keys", "app_public_b64"));
    }

    // Found by fuzzing (tests/fuzz/regressions/key_import): a key whose numbers were changed
    // still decoded, and signed what its public key never verifies.
    void inconsistentPrivateKeyIsRefused() {
        const auto key = RsaPrivateKey::fromText(vec("keys", "app_private_pkcs1_pem"));
        QVERIFY(key.ok());
        QByteArray der = QByteArray::fromBase64(vec("keys", "app_private_pkcs1_pem")
                                                    .replace("-----BEGIN RSA PRIVATE KEY-----", "")
                                                    .replace("-----END RSA PRIVATE KEY-----", ""));
        QVERIFY(RsaPrivateKey::fromDer(der).ok());
        // A byte of the last CRT coefficient (qInv): the DER stays well-formed.
        der[der.size() - 10] = char(der[der.size() - 10] ^ 0x01);
        const auto damaged = RsaPrivateKey::fromDer(der);
        QVERIFY(!damaged.ok());
        QCOMPARE(damaged.error().code, QStringLiteral("crypto.key_invalid"));
        QVERIFY(damaged.error().message.contains(QStringLiteral("Copy the whole key again")));
    }

    void bareBase64ToleratesWhitespace() {
        QByteArray wrapped;
        const QByteArray bare = vec("keys", "app_private_b64");
        for (qsizetype i = 0; i < bare.size(); i += 64)
            wrapped += bare.mid(i, 64) + "\r\n  ";
        const auto key = RsaPrivateKey::fromText(wrapped);
        QVERIFY(key.ok());
        QCOMPARE(key->publicKey().toBase64(), vec("keys", "app_public_b64"));

        // Bare base64 of PKCS#1 DER is accepted too.
        const QByteArray pkcs1Bare = base64Body(vec("keys", "app_private_pkcs1_pem"));
        const auto fromPkcs1 = RsaPrivateKey::fromText(pkcs1Bare);
        QVERIFY2(fromPkcs1.ok(), fromPkcs1.ok() ? "" : qPrintable(fromPkcs1.error().message));
        QCOMPARE(fromPkcs1->publicKey().toBase64(), vec("keys", "app_public_b64"));
    }

    void everyPublicKeyFormLoadsTheSameKey() {
        const auto pem = RsaPublicKey::fromText(vec("keys", "alipay_public_pem"));
        const auto bare = RsaPublicKey::fromText(vec("keys", "alipay_public_b64"));
        QVERIFY(pem.ok());
        QVERIFY(bare.ok());
        QCOMPARE(pem->toDer(), bare->toDer());
        QCOMPARE(pem->bits(), 2048);
        QCOMPARE(RsaPublicKey::fromText(pem->toPem())->toDer(), pem->toDer());

        // PKCS#1 "RSA PUBLIC KEY" form, made here from the app key.
        const QByteArray der = QByteArray::fromBase64(vec("keys", "app_public_b64"));
        const unsigned char* cursor = reinterpret_cast<const unsigned char*>(der.constData());
        Pkey key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size())));
        QVERIFY(key);
        unsigned char* raw = nullptr;
        const int length = i2d_PublicKey(key.get(), &raw);
        QVERIFY(length > 0);
        const QByteArray pkcs1(reinterpret_cast<const char*>(raw), length);
        OPENSSL_free(raw);
        const auto fromPkcs1 = RsaPublicKey::fromText(pemWrap("RSA PUBLIC KEY", pkcs1));
        QVERIFY2(fromPkcs1.ok(), fromPkcs1.ok() ? "" : qPrintable(fromPkcs1.error().message));
        QCOMPARE(fromPkcs1->toBase64(), vec("keys", "app_public_b64"));
        QCOMPARE(RsaPublicKey::fromDer(pkcs1)->toBase64(), vec("keys", "app_public_b64"));
    }

    void publicKeyFromCertificate() {
        auto appKey = RsaPrivateKey::fromText(vec("keys", "app_private_pkcs8_pem"));
        QVERIFY(appKey.ok());
        const QByteArray pem = vec("keys", "app_private_pkcs8_pem");
        Bio keyBio(BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size())));
        Pkey key(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr));
        QVERIFY(key);
        Cert certificate = makeCertificate(key.get(), key.get(), EVP_sha256(), "01", simpleName());
        QVERIFY(certificate);
        const QByteArray text = certPem(certificate.get());
        const auto fromCert = RsaPublicKey::fromText(text);
        QVERIFY2(fromCert.ok(), fromCert.ok() ? "" : qPrintable(fromCert.error().message));
        QVERIFY(fromCert.value() == appKey->publicKey());
        const auto fromBareCert = RsaPublicKey::fromText(base64Body(text));
        QVERIFY(fromBareCert.ok());
        QVERIFY(fromBareCert.value() == appKey->publicKey());
    }

    // --- Alipay ---------------------------------------------------------------------------
    void alipayRequestSign() {
        const QByteArray content = vec("request_sign", "sign_content");
        for (const char* form :
             {"app_private_pkcs8_pem", "app_private_pkcs1_pem", "app_private_b64"}) {
            const auto key = RsaPrivateKey::fromText(vec("keys", form));
            QVERIFY(key.ok());
            const auto sign = key->signBase64(content);
            QVERIFY(sign.ok());
            QCOMPARE(sign.value(), vec("request_sign", "sign"));
            const auto raw = key->sign(content);
            QVERIFY(raw.ok());
            QCOMPARE(raw->size(), 256);
            QCOMPARE(raw->toBase64(), vec("request_sign", "sign"));
            QVERIFY(key->publicKey().verify(content, raw.value()).ok());
        }
    }

    void alipayResponseVerify() {
        const QByteArray raw = vec("response_verify", "raw");
        const QByteArray signedText = vec("response_verify", "signed_text");
        QVERIFY(raw.contains(signedText));
        const QByteArray sign = QJsonDocument::fromJson(raw)
                                    .object()
                                    .value(QLatin1String("sign"))
                                    .toString()
                                    .toLatin1();
        for (const char* form : {"alipay_public_pem", "alipay_public_b64"}) {
            const auto key = RsaPublicKey::fromText(vec("keys", form));
            QVERIFY(key.ok());
            const Status valid = key->verifyBase64(signedText, sign);
            QVERIFY2(valid.ok(), valid.ok() ? "" : qPrintable(valid.error().message));

            // One changed character in the signed text: refused as a mismatch.
            QByteArray changed = signedText;
            changed.replace("10000", "10001");
            const Status invalid = key->verifyBase64(changed, sign);
            QVERIFY(!invalid.ok());
            QCOMPARE(invalid.error().code, QStringLiteral("crypto.signature_mismatch"));
        }
    }

    void alipayTamperedResponseFails() {
        const QByteArray raw = vec("response_tampered", "raw");
        const QByteArray prefix = "{\"alipay_trade_precreate_response\":";
        QVERIFY(raw.startsWith(prefix));
        const qsizetype end = raw.lastIndexOf(",\"sign\":");
        QVERIFY(end > prefix.size());
        const QByteArray signedText = raw.mid(prefix.size(), end - prefix.size());
        const QByteArray sign = QJsonDocument::fromJson(raw)
                                    .object()
                                    .value(QLatin1String("sign"))
                                    .toString()
                                    .toLatin1();
        const auto key = RsaPublicKey::fromText(vec("keys", "alipay_public_b64"));
        QVERIFY(key.ok());
        const Status status = key->verifyBase64(signedText, sign);
        QVERIFY(!status.ok());
    }

    void alipayNotificationVerify() {
        const QByteArray body = vec("notification", "form_body");
        QByteArray sign;
        for (const QByteArray& pair : body.split('&')) {
            if (pair.startsWith("sign=")) {
                QByteArray value = pair.mid(5);
                value.replace('+', ' ');
                sign = QUrl::fromPercentEncoding(value).toLatin1();
            }
        }
        QVERIFY(!sign.isEmpty());
        const auto key = RsaPublicKey::fromText(vec("keys", "alipay_public_pem"));
        QVERIFY(key.ok());
        const QByteArray content = vec("notification", "sign_content");
        QVERIFY(key->verifyBase64(content, sign).ok());
        QVERIFY(!key->verifyBase64(flipByte(content, 10), sign).ok());
    }

    // --- WeChat Pay -----------------------------------------------------------------------
    void wechatRequestSign() {
        const QByteArray message =
            vec("wechat_request_sign", "method") + '\n' + vec("wechat_request_sign", "url") + '\n' +
            vec("wechat_request_sign", "timestamp") + '\n' + vec("wechat_request_sign", "nonce") +
            '\n' + vec("wechat_request_sign", "body") + '\n';
        QCOMPARE(message, vec("wechat_request_sign", "message"));
        const auto key =
            RsaPrivateKey::fromText(vec("wechat_request_sign", "merchant_private_pkcs8_pem"));
        QVERIFY(key.ok());
        const auto signature = key->signBase64(message);
        QVERIFY(signature.ok());
        QCOMPARE(signature.value(), vec("wechat_request_sign", "signature"));
    }

    void wechatResponseVerify() {
        const QByteArray message = vec("wechat_response_verify", "timestamp") + '\n' +
                                   vec("wechat_response_verify", "nonce") + '\n' +
                                   vec("wechat_response_verify", "body") + '\n';
        const QByteArray signature = vec("wechat_response_verify", "signature");
        const auto key =
            RsaPublicKey::fromText(vec("wechat_response_verify", "platform_public_pem"));
        QVERIFY(key.ok());
        QVERIFY(key->verifyBase64(message, signature).ok());

        for (qsizetype index : {qsizetype(0), message.size() / 2, message.size() - 1}) {
            const Status status = key->verifyBase64(flipByte(message, index), signature);
            QVERIFY(!status.ok());
            QCOMPARE(status.error().code, QStringLiteral("crypto.signature_mismatch"));
        }
        // A changed signature byte.
        const QByteArray rawSignature = QByteArray::fromBase64(signature);
        QVERIFY(!key->verify(message, flipByte(rawSignature, 100)).ok());
        // A signature made by another key.
        const auto other = RsaPrivateKey::fromText(vec("keys", "app_private_pkcs8_pem"));
        QVERIFY(!key->verify(message, other->sign(message).value()).ok());
    }

    void malformedSignaturesAreErrorsNotCrashes_data() {
        QTest::addColumn<QByteArray>("signature");
        QTest::addColumn<QString>("code");
        const QByteArray good = vec("wechat_response_verify", "signature");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("crypto.signature_malformed");
        QTest::newRow("not base64")
            << QByteArray("@@@###") << QStringLiteral("crypto.signature_malformed");
        QTest::newRow("truncated base64")
            << good.left(good.size() - 7) << QStringLiteral("crypto.signature_malformed");
        QTest::newRow("half") << good.left(good.size() / 2)
                              << QStringLiteral("crypto.signature_malformed");
        QTest::newRow("too long") << QByteArray(good + "AAAA")
                                  << QStringLiteral("crypto.signature_malformed");
        QTest::newRow("embedded space")
            << QByteArray(good).insert(10, ' ') << QStringLiteral("crypto.signature_malformed");
        QTest::newRow("all zero") << QByteArray(256, '\0').toBase64()
                                  << QStringLiteral("crypto.signature_mismatch");
        QTest::newRow("all ones") << QByteArray(256, '\xff').toBase64()
                                  << QStringLiteral("crypto.signature_mismatch");
    }

    void malformedSignaturesAreErrorsNotCrashes() {
        QFETCH(QByteArray, signature);
        QFETCH(QString, code);
        const auto key =
            RsaPublicKey::fromText(vec("wechat_response_verify", "platform_public_pem"));
        QVERIFY(key.ok());
        const Status status = key->verifyBase64("message", signature);
        QVERIFY(!status.ok());
        QCOMPARE(status.error().code, code);
        QVERIFY(!status.error().message.isEmpty());
    }

    void nullKeysFailCleanly() {
        RsaPrivateKey privateKey;
        RsaPublicKey publicKey;
        QVERIFY(privateKey.isNull());
        QVERIFY(!privateKey.sign("x").ok());
        QCOMPARE(privateKey.sign("x").error().code, QStringLiteral("crypto.key_null"));
        QVERIFY(!publicKey.verify("x", "y").ok());
        QVERIFY(publicKey.toDer().isEmpty());
    }

    void wechatNotificationDecrypt() {
        const QByteArray key = vec("wechat_notification_decrypt", "apiv3_key");
        const QByteArray nonce = vec("wechat_notification_decrypt", "nonce");
        const QByteArray aad = vec("wechat_notification_decrypt", "associated_data");
        const QByteArray data =
            QByteArray::fromBase64(vec("wechat_notification_decrypt", "ciphertext"));
        const auto plaintext = aes256GcmDecrypt(key, nonce, aad, data);
        QVERIFY2(plaintext.ok(), plaintext.ok() ? "" : qPrintable(plaintext.error().message));
        QCOMPARE(plaintext.value(), vec("wechat_notification_decrypt", "plaintext"));

        const QString auth = QStringLiteral("crypto.aead_auth_failed");
        const auto expectFailure = [](const Result<QByteArray>& result, const QString& code) {
            QVERIFY(!result.ok());
            QCOMPARE(result.error().code, code);
        };
        expectFailure(aes256GcmDecrypt(key, nonce, aad, flipByte(data, data.size() - 1)), auth);
        expectFailure(aes256GcmDecrypt(key, nonce, aad, flipByte(data, 0)), auth);
        expectFailure(aes256GcmDecrypt(key, nonce, flipByte(aad, 0), data), auth);
        expectFailure(aes256GcmDecrypt(key, nonce, QByteArray(), data), auth);
        expectFailure(aes256GcmDecrypt(flipByte(key, 5), nonce, aad, data), auth);
        expectFailure(aes256GcmDecrypt(key, flipByte(nonce, 0), aad, data), auth);
        expectFailure(aes256GcmDecrypt(key, nonce, aad, data.left(data.size() - 1)), auth);

        const QString input = QStringLiteral("crypto.aead_input");
        expectFailure(aes256GcmDecrypt(key, nonce, aad, data.left(15)), input);
        expectFailure(aes256GcmDecrypt(key, nonce, aad, QByteArray()), input);
        expectFailure(aes256GcmDecrypt(key.left(31), nonce, aad, data), input);
        expectFailure(aes256GcmDecrypt(key, nonce.left(11), aad, data), input);
    }

    void gcmRoundTrip_data() {
        QTest::addColumn<QByteArray>("aad");
        QTest::addColumn<QByteArray>("plaintext");
        QTest::newRow("transaction")
            << QByteArray("transaction") << QByteArray(R"({"trade_state":"SUCCESS"})");
        QTest::newRow("empty aad") << QByteArray() << QByteArray("hello");
        QTest::newRow("empty plaintext") << QByteArray("x") << QByteArray();
        QTest::newRow("large") << QByteArray("aad") << QByteArray(100'000, 'z');
    }

    void gcmRoundTrip() {
        QFETCH(QByteArray, aad);
        QFETCH(QByteArray, plaintext);
        const QByteArray key = randomAlphanumeric(32).value().toLatin1();
        const QByteArray nonce = randomAlphanumeric(12).value().toLatin1();
        const auto sealed = aes256GcmEncrypt(key, nonce, aad, plaintext);
        QVERIFY(sealed.ok());
        QCOMPARE(sealed->size(), plaintext.size() + 16);
        const auto opened = aes256GcmDecrypt(key, nonce, aad, sealed.value());
        QVERIFY(opened.ok());
        QCOMPARE(opened.value(), plaintext);
        QVERIFY(!aes256GcmDecrypt(key, nonce, aad + "!", sealed.value()).ok());
    }

    void gcmEncryptMatchesVector() {
        const auto sealed = aes256GcmEncrypt(vec("wechat_notification_decrypt", "apiv3_key"),
                                             vec("wechat_notification_decrypt", "nonce"),
                                             vec("wechat_notification_decrypt", "associated_data"),
                                             vec("wechat_notification_decrypt", "plaintext"));
        QVERIFY(sealed.ok());
        QCOMPARE(sealed->toBase64(), vec("wechat_notification_decrypt", "ciphertext"));
    }

    // --- refusals -------------------------------------------------------------------------
    void garbageAndTruncatedKeysAreRefusedWithoutQuotingThem() {
        const QByteArray bare = vec("keys", "app_private_b64");
        const QByteArray pem = vec("keys", "app_private_pkcs8_pem");
        const QList<QByteArray> inputs{
            "-----BEGIN PRIVATE KEY-----\nTm90IGEga2V5IGF0IGFsbCwganVzdCB0ZXh0Lg==\n-----END "
            "PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\n" + bare.left(200) + "\n",    // no END line
            pem.left(pem.size() / 2) + "\n-----END PRIVATE KEY-----\n", // body cut
            bare.left(bare.size() / 2),                                 // truncated base64
            bare.left(bare.size() - 1),                                 // one character missing
            bare.left(bare.size() - 8),
            "this is not a key",
            QByteArray(bare).replace('A', '*'),
        };
        for (const QByteArray& input : inputs) {
            const auto key = RsaPrivateKey::fromText(input);
            QVERIFY(!key.ok());
            QCOMPARE(key.error().code, QStringLiteral("crypto.key_invalid"));
            expectNoKeyMaterial(key.error().message, input);
            expectNoKeyMaterial(key.error().message, bare);
        }
        const auto empty = RsaPrivateKey::fromText(" \n\t");
        QVERIFY(!empty.ok());
        QCOMPARE(empty.error().code, QStringLiteral("crypto.key_empty"));
        const auto publicEmpty = RsaPublicKey::fromText("");
        QCOMPARE(publicEmpty.error().code, QStringLiteral("crypto.key_empty"));
        const auto publicGarbage =
            RsaPublicKey::fromText(vec("keys", "alipay_public_b64").left(100));
        QCOMPARE(publicGarbage.error().code, QStringLiteral("crypto.key_invalid"));
        expectNoKeyMaterial(publicGarbage.error().message, vec("keys", "alipay_public_b64"));
    }

    void ecKeysAreRefused() {
        Pkey ec = generateEc();
        QVERIFY(ec);
        const QByteArray pem = pkcs8Pem(ec.get());
        for (const QByteArray& input : {pem, base64Body(pem)}) {
            const auto key = RsaPrivateKey::fromText(input);
            QVERIFY(!key.ok());
            QCOMPARE(key.error().code, QStringLiteral("crypto.key_not_rsa"));
            QVERIFY2(key.error().message.contains(QLatin1String("EC")),
                     qPrintable(key.error().message));
            expectNoKeyMaterial(key.error().message, pem);
        }
        const QByteArray publicPem = spkiPem(ec.get());
        const auto publicKey = RsaPublicKey::fromText(publicPem);
        QVERIFY(!publicKey.ok());
        QCOMPARE(publicKey.error().code, QStringLiteral("crypto.key_not_rsa"));
        expectNoKeyMaterial(publicKey.error().message, publicPem);
    }

    void smallRsaKeysAreRefused() {
        Pkey small = generate("RSA", 1024);
        QVERIFY(small);
        const QByteArray pem = pkcs8Pem(small.get());
        for (const QByteArray& input : {pem, base64Body(pem)}) {
            const auto key = RsaPrivateKey::fromText(input);
            QVERIFY(!key.ok());
            QCOMPARE(key.error().code, QStringLiteral("crypto.key_too_small"));
            QVERIFY2(key.error().message.contains(QLatin1String("1024")),
                     qPrintable(key.error().message));
            expectNoKeyMaterial(key.error().message, pem);
        }
        const auto publicKey = RsaPublicKey::fromText(spkiPem(small.get()));
        QCOMPARE(publicKey.error().code, QStringLiteral("crypto.key_too_small"));
        QCOMPARE(RsaPrivateKey::generate(1024).error().code,
                 QStringLiteral("crypto.key_too_small"));
    }

    void encryptedKeysAreRefusedWithoutPrompting() {
        const QByteArray pem = vec("keys", "app_private_pkcs8_pem");
        Bio in(BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size())));
        Pkey key(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
        QVERIFY(key);
        Bio out(BIO_new(BIO_s_mem()));
        char passphrase[] = "secret-passphrase";
        QVERIFY(PEM_write_bio_PKCS8PrivateKey(out.get(), key.get(), EVP_aes_256_cbc(), passphrase,
                                              static_cast<int>(sizeof(passphrase) - 1), nullptr,
                                              nullptr) > 0);
        const QByteArray encrypted = memoryOf(out.get());
        const auto loaded = RsaPrivateKey::fromText(encrypted);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, QStringLiteral("crypto.key_encrypted"));
        expectNoKeyMaterial(loaded.error().message, encrypted);
    }

    void wrongKindOfKeyIsNamed() {
        const auto privateFromPublic = RsaPrivateKey::fromText(vec("keys", "alipay_public_pem"));
        QCOMPARE(privateFromPublic.error().code, QStringLiteral("crypto.key_wrong_kind"));
        const auto privateFromBarePublic =
            RsaPrivateKey::fromText(vec("keys", "alipay_public_b64"));
        QCOMPARE(privateFromBarePublic.error().code, QStringLiteral("crypto.key_wrong_kind"));

        const QByteArray secret = vec("keys", "app_private_pkcs8_pem");
        const auto publicFromPrivate = RsaPublicKey::fromText(secret);
        QCOMPARE(publicFromPrivate.error().code, QStringLiteral("crypto.key_wrong_kind"));
        expectNoKeyMaterial(publicFromPrivate.error().message, secret);
        const auto publicFromBarePrivate = RsaPublicKey::fromText(vec("keys", "app_private_b64"));
        QCOMPARE(publicFromBarePrivate.error().code, QStringLiteral("crypto.key_wrong_kind"));
        expectNoKeyMaterial(publicFromBarePrivate.error().message, secret);
    }

    void generatedKeysRoundTrip() {
        const auto key = RsaPrivateKey::generate(2048);
        QVERIFY(key.ok());
        const QByteArray pem = key->toPkcs8Pem();
        QVERIFY(pem.startsWith("-----BEGIN PRIVATE KEY-----"));
        const auto reloaded = RsaPrivateKey::fromText(pem);
        QVERIFY(reloaded.ok());
        QVERIFY(reloaded->publicKey() == key->publicKey());
        const auto signature = key->sign("payload");
        QVERIFY(reloaded->publicKey().verify("payload", signature.value()).ok());
    }

    void signingFromManyThreads() {
        const auto key = RsaPrivateKey::fromText(vec("keys", "app_private_pkcs8_pem"));
        QVERIFY(key.ok());
        const RsaPrivateKey shared = key.value();
        const QByteArray expected = vec("request_sign", "sign");
        const QByteArray content = vec("request_sign", "sign_content");
        std::atomic<int> failures{0};
        std::vector<std::unique_ptr<QThread>> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back(QThread::create([&] {
                for (int i = 0; i < 10; ++i) {
                    const auto signature = shared.signBase64(content);
                    if (!signature.ok() || signature.value() != expected)
                        ++failures;
                    if (!shared.publicKey().verifyBase64(content, expected).ok())
                        ++failures;
                }
            }));
            threads.back()->start();
        }
        for (auto& thread : threads)
            thread->wait();
        QCOMPARE(failures.load(), 0);
    }

    // --- certificates ---------------------------------------------------------------------
    void selfSignedCertificate() {
        Pkey key = generate("RSA", 2048);
        QVERIFY(key);
        // 0x0123456789ABCDEF0123456789ABCDEF01 in decimal (computed independently).
        Cert made = makeCertificate(key.get(), key.get(), EVP_sha256(),
                                    "0123456789ABCDEF0123456789ABCDEF01", simpleName());
        QVERIFY(made);
        const auto certificate = X509Certificate::fromPem(certPem(made.get()));
        QVERIFY2(certificate.ok(), certificate.ok() ? "" : qPrintable(certificate.error().message));
        const QString decimal = QStringLiteral("387165715252267757836693082728079159041");
        QCOMPARE(certificate->serialDecimal(), decimal);
        QCOMPARE(certificate->serialHex(), QStringLiteral("0123456789ABCDEF0123456789ABCDEF01"));
        const QString issuer = QStringLiteral("CN=qpos Test CA,OU=Testing,O=qpos Test,C=CN");
        QCOMPARE(certificate->issuerDn(), issuer);
        QCOMPARE(certificate->subjectDn(), issuer);
        QCOMPARE(certificate->signatureAlgorithmName(), QStringLiteral("sha256WithRSAEncryption"));
        QCOMPARE(certificate->signatureAlgorithmOid(), QStringLiteral("1.2.840.113549.1.1.11"));
        QVERIFY(certificate->isSignedWithRsa());
        QCOMPARE(appCertSn(certificate.value()), md5Hex(issuer + decimal));
        QCOMPARE(alipayCertSn(certificate.value()).size(), 32);
        QVERIFY(certificate->notBefore().isValid());
        QVERIFY(certificate->notAfter() > certificate->notBefore());
        QCOMPARE(certificate->notBefore().timeSpec(), Qt::UTC);

        const auto publicKey = certificate->publicKey();
        QVERIFY(publicKey.ok());
        QCOMPARE(publicKey->toPem(), spkiPem(key.get()));
        QVERIFY(X509Certificate::fromDer(certificate->toDer()).value() == certificate.value());
        QCOMPARE(X509Certificate::fromPem(certificate->toPem())->serialHex(),
                 certificate->serialHex());
    }

    void issuerDnFollowsJavaRfc2253() {
        Pkey key = generate("RSA", 2048);
        const std::vector<NameEntry> name{
            {"C", "CN"},
            {"L", "Hangzhou"},
            {"O", "Acme, Inc. <x>", -1}, // joins the L RDN: a multi-valued RDN
            {"CN", QByteArray(" \xe6\xb5\x8b\xe8\xaf\x95 CA")},
            {"emailAddress", "ca@example.com"},
        };
        Cert made = makeCertificate(key.get(), key.get(), EVP_sha256(), "0A", name);
        QVERIFY(made);
        const auto certificate = X509Certificate::fromPem(certPem(made.get()));
        QVERIFY(certificate.ok());
        // Reversed RDNs; "+" inside the multi-valued RDN; ",<>" and the leading space escaped;
        // emailAddress has no RFC 2253 keyword: dotted OID and "#" + DER (IA5String) in hex.
        const QString expected =
            QStringLiteral("1.2.840.113549.1.9.1=#160e6361406578616d706c652e636f6d,") +
            QStringLiteral("CN=\\ ") + QString::fromUtf8("\xe6\xb5\x8b\xe8\xaf\x95") +
            QStringLiteral(" CA,L=Hangzhou+O=Acme\\, Inc. \\<x\\>,C=CN");
        QCOMPARE(certificate->issuerDn(), expected);
        QCOMPARE(certificate->serialDecimal(), QStringLiteral("10"));
        QCOMPARE(certificate->serialHex(), QStringLiteral("0A"));
        QCOMPARE(alipayCertSn(certificate.value()), md5Hex(expected + QStringLiteral("10")));
    }

    void alipayRootCertSnSkipsNonRsaRoots() {
        Pkey rsa = generate("RSA", 2048);
        Pkey ec = generateEc();
        Cert sha256Root = makeCertificate(rsa.get(), rsa.get(), EVP_sha256(), "1001", simpleName());
        const std::vector<NameEntry> ecName{{"C", "CN"}, {"O", "qpos Test"}, {"CN", "EC Root"}};
        Cert ecRoot = makeCertificate(ec.get(), ec.get(), EVP_sha256(), "1002", ecName);
        const std::vector<NameEntry> oldName{{"C", "CN"}, {"O", "qpos"}, {"CN", "Old Root"}};
        Cert sha1Root = makeCertificate(rsa.get(), rsa.get(), EVP_sha1(), "1003", oldName);
        QVERIFY(sha256Root && ecRoot && sha1Root);

        const QByteArray bundle =
            certPem(sha256Root.get()) + certPem(ecRoot.get()) + certPem(sha1Root.get());
        const auto chain = X509Certificate::chainFromPem(bundle);
        QVERIFY(chain.ok());
        QCOMPARE(chain->size(), 3);
        QVERIFY(!chain->at(1).isSignedWithRsa());
        QCOMPARE(chain->at(1).signatureAlgorithmName(), QStringLiteral("ecdsa-with-SHA256"));
        QCOMPARE(chain->at(2).signatureAlgorithmName(), QStringLiteral("sha1WithRSAEncryption"));
        QVERIFY(!chain->at(1).publicKey().ok()); // an EC key is not an RSA public key

        const QString expected =
            md5Hex(QStringLiteral("CN=qpos Test CA,OU=Testing,O=qpos Test,C=CN") +
                   QString::number(0x1001)) +
            QLatin1Char('_') +
            md5Hex(QStringLiteral("CN=Old Root,O=qpos,C=CN") + QString::number(0x1003));
        QCOMPARE(alipayRootCertSn(chain.value()).value(), expected);
        QCOMPARE(alipayRootCertSnFromPem(bundle).value(), expected);

        const auto onlyEc = alipayRootCertSnFromPem(certPem(ecRoot.get()));
        QVERIFY(!onlyEc.ok());
    }

    void damagedCertificatesAreRefused() {
        Pkey key = generate("RSA", 2048);
        Cert made = makeCertificate(key.get(), key.get(), EVP_sha256(), "01", simpleName());
        const QByteArray pem = certPem(made.get());
        const QByteArray body = base64Body(pem);
        const QByteArray damaged = "-----BEGIN CERTIFICATE-----\n" + body.left(body.size() / 2) +
                                   "\n-----END CERTIFICATE-----\n";
        QVERIFY(!X509Certificate::fromPem(damaged).ok());
        const auto second = X509Certificate::chainFromPem(pem + damaged);
        QVERIFY(!second.ok());
        QVERIFY2(second.error().message.contains(QLatin1String("2")),
                 qPrintable(second.error().message));
        QCOMPARE(X509Certificate::fromPem("no certificate here").error().code,
                 QStringLiteral("crypto.cert_empty"));
        QCOMPARE(X509Certificate::fromPem(vec("keys", "alipay_public_pem")).error().code,
                 QStringLiteral("crypto.cert_empty"));
        QVERIFY(!X509Certificate::fromDer("\x30\x03\x02\x01\x01").ok());
        X509Certificate none;
        QVERIFY(none.isNull());
        QVERIFY(none.serialHex().isEmpty());
        QVERIFY(alipayCertSn(none).isEmpty());
    }

    // --- random ---------------------------------------------------------------------------
    void randomBytesAndNonces() {
        const auto a = randomBytes(32);
        const auto b = randomBytes(32);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->size(), 32);
        QVERIFY(a.value() != b.value());
        QCOMPARE(randomBytes(0)->size(), 0);

        const QRegularExpression alphanumeric(QStringLiteral("^[A-Za-z0-9]*$"));
        for (qsizetype length : {0, 1, 12, 16, 32, 63, 200}) {
            const auto nonce = randomAlphanumeric(length);
            QVERIFY(nonce.ok());
            QCOMPARE(nonce->size(), length);
            QVERIFY(alphanumeric.match(nonce.value()).hasMatch());
        }
        QVERIFY(randomAlphanumeric(32).value() != randomAlphanumeric(32).value());

        // Every one of the 62 characters shows up, none wildly more often than the others.
        const QString many = randomAlphanumeric(62 * 400).value();
        QHash<QChar, int> counts;
        for (const QChar c : many)
            ++counts[c];
        QCOMPARE(counts.size(), 62);
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            QVERIFY2(it.value() > 250 && it.value() < 600, qPrintable(QString(it.key())));
    }
};

QTEST_GUILESS_MAIN(TestCrypto)
#include "tst_crypto.moc"
