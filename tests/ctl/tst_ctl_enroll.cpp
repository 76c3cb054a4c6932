#include "core/link/TerminalCredentials.h"
#include "tests/support/FakeStoreServer.h"
#include "tests/support/TempDir.h"
#include "tests/support/WaitUntil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <optional>

using namespace qpos;

// `qposctl enroll CODE` and the doctor's link line, as a user runs them, against a fake store
// server in this process (so qposctl runs while the test's event loop serves it).
class TestCtlEnroll : public QObject {
    Q_OBJECT

    struct Run {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
        QString text() const { return QString::fromUtf8(out + err); }
    };

    std::optional<test::TempDir> m_dir;
    test::FakeStoreServer* m_server = nullptr;

    QString config() const { return m_dir->file(QStringLiteral("qpos.ini")); }
    QString credentials() const { return m_dir->file(QStringLiteral("data/store-server.json")); }

    Run qposctl(const QStringList& arguments, const QString& standardInput = QString()) {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const QString home = m_dir->file(QStringLiteral("home"));
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
        env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
        env.remove(QStringLiteral("LC_ALL"));
        env.remove(QStringLiteral("LC_MESSAGES"));
        process.setProcessEnvironment(env);
        process.setStandardInputFile(standardInput.isEmpty() ? QProcess::nullDevice()
                                                             : standardInput);
        process.start(QStringLiteral(QPOSCTL_PATH),
                      QStringList{QStringLiteral("--config"), config()} + arguments);
        Run run;
        if (!process.waitForStarted(10000))
            return run;
        // Not waitForFinished: the fake server needs this thread's event loop meanwhile.
        if (!test::waitUntil([&] { return process.state() == QProcess::NotRunning; }, 60000)) {
            process.kill();
            process.waitForFinished(5000);
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        return run;
    }

    QByteArray readConfig() const {
        QFile f(config());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    QJsonObject doctorLinkFinding() {
        const Run run = qposctl(
            {QStringLiteral("doctor"), QStringLiteral("--offline"), QStringLiteral("--json")});
        for (const QByteArray& line : run.out.split('\n')) {
            const QJsonObject report = QJsonDocument::fromJson(line).object();
            for (const QJsonValue& f : report.value(QStringLiteral("checks")).toArray()) {
                if (f.toObject().value(QStringLiteral("check")).toString() == u"link")
                    return f.toObject();
            }
        }
        qWarning("no link finding in: %s", run.out.constData());
        return {};
    }

private slots:
    void init() {
        m_dir.emplace();
        m_server = new test::FakeStoreServer(this);
        QVERIFY(m_server->start());
        QFile f(config());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("[store]\nid = S001\n[terminal]\nid = T07\n[database]\npath = "
                               "%1\n[log]\ndir = %2\n[store_server]\ncredentials = %3\n")
                    .arg(m_dir->file(QStringLiteral("data/orders.db")),
                         m_dir->file(QStringLiteral("logs")), credentials())
                    .toUtf8());
    }
    void cleanup() {
        delete m_server;
        m_server = nullptr;
        m_dir.reset();
    }

    void enrollLinksTheTillAndDoctorReportsIt() {
        QCOMPARE(doctorLinkFinding().value(QStringLiteral("status")).toString(),
                 QStringLiteral("ok")); // not linked is not a failure

        const link::EnrollmentCode code =
            m_server->addTerminal({QStringLiteral("S001"), QStringLiteral("T07")});
        const Run run = qposctl({QStringLiteral("enroll"), code.encode()});
        QVERIFY2(run.exitCode == 0, qPrintable(run.text()));
        QVERIFY(run.text().contains(QStringLiteral("Enrolled")));
        // The secret is never printed.
        QVERIFY(!run.text().contains(QString::fromLatin1(code.secret.secret.toBase64(
            QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))));
        QVERIFY(readConfig().contains("url = " + m_server->url().toString().toUtf8()));
        QVERIFY(link::TerminalCredentials::read(credentials()).ok());

        QJsonObject finding = doctorLinkFinding();
        QCOMPARE(finding.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QVERIFY(finding.value(QStringLiteral("message")).toString().contains(QStringLiteral("k1")));

        // A credentials file others may read: the doctor fails it and says what to do.
        QVERIFY(QFile::setPermissions(credentials(),
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
        finding = doctorLinkFinding();
        QCOMPARE(finding.value(QStringLiteral("status")).toString(), QStringLiteral("fail"));
        QVERIFY(finding.value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("chmod 600")));
    }

    // The provisioned code file (docs/deploy.md): consumed once the credentials are written;
    // a second run finds nothing to do and says so; an open file is not used.
    void enrollFromAFileConsumesIt() {
        const link::EnrollmentCode code =
            m_server->addTerminal({QStringLiteral("S001"), QStringLiteral("T07")});
        const QString file = m_dir->file(QStringLiteral("enrollment-code"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(code.encode().toUtf8() + '\n');
        f.close();
        QVERIFY(
            QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup));
        Run run = qposctl({QStringLiteral("enroll"), QStringLiteral("--from-file"), file});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.text().contains(QStringLiteral("chmod 600")), qPrintable(run.text()));
        QCOMPARE(m_server->enrollCalls, 0);

        QVERIFY(QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner));
        run = qposctl({QStringLiteral("enroll"), QStringLiteral("--from-file"), file});
        QVERIFY2(run.exitCode == 0, qPrintable(run.text()));
        QCOMPARE(m_server->enrollCalls, 1);
        QVERIFY(!QFile::exists(file));
        QVERIFY(link::TerminalCredentials::read(credentials()).ok());

        run = qposctl({QStringLiteral("enroll"), QStringLiteral("--from-file"), file});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.text().contains(QStringLiteral("holds no enrollment code")),
                 qPrintable(run.text()));
    }

    // "-" reads the code from standard input: a code on the command line shows in ps.
    void enrollFromStandardInput() {
        const link::EnrollmentCode code =
            m_server->addTerminal({QStringLiteral("S001"), QStringLiteral("T07")});
        Run run = qposctl({QStringLiteral("enroll"), QStringLiteral("-")});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.text().contains(QStringLiteral("No enrollment code on standard input")),
                 qPrintable(run.text()));
        QCOMPARE(m_server->enrollCalls, 0);

        const QString piped = m_dir->file(QStringLiteral("piped-code"));
        QFile f(piped);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(code.encode().toUtf8() + '\n');
        f.close();
        run = qposctl({QStringLiteral("enroll"), QStringLiteral("-")}, piped);
        QVERIFY2(run.exitCode == 0, qPrintable(run.text()));
        QCOMPARE(m_server->enrollCalls, 1);
        QVERIFY(link::TerminalCredentials::read(credentials()).ok());
    }

    void refusalsChangeNothing() {
        const QByteArray before = readConfig();
        // Malformed.
        Run run = qposctl({QStringLiteral("enroll"), QStringLiteral("QPOS1-nonsense!")});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.text().contains(QStringLiteral("not a valid enrollment code")),
                 qPrintable(run.text()));
        // Another terminal's code.
        run = qposctl(
            {QStringLiteral("enroll"),
             m_server->addTerminal({QStringLiteral("S001"), QStringLiteral("T08")}).encode()});
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.text().contains(QStringLiteral("terminal T08")));
        // The server refuses it.
        m_server->enrollAnswer = std::make_pair(401, QByteArray(R"({"code":"auth.revoked"})"));
        run = qposctl(
            {QStringLiteral("enroll"), QStringLiteral("--json"),
             m_server->addTerminal({QStringLiteral("S001"), QStringLiteral("T07")}).encode()});
        QCOMPARE(run.exitCode, 1);
        const QJsonObject json = QJsonDocument::fromJson(run.out.trimmed()).object();
        QCOMPARE(json.value(QStringLiteral("code")).toString(), QStringLiteral("enroll.refused"));
        QCOMPARE(m_server->enrollCalls, 1);
        // No code, two codes: usage.
        QCOMPARE(qposctl({QStringLiteral("enroll")}).exitCode, 2);
        QCOMPARE(readConfig(), before);
        QVERIFY(!QFile::exists(credentials()));
    }
};

QTEST_GUILESS_MAIN(TestCtlEnroll)
#include "tst_ctl_enroll.moc"
