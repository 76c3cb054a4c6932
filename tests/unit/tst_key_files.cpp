// Key files: the ssh-like permission checks on secrets and the loaders' messages.

#include "core/crypto/KeyFiles.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestFiles.h"
#include "tests/support/TestVectors.h"

#include <QFile>
#include <QJsonObject>
#include <QTest>

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

using namespace qpos;
using namespace qpos::crypto;

namespace {

QByteArray vec(const char* section, const char* field) {
    static const QJsonObject root = test::testVectors();
    return root.value(QLatin1String(section))
        .toObject()
        .value(QLatin1String(field))
        .toString()
        .toUtf8();
}

bool quotesKey(const QString& message, const QByteArray& keyText) {
    for (const QByteArray& line : keyText.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (trimmed.size() >= 16 && !trimmed.startsWith("-----") &&
            message.contains(QString::fromLatin1(trimmed.left(16)))) {
            return true;
        }
    }
    return message.contains(QLatin1String("-----BEGIN"));
}

} // namespace

class TestKeyFiles : public QObject {
    Q_OBJECT

private slots:
    void privateFileAccepted() {
        test::TempDir dir;
        const QByteArray pem = vec("keys", "app_private_pkcs8_pem");
        const QString path = test::writeFileWithMode(dir, QStringLiteral("app.key"), pem, 0600);
        const auto contents = readSecretFile(path);
        QVERIFY2(contents.ok(), contents.ok() ? "" : qPrintable(contents.error().message));
        QCOMPARE(contents.value(), pem);

        const auto key = loadPrivateKeyFile(path);
        QVERIFY(key.ok());
        QCOMPARE(key->publicKey().toBase64(), vec("keys", "app_public_b64"));

        // Owner-only execute/write bits are fine too; only group and others matter.
        QVERIFY(
            readSecretFile(test::writeFileWithMode(dir, QStringLiteral("b.key"), pem, 0400)).ok());
        QVERIFY(
            readSecretFile(test::writeFileWithMode(dir, QStringLiteral("c.key"), pem, 0700)).ok());
        // Bare base64 in a file.
        const QString bare = test::writeFileWithMode(dir, QStringLiteral("bare.key"),
                                                     vec("keys", "app_private_b64") + '\n', 0600);
        QVERIFY(loadPrivateKeyFile(bare).ok());
    }

    void openPermissionsRefused_data() {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("shown");
        QTest::newRow("0644") << 0644 << QStringLiteral("0644");
        QTest::newRow("0640") << 0640 << QStringLiteral("0640");
        QTest::newRow("0604") << 0604 << QStringLiteral("0604");
        QTest::newRow("0660") << 0660 << QStringLiteral("0660");
        QTest::newRow("0666") << 0666 << QStringLiteral("0666");
        QTest::newRow("0610") << 0610 << QStringLiteral("0610");
    }

    void openPermissionsRefused() {
        QFETCH(int, mode);
        QFETCH(QString, shown);
        test::TempDir dir;
        const QByteArray pem = vec("keys", "app_private_pkcs8_pem");
        const QString path =
            test::writeFileWithMode(dir, QStringLiteral("app.key"), pem, static_cast<mode_t>(mode));
        for (const Error& error :
             {readSecretFile(path).error(), loadPrivateKeyFile(path).error()}) {
            QCOMPARE(error.code, QStringLiteral("crypto.file_permissions"));
            QVERIFY2(error.message.contains(QStringLiteral("chmod 600 ") + path),
                     qPrintable(error.message));
            QVERIFY2(error.message.contains(shown), qPrintable(error.message));
            QVERIFY2(error.message.contains(QLatin1String("chown")), qPrintable(error.message));
            QVERIFY(!quotesKey(error.message, pem));
        }
    }

    void missingEmptyAndDirectoryRefused() {
        test::TempDir dir;
        const QString missing = dir.file(QStringLiteral("nope.key"));
        const auto noFile = readSecretFile(missing);
        QCOMPARE(noFile.error().code, QStringLiteral("crypto.file_missing"));
        QVERIFY(noFile.error().message.contains(missing));
        QCOMPARE(loadPublicKeyFile(missing).error().code, QStringLiteral("crypto.file_missing"));
        QCOMPARE(loadCertificateFile(missing).error().code, QStringLiteral("crypto.file_missing"));
        QCOMPARE(readSecretFile(QString()).error().code, QStringLiteral("crypto.file_missing"));

        const auto directory = readSecretFile(dir.path());
        QCOMPARE(directory.error().code, QStringLiteral("crypto.file_not_regular"));
        QVERIFY(directory.error().message.contains(QLatin1String("directory")));
        QCOMPARE(loadPublicKeyFile(dir.path()).error().code,
                 QStringLiteral("crypto.file_not_regular"));

        const QString empty =
            test::writeFileWithMode(dir, QStringLiteral("empty.key"), QByteArray(), 0600);
        const auto emptyFile = readSecretFile(empty);
        QCOMPARE(emptyFile.error().code, QStringLiteral("crypto.file_empty"));
        QVERIFY(emptyFile.error().message.contains(empty));

        const QString fifo = dir.file(QStringLiteral("fifo"));
        QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
        QCOMPARE(readSecretFile(fifo).error().code, QStringLiteral("crypto.file_not_regular"));

        const QString big = test::writeFileWithMode(dir, QStringLiteral("big.key"),
                                                    QByteArray(kMaxKeyFileSize + 1, 'A'), 0600);
        QCOMPARE(readSecretFile(big).error().code, QStringLiteral("crypto.file_too_large"));
    }

    void symlinkToPrivateFileFollowed() {
        test::TempDir dir;
        const QString target = test::writeFileWithMode(dir, QStringLiteral("real.key"),
                                                       vec("keys", "app_private_pkcs8_pem"), 0600);
        const QString link = dir.file(QStringLiteral("link.key"));
        QVERIFY(QFile::link(target, link));
        QVERIFY(loadPrivateKeyFile(link).ok());
    }

    void unreadableFileExplained() {
        if (::geteuid() == 0)
            QSKIP("root reads any file");
        test::TempDir dir;
        const QString path = test::writeFileWithMode(dir, QStringLiteral("locked.key"),
                                                     vec("keys", "app_private_pkcs8_pem"), 0000);
        const auto result = readSecretFile(path);
        QCOMPARE(result.error().code, QStringLiteral("crypto.file_unreadable"));
        QVERIFY(result.error().message.contains(QLatin1String("chmod 600")));
    }

    void fileOfAnotherUserRefused() {
        if (::geteuid() != 0)
            QSKIP("only root can give a file to another user");
        test::TempDir dir;
        const QString path = test::writeFileWithMode(dir, QStringLiteral("other.key"),
                                                     vec("keys", "app_private_pkcs8_pem"), 0600);
        QCOMPARE(::chown(QFile::encodeName(path).constData(), 65534, 65534), 0);
        const auto result = readSecretFile(path);
        QCOMPARE(result.error().code, QStringLiteral("crypto.file_owner"));
        QVERIFY2(result.error().message.contains(QLatin1String("chown")),
                 qPrintable(result.error().message));
        QVERIFY(result.error().message.contains(path));
    }

    void badKeyFileNamesTheFileNotTheKey() {
        test::TempDir dir;
        const QByteArray garbage =
            "-----BEGIN PRIVATE KEY-----\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\n"
            "-----END PRIVATE KEY-----\n";
        const QString path = test::writeFileWithMode(dir, QStringLiteral("bad.key"), garbage, 0600);
        const auto key = loadPrivateKeyFile(path);
        QVERIFY(!key.ok());
        QCOMPARE(key.error().code, QStringLiteral("crypto.key_invalid"));
        QVERIFY(key.error().message.startsWith(path));
        QVERIFY(!key.error().message.contains(QLatin1String("QUJDREVGR0hJSktM")));

        const QString wrongKind = test::writeFileWithMode(dir, QStringLiteral("public.key"),
                                                          vec("keys", "alipay_public_pem"), 0600);
        QCOMPARE(loadPrivateKeyFile(wrongKind).error().code,
                 QStringLiteral("crypto.key_wrong_kind"));
    }

    void publicFilesNeedNoPermissionCheck() {
        test::TempDir dir;
        const QString pem = test::writeFileWithMode(dir, QStringLiteral("alipay.pub"),
                                                    vec("keys", "alipay_public_pem"), 0644);
        const QString bare = test::writeFileWithMode(dir, QStringLiteral("alipay.b64"),
                                                     vec("keys", "alipay_public_b64"), 0644);
        const auto fromPem = loadPublicKeyFile(pem);
        const auto fromBare = loadPublicKeyFile(bare);
        QVERIFY(fromPem.ok());
        QVERIFY(fromBare.ok());
        QVERIFY(fromPem.value() == fromBare.value());

        const QString secret = test::writeFileWithMode(dir, QStringLiteral("oops.pem"),
                                                       vec("keys", "app_private_pkcs8_pem"), 0644);
        const auto refused = loadPublicKeyFile(secret);
        QCOMPARE(refused.error().code, QStringLiteral("crypto.key_wrong_kind"));
        QVERIFY(refused.error().message.startsWith(secret));
        QVERIFY(!quotesKey(refused.error().message, vec("keys", "app_private_pkcs8_pem")));

        const QString notCert =
            test::writeFileWithMode(dir, QStringLiteral("x.crt"), "hello", 0644);
        QCOMPARE(loadCertificateFile(notCert).error().code, QStringLiteral("crypto.cert_empty"));
    }
};

QTEST_GUILESS_MAIN(TestKeyFiles)
#include "tst_key_files.moc"
