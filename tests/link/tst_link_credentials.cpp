#include "core/link/TerminalCredentials.h"
#include "tests/support/TempDir.h"

#include <QFile>
#include <QTest>

using namespace qpos;
using namespace qpos::link;

// The credentials file: written 0600, read back exactly, refused when others may read it.
class TestLinkCredentials : public QObject {
    Q_OBJECT

    static TerminalCredentials sample() {
        TerminalCredentials c;
        c.terminal = {QStringLiteral("S001"), QStringLiteral("T07")};
        c.secret = {QStringLiteral("k1"), QByteArray(32, '\x5a')};
        c.certificateFingerprint = QString(64, u'a');
        return c;
    }

private slots:
    void roundTripsWithModeSixHundred() {
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("sub/cred.json"));
        QVERIFY(sample().write(path).ok());
        QCOMPARE(QFile::permissions(path) &
                     (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther |
                      QFile::ExeGroup | QFile::ExeOther),
                 QFile::Permissions());
        const Result<TerminalCredentials> read = TerminalCredentials::read(path);
        QVERIFY(read.ok());
        QCOMPARE(read->terminal, sample().terminal);
        QCOMPARE(read->secret.keyId, sample().secret.keyId);
        QCOMPARE(read->secret.secret, sample().secret.secret);
        QCOMPARE(read->certificateFingerprint, sample().certificateFingerprint);
        // Writing again replaces it, still private.
        TerminalCredentials other = sample();
        other.secret.keyId = QStringLiteral("k2");
        QVERIFY(other.write(path).ok());
        QCOMPARE(TerminalCredentials::read(path)->secret.keyId, QStringLiteral("k2"));
    }

    void missingFileSaysHowToEnroll() {
        test::TempDir dir;
        const Result<TerminalCredentials> read =
            TerminalCredentials::read(dir.file(QStringLiteral("none.json")));
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code, QStringLiteral("link.not_enrolled"));
        QVERIFY(read.error().message.contains(QStringLiteral("qposctl enroll")));
    }

    void fileOthersMayReadIsRefused_data() {
        QTest::addColumn<int>("extra");
        QTest::newRow("group read") << int(QFile::ReadGroup);
        QTest::newRow("other read") << int(QFile::ReadOther);
        QTest::newRow("group write") << int(QFile::WriteGroup);
    }
    void fileOthersMayReadIsRefused() {
        QFETCH(int, extra);
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("cred.json"));
        QVERIFY(sample().write(path).ok());
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner |
                                                QFile::Permissions(extra)));
        const Result<TerminalCredentials> read = TerminalCredentials::read(path);
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code, QStringLiteral("link.credentials_open"));
        QVERIFY(read.error().message.contains(QStringLiteral("chmod 600")));
        QVERIFY(!read.error().message.contains(QStringLiteral("Wlpa"))); // no secret
    }

    void damagedFileIsRefused_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("not json") << QByteArray("secret=abc");
        QTest::newRow("short secret") << QByteArray(
            "{\"store\":\"S001\",\"terminal\":\"T07\",\"key\":\"k1\",\"secret\":\"AAAA\"}");
        QTest::newRow("bad store")
            << QByteArray("{\"store\":\"S_1\",\"terminal\":\"T07\",\"key\":\"k1\",\"secret\":\""
                          "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo\"}");
        QTest::newRow("bad fingerprint")
            << QByteArray("{\"store\":\"S001\",\"terminal\":\"T07\",\"key\":\"k1\",\"secret\":\""
                          "WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo\",\"fingerprint\":\"XY\"}");
    }
    void damagedFileIsRefused() {
        QFETCH(QByteArray, content);
        test::TempDir dir;
        const QString path = dir.file(QStringLiteral("cred.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner));
        const Result<TerminalCredentials> read = TerminalCredentials::read(path);
        QVERIFY(!read.ok());
        QCOMPARE(read.error().code, QStringLiteral("link.credentials_unreadable"));
    }
};

QTEST_GUILESS_MAIN(TestLinkCredentials)
#include "tst_link_credentials.moc"
