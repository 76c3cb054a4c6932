// Key import: each kind of key setting accepts what it needs in every form the providers hand
// out (PEM or bare base64; certificates), refuses the wrong kind of key with a message that
// says so, and stores a private copy (0600 in a 0700 directory) named by its contents.

#include "core/crypto/KeyImport.h"
#include "core/crypto/RsaPrivateKey.h"
#include "tests/support/TestCertificates.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace qpos;
using crypto::KeyFileKind;

namespace {

constexpr QFile::Permissions kOthers = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                       QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;

QByteArray pemBody(const QByteArray& pem) {
    QByteArray body;
    for (const QByteArray& line : pem.split('\n')) {
        if (!line.startsWith("-----"))
            body += line;
    }
    return body;
}

} // namespace

class TestKeyImport : public QObject {
    Q_OBJECT

    crypto::RsaPrivateKey m_key;
    QByteArray m_certificate;

private slots:
    void initTestCase() {
        auto key = crypto::RsaPrivateKey::generate(2048);
        QVERIFY(key.ok());
        m_key = *key;
        m_certificate = test::selfSignedCertificate("07", "qpos test");
        QVERIFY(m_certificate.startsWith("-----BEGIN CERTIFICATE-----"));
    }

    void acceptsEveryFormOfTheRightKind() {
        const QByteArray privatePem = m_key.toPkcs8Pem();
        for (const QByteArray& text : {privatePem, pemBody(privatePem)}) {
            const auto checked = crypto::checkKeyText(text, KeyFileKind::RsaPrivateKey);
            QVERIFY2(checked.ok(), checked.ok() ? "" : qPrintable(checked.error().message));
            QVERIFY(checked->contains(QStringLiteral("2048")));
        }
        for (const QByteArray& text :
             {m_key.publicKey().toPem(), m_key.publicKey().toBase64(), m_certificate}) {
            const auto checked = crypto::checkKeyText(text, KeyFileKind::RsaPublicKey);
            QVERIFY2(checked.ok(), checked.ok() ? "" : qPrintable(checked.error().message));
        }
        const auto certificate = crypto::checkKeyText(m_certificate, KeyFileKind::Certificate);
        QVERIFY(certificate.ok());
        QVERIFY(certificate->contains(QStringLiteral("1 certificate")));
        QVERIFY(
            crypto::checkKeyText("  0123456789abcdefABCDEF0123456789\r\n", KeyFileKind::ApiV3Key)
                .ok());
    }

    void refusesTheWrongKindSayingWhatItIs() {
        auto refused = crypto::checkKeyText(m_key.publicKey().toPem(), KeyFileKind::RsaPrivateKey);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, QStringLiteral("crypto.import_wrong_kind"));
        QVERIFY(refused.error().message.contains(QStringLiteral("public key")));
        refused = crypto::checkKeyText(m_certificate, KeyFileKind::RsaPrivateKey);
        QVERIFY(!refused.ok());

        for (KeyFileKind kind : {KeyFileKind::RsaPublicKey, KeyFileKind::Certificate}) {
            refused = crypto::checkKeyText(m_key.toPkcs8Pem(), kind);
            QVERIFY(!refused.ok());
            QCOMPARE(refused.error().code, QStringLiteral("crypto.import_wrong_kind"));
            QVERIFY(refused.error().message.contains(QStringLiteral("private key")));
        }
        refused = crypto::checkKeyText(m_key.publicKey().toPem(), KeyFileKind::Certificate);
        QVERIFY(!refused.ok());
        refused = crypto::checkKeyText(m_key.publicKey().toPem(), KeyFileKind::ApiV3Key);
        QCOMPARE(refused.error().code, QStringLiteral("crypto.import_wrong_kind"));
        for (const QByteArray& text :
             {QByteArray("0123456789abcdef"), QByteArray("0123456789abcdef0123456789abcde!"),
              QByteArray("0123456789abcdef0123456789abcdef0")}) {
            QVERIFY(!crypto::checkKeyText(text, KeyFileKind::ApiV3Key).ok());
        }
        for (KeyFileKind kind : {KeyFileKind::RsaPrivateKey, KeyFileKind::RsaPublicKey,
                                 KeyFileKind::Certificate, KeyFileKind::ApiV3Key}) {
            QVERIFY(!crypto::checkKeyText("hello", kind).ok());
            QVERIFY(!crypto::checkKeyText(" \n", kind).ok());
        }
        // The message never repeats the text it was given.
        const QByteArray body = pemBody(m_key.toPkcs8Pem());
        refused = crypto::checkKeyText(body, KeyFileKind::RsaPublicKey);
        QVERIFY(!refused.error().message.contains(QString::fromLatin1(body.left(24))));
    }

    void storesAPrivateCopyNamedByItsContents() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString source = dir.filePath(QStringLiteral("downloaded.pem"));
        QFile file(source);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(m_key.toPkcs8Pem());
        file.close();
        QVERIFY(QFile::setPermissions(source, QFile::ReadOwner | QFile::WriteOwner |
                                                  QFile::ReadGroup | QFile::ReadOther));
        // An existing key directory that others could enter is tightened.
        const QString keyDir = dir.filePath(QStringLiteral("data/keys"));
        QVERIFY(QDir().mkpath(keyDir));
        QVERIFY(QFile::setPermissions(keyDir, QFile::ReadOwner | QFile::WriteOwner |
                                                  QFile::ExeOwner | QFile::ReadOther |
                                                  QFile::ExeOther));

        const auto imported = crypto::importKeyFile(source, KeyFileKind::RsaPrivateKey, keyDir,
                                                    QStringLiteral("app"));
        QVERIFY2(imported.ok(), imported.ok() ? "" : qPrintable(imported.error().message));
        QVERIFY(imported->sourceReadableByOthers);
        QCOMPARE(QFileInfo(imported->path).absolutePath(), QDir(keyDir).absolutePath());
        QVERIFY(QFileInfo(imported->path).fileName().startsWith(QStringLiteral("app-")));
        QVERIFY(imported->path.endsWith(QStringLiteral(".pem")));
        QCOMPARE(QFileInfo(imported->path).permissions() & kOthers, QFile::Permissions());
        QCOMPARE(QFileInfo(keyDir).permissions() & kOthers, QFile::Permissions());
        QFile copy(imported->path);
        QVERIFY(copy.open(QIODevice::ReadOnly));
        QCOMPARE(copy.readAll(), m_key.toPkcs8Pem());

        // The same key again: the same copy; no temporary file left behind.
        const auto again = crypto::importKeyFile(source, KeyFileKind::RsaPrivateKey, keyDir,
                                                 QStringLiteral("app"));
        QVERIFY(again.ok());
        QCOMPARE(again->path, imported->path);
        QCOMPARE(QDir(keyDir).entryList(QDir::Files),
                 QStringList{QFileInfo(imported->path).fileName()});

        // Refused and missing files store nothing.
        QVERIFY(
            !crypto::importKeyFile(source, KeyFileKind::RsaPublicKey, keyDir, QStringLiteral("pub"))
                 .ok());
        const auto missing =
            crypto::importKeyFile(dir.filePath(QStringLiteral("nope.pem")),
                                  KeyFileKind::RsaPublicKey, keyDir, QStringLiteral("pub"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, QStringLiteral("crypto.file_missing"));
        QCOMPARE(QDir(keyDir).entryList(QDir::Files).size(), 1);
    }
};

QTEST_MAIN(TestKeyImport)
#include "tst_key_import.moc"
