#include "core/config/ConfigLoader.h"
#include "core/link/CertificatePin.h"
#include "core/link/TerminalCredentials.h"
#include "core/link/TerminalEnrollment.h"
#include "sandbox/tls/SandboxCa.h"
#include "tests/support/FakeStoreServer.h"
#include "tests/support/TempDir.h"
#include "tests/support/WaitUntil.h"

#include <QFile>
#include <QJsonDocument>
#include <QTest>

#include <optional>

using namespace qpos;
using namespace qpos::link;
using qpos::test::FakeStoreServer;

// Enrollment against a fake store backend on loopback: the code is checked against the till's
// configuration, the server's answer decides, and only a 200 writes the credentials (0600)
// and [store_server] url. Every refusal leaves both files as they were.
class TestLinkEnroll : public QObject {
    Q_OBJECT

    const TerminalIdentity m_till{QStringLiteral("S001"), QStringLiteral("T07")};
    std::optional<test::TempDir> m_dir;
    FakeStoreServer* m_server = nullptr;
    QString m_config;
    QByteArray m_configBefore;

    QString credentialsPath() const { return m_dir->file(QStringLiteral("cred/store.json")); }

    EnrollmentTarget target() const {
        EnrollmentTarget t;
        t.configured = m_till;
        t.credentialsPath = credentialsPath();
        t.configPath = m_config;
        t.configSources = {ConfigSource{m_config, true}};
        t.loadOptions.dataDir = m_dir->path();
        return t;
    }

    EnrollmentOutcome enroll(const QString& code, EnrollmentTarget t) {
        TerminalEnrollment enrollment(std::move(t));
        std::optional<EnrollmentOutcome> outcome;
        connect(&enrollment, &TerminalEnrollment::finished,
                [&](const EnrollmentOutcome& o) { outcome = o; });
        enrollment.start(code);
        if (!test::waitUntil([&] { return outcome.has_value(); }, 30000))
            qFatal("the enrollment never finished");
        return *outcome;
    }
    EnrollmentOutcome enroll(const QString& code) { return enroll(code, target()); }

    // Nothing written: no credentials, the configuration file byte for byte as before.
    void verifyNothingWritten() {
        QVERIFY(!QFile::exists(credentialsPath()));
        QFile f(m_config);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), m_configBefore);
    }

    static QString describe(const EnrollmentOutcome& o) {
        return o.error ? o.error->code + u' ' + o.error->message : QStringLiteral("enrolled");
    }

private slots:
    void init() {
        m_dir.emplace();
        m_server = new FakeStoreServer(this);
        QVERIFY(m_server->start());
        m_config = m_dir->file(QStringLiteral("qpos.ini"));
        m_configBefore = "# the installer's note\n[store]\nid = S001\n\n[terminal]\nid = T07\n";
        QFile f(m_config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(m_configBefore);
    }
    void cleanup() {
        delete m_server;
        m_server = nullptr;
        m_dir.reset();
    }

    void enrollsWritesPrivateCredentialsThenTheUrl() {
        const EnrollmentCode code = m_server->addTerminal(m_till);
        m_server->clockOffsetMs = 90'000;
        const EnrollmentOutcome o = enroll(code.encode());
        QVERIFY2(!o.error, qPrintable(describe(o)));
        QCOMPARE(m_server->enrollCalls, 1);
        QVERIFY(m_server->authFailures.isEmpty()); // the server checked the till's HMAC
        QVERIFY(qAbs(o.clockDifferenceMs - 90'000) < 5'000);

        const QFile::Permissions mode = QFile::permissions(credentialsPath());
        QCOMPARE(mode &
                     ~(QFile::ReadUser | QFile::WriteUser | QFile::ReadOwner | QFile::WriteOwner),
                 QFile::Permissions());
        const Result<TerminalCredentials> stored = TerminalCredentials::read(credentialsPath());
        QVERIFY2(stored.ok(), qPrintable(stored.ok() ? QString() : stored.error().message));
        QCOMPARE(stored->terminal, m_till);
        QCOMPARE(stored->secret.secret, code.secret.secret);
        QCOMPARE(stored->secret.keyId, code.secret.keyId);

        QFile f(m_config);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray ini = f.readAll();
        QVERIFY(ini.startsWith("# the installer's note")); // edited in place
        QVERIFY(!ini.contains(code.secret.secret.toBase64(QByteArray::Base64UrlEncoding |
                                                          QByteArray::OmitTrailingEquals)));
        ConfigLoadOptions options;
        options.dataDir = m_dir->path();
        const ConfigLoadResult loaded = ConfigLoader::load({{m_config, true}}, options);
        QVERIFY(loaded.ok());
        QCOMPARE(loaded.config.storeServer.url, m_server->url().toString());
    }

    void malformedCodeIsRefusedBeforeAnyRequest_data() {
        QTest::addColumn<QString>("code");
        QTest::newRow("empty") << QString();
        QTest::newRow("no prefix") << QStringLiteral("hello");
        QTest::newRow("not base64") << QStringLiteral("QPOS1-***");
        QTest::newRow("not json") << QStringLiteral("QPOS1-bm90IGpzb24");
    }
    void malformedCodeIsRefusedBeforeAnyRequest() {
        QFETCH(QString, code);
        const EnrollmentOutcome o = enroll(code);
        QVERIFY(o.error);
        QCOMPARE(o.error->code, QStringLiteral("enroll.malformed_code"));
        QVERIFY(o.error->message.contains(QStringLiteral("QPOS1-")));
        QCOMPARE(m_server->enrollCalls, 0);
        verifyNothingWritten();
    }

    void codeForAnotherTerminalIsRefusedWithWhatToDo() {
        const EnrollmentCode code =
            m_server->addTerminal({QStringLiteral("S001"), QStringLiteral("T08")});
        const EnrollmentOutcome o = enroll(code.encode());
        QVERIFY(o.error);
        QCOMPARE(o.error->code, QStringLiteral("enroll.wrong_terminal"));
        QVERIFY(o.error->message.contains(QStringLiteral("T08")));
        QVERIFY(o.error->message.contains(QStringLiteral("T07")));
        QCOMPARE(m_server->enrollCalls, 0);
        verifyNothingWritten();

        const EnrollmentOutcome otherStore =
            enroll(m_server->addTerminal({QStringLiteral("S002"), QStringLiteral("T07")}).encode());
        QVERIFY(otherStore.error);
        QCOMPARE(otherStore.error->code, QStringLiteral("enroll.wrong_terminal"));
        verifyNothingWritten();
    }

    void serverRefusal_data() {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("401 revoked")
            << 401 << QByteArray(R"({"code":"auth.revoked","message":"x"})")
            << QStringLiteral("enroll.refused");
        QTest::newRow("409 used") << 409 << QByteArray(R"({"code":"enroll.used","message":"x"})")
                                  << QStringLiteral("enroll.used");
        QTest::newRow("500") << 500 << QByteArray("oops") << QStringLiteral("enroll.server_error");
        QTest::newRow("200 not json")
            << 200 << QByteArray("<html>hello</html>") << QStringLiteral("link.unreadable_answer");
        QTest::newRow("200 another terminal")
            << 200 << QByteArray(R"({"store":"S001","terminal":"T09","server_time_ms":"1"})")
            << QStringLiteral("link.unreadable_answer");
        QTest::newRow("200 number time")
            << 200 << QByteArray(R"({"store":"S001","terminal":"T07","server_time_ms":1})")
            << QStringLiteral("link.unreadable_answer");
    }
    void serverRefusal() {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        const EnrollmentCode code = m_server->addTerminal(m_till);
        m_server->enrollAnswer = std::make_pair(status, body);
        const EnrollmentOutcome o = enroll(code.encode());
        QVERIFY(o.error);
        QCOMPARE(o.error->code, expected);
        QCOMPARE(m_server->enrollCalls, 1);
        verifyNothingWritten();
    }

    void secretTheServerDoesNotKnowIsRefusedByItsOwnCheck() {
        EnrollmentCode code = m_server->addTerminal(m_till);
        code.secret.secret[0] = static_cast<char>(code.secret.secret[0] ^ 1);
        const EnrollmentOutcome o = enroll(code.encode());
        QVERIFY(o.error);
        QCOMPARE(o.error->code, QStringLiteral("enroll.refused"));
        QCOMPARE(m_server->authFailures, QList<QString>{QStringLiteral("auth.bad_signature")});
        verifyNothingWritten();
    }

    void serverNotRunning() {
        const EnrollmentCode code = m_server->addTerminal(m_till);
        m_server->stop();
        const EnrollmentOutcome o = enroll(code.encode());
        QVERIFY(o.error);
        QCOMPARE(o.error->code, QStringLiteral("link.unreachable"));
        verifyNothingWritten();
    }

    void pinnedCertificateIsTheOnlyOneTrusted() {
        const Result<sandbox::SandboxTlsIdentity> tls = sandbox::loadOrCreateTlsIdentity({});
        QVERIFY(tls.ok());
        QVERIFY(m_server->startTls(tls->server, tls->serverKey));

        // A code pinning another certificate (here the CA's) never reaches the server.
        const EnrollmentCode wrong = m_server->addTerminal(m_till, certificateFingerprint(tls->ca));
        EnrollmentOutcome o = enroll(wrong.encode());
        QVERIFY(o.error);
        QCOMPARE(o.error->code, QStringLiteral("link.certificate_mismatch"));
        QCOMPARE(m_server->enrollCalls, 0);
        verifyNothingWritten();

        // No pin and a CA nobody trusts: refused as well (verification is never off).
        const EnrollmentCode unpinned = m_server->addTerminal(m_till);
        o = enroll(unpinned.encode());
        QVERIFY(o.error);
        QCOMPARE(m_server->enrollCalls, 0);
        verifyNothingWritten();

        // The pinned certificate itself, though no CA vouches for it.
        const EnrollmentCode right =
            m_server->addTerminal(m_till, certificateFingerprint(tls->server));
        o = enroll(right.encode());
        QVERIFY2(!o.error, qPrintable(describe(o)));
        QCOMPARE(m_server->enrollCalls, 1);
        const Result<TerminalCredentials> stored = TerminalCredentials::read(credentialsPath());
        QVERIFY(stored.ok());
        QCOMPARE(stored->certificateFingerprint, certificateFingerprint(tls->server));
    }

    void unpinnedCertificateTrustedThroughTheCaFile() {
        const Result<sandbox::SandboxTlsIdentity> tls = sandbox::loadOrCreateTlsIdentity({});
        QVERIFY(tls.ok());
        QVERIFY(m_server->startTls(tls->server, tls->serverKey));
        EnrollmentTarget t = target();
        t.extraCaCertificates = {tls->ca};
        const EnrollmentOutcome o = enroll(m_server->addTerminal(m_till).encode(), t);
        QVERIFY2(!o.error, qPrintable(describe(o)));
    }
};

QTEST_GUILESS_MAIN(TestLinkEnroll)
#include "tst_link_enroll.moc"
