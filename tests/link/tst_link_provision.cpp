#include "core/link/EnrollmentCodeFile.h"
#include "core/link/ProvisionedEnrollment.h"
#include "core/link/TerminalCredentials.h"
#include "core/service/PosService.h"
#include "tests/support/CrossThreadSignalSpy.h"
#include "tests/support/FakeStoreServer.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestFiles.h"
#include "tests/support/WaitUntil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <memory>
#include <optional>

#include <unistd.h>

using namespace qpos;
using namespace qpos::link;
using namespace qpos::service;
using qpos::test::FakeStoreServer;

// A provisioned till's first start (docs/deploy.md, "Provisioning"): the code IT left in the
// code file enrolls the till with a fake store server on loopback, on a thread of its own
// while the till is open, and the link starts without a restart. The file is consumed only
// once the credentials are on disk; every failure is reported and tried again.
class TestLinkProvision : public QObject {
    Q_OBJECT

    static constexpr Backoff::Policy kFast{50, 200, 0};
    const TerminalIdentity m_till{QStringLiteral("S001"), QStringLiteral("T07")};
    std::optional<test::TempDir> m_dir;
    std::unique_ptr<FakeStoreServer> m_server;
    QString m_config;
    QList<ProvisioningStatus> m_statuses;

    QString credentialsPath() const { return m_dir->file(QStringLiteral("cred/store.json")); }
    QString codePath() const { return m_dir->file(QStringLiteral("enrollment-code")); }

    EnrollmentTarget target() const {
        EnrollmentTarget t;
        t.configured = m_till;
        t.credentialsPath = credentialsPath();
        t.configPath = m_config;
        t.configSources = {ConfigSource{m_config, true}};
        t.loadOptions.dataDir = m_dir->path();
        return t;
    }

    void writeCode(const EnrollmentCode& code, mode_t mode = 0600) {
        test::writeFileWithMode(*m_dir, QStringLiteral("enrollment-code"),
                                code.encode().toUtf8() + '\n', mode);
    }

    std::unique_ptr<ProvisionedEnrollment> provisioning(EnrollmentTarget t) {
        auto p = std::make_unique<ProvisionedEnrollment>(std::move(t),
                                                         EnrollmentCodeFile(codePath()), kFast);
        connect(p.get(), &ProvisionedEnrollment::statusChanged, this,
                [this](const ProvisioningStatus& s) { m_statuses << s; });
        return p;
    }

    bool reached(ProvisioningStatus::State state) {
        return test::waitUntil(
            [&] { return !m_statuses.isEmpty() && m_statuses.constLast().state == state; });
    }

    QString lastMessage() const {
        return m_statuses.isEmpty() ? QString() : m_statuses.constLast().message;
    }

private slots:
    void init() {
        m_dir.emplace();
        m_server = std::make_unique<FakeStoreServer>();
        QVERIFY(m_server->start());
        m_config = m_dir->file(QStringLiteral("qpos.ini"));
        QFile f(m_config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[store]\nid = S001\n\n[terminal]\nid = T07\n");
        m_statuses.clear();
    }
    void cleanup() {
        m_server.reset();
        m_dir.reset();
    }

    // As the till's main() wires it: the till opens without a link, the enrollment runs on
    // its own thread, and the link comes up once the credentials are written.
    void firstStartEnrollsLinksAndConsumesTheCode() {
        const EnrollmentCode code = m_server->addTerminal(m_till);
        writeCode(code);

        PosOptions options;
        options.config.store.id = m_till.storeId;
        options.config.terminal.id = m_till.terminalId;
        options.config.database.path = m_dir->file(QStringLiteral("orders.db"));
        options.config.storeServer.credentialsPath = credentialsPath();
        options.link.push.backoff = {50, 400, 20};
        options.link.upload.backoff = {50, 400, 20};
        PosService till(options);
        QList<LinkStatus> links;
        connect(&till, &PosService::linkStatusChanged, this,
                [&links](const LinkStatus& s) { links << s; });
        test::CrossThreadSignalSpy ready(&till, &PosService::ready);
        till.start();
        QVERIFY(test::waitUntil([&] { return !ready.isEmpty(); }));
        QCOMPARE(ready.takeFirst().at(0).value<PosReady>().error, QString());

        QThread thread;
        auto* enrollment =
            new ProvisionedEnrollment(target(), EnrollmentCodeFile(codePath()), kFast);
        enrollment->moveToThread(&thread);
        connect(&thread, &QThread::finished, enrollment, &QObject::deleteLater);
        connect(enrollment, &ProvisionedEnrollment::statusChanged, this,
                [this, &till](const ProvisioningStatus& s) {
                    m_statuses << s;
                    if (s.state == ProvisioningStatus::State::Enrolled)
                        till.useStoreServer(s.serverUrl.toString());
                });
        thread.start();
        QMetaObject::invokeMethod(enrollment, &ProvisionedEnrollment::start, Qt::QueuedConnection);

        const bool enrolled = reached(ProvisioningStatus::State::Enrolled);
        thread.quit();
        thread.wait();
        QVERIFY2(enrolled, qPrintable(lastMessage()));
        QCOMPARE(m_statuses.constLast().message, QString());
        QCOMPARE(m_statuses.constLast().serverUrl, m_server->url());
        QCOMPARE(m_server->enrollCalls, 1);
        QVERIFY(!QFile::exists(codePath()));
        const Result<TerminalCredentials> stored = TerminalCredentials::read(credentialsPath());
        QVERIFY(stored.ok());
        QVERIFY(EnrollmentCodeFile::yielded(code, *stored));

        QVERIFY(test::waitUntil([&] {
            return !links.isEmpty() && links.constLast().state == LinkStatus::State::Connected;
        }));
        QCOMPARE(m_server->linkConnections(), 1);
    }

    void anUnreachableServerIsTriedAgainUntilItAnswers() {
        const EnrollmentCode code = m_server->addTerminal(m_till);
        const quint16 port = m_server->port();
        m_server->stop();
        writeCode(code);
        auto p = provisioning(target());
        p->start();
        QVERIFY(reached(ProvisioningStatus::State::Waiting));
        QVERIFY(!lastMessage().isEmpty());
        QVERIFY(m_statuses.constLast().nextAttemptMs > 0);
        QVERIFY(QFile::exists(codePath()));
        QVERIFY(!QFile::exists(credentialsPath()));

        QVERIFY(m_server->start(port));
        QVERIFY2(reached(ProvisioningStatus::State::Enrolled), qPrintable(lastMessage()));
        QCOMPARE(m_server->enrollCalls, 1);
        QVERIFY(!QFile::exists(codePath()));
    }

    void aCodeOthersMayReadIsNotUsedUntilMadePrivate() {
        writeCode(m_server->addTerminal(m_till), 0644);
        auto p = provisioning(target());
        p->start();
        QVERIFY(reached(ProvisioningStatus::State::Waiting));
        QCOMPARE(m_statuses.constLast().errorCode, QStringLiteral("provision.code_open"));
        QVERIFY2(lastMessage().contains(u"chmod 600"), qPrintable(lastMessage()));
        QCOMPARE(m_server->enrollCalls, 0);

        QVERIFY(QFile::setPermissions(codePath(), QFile::ReadOwner | QFile::WriteOwner));
        QVERIFY2(reached(ProvisioningStatus::State::Enrolled), qPrintable(lastMessage()));
        QCOMPARE(m_server->enrollCalls, 1);
    }

    // The credentials were written but the till stopped before the file was consumed: the
    // server already counts the code as used, so it is not asked again.
    void aCodeAlreadyEnrolledIsConsumedWithoutAsking() {
        const EnrollmentCode code = m_server->addTerminal(m_till);
        QVERIFY(QDir().mkpath(m_dir->file(QStringLiteral("cred"))));
        const TerminalCredentials credentials{code.terminal, code.secret, {}};
        QVERIFY(credentials.write(credentialsPath()).ok());
        writeCode(code);
        auto p = provisioning(target());
        p->start();
        QVERIFY2(reached(ProvisioningStatus::State::Enrolled), qPrintable(lastMessage()));
        QCOMPARE(m_server->enrollCalls, 0);
        QVERIFY(!QFile::exists(codePath()));
    }

    void theCodeStaysUntilTheCredentialsAreWritten() {
        writeCode(m_server->addTerminal(m_till));
        // A file where the credentials' folder should be: they cannot be written.
        test::writeFileWithMode(*m_dir, QStringLiteral("blocked"), "x", 0600);
        EnrollmentTarget t = target();
        t.credentialsPath = m_dir->file(QStringLiteral("blocked/store.json"));
        auto p = provisioning(t);
        p->start();
        QVERIFY(reached(ProvisioningStatus::State::Waiting));
        QCOMPARE(m_statuses.constLast().errorCode, QStringLiteral("link.credentials_not_written"));
        QFile file(codePath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().startsWith("QPOS1-"));
    }

    void noCodeFileIsNothingToDo() {
        auto p = provisioning(target());
        p->start();
        QVERIFY(reached(ProvisioningStatus::State::NoCode));
        QCOMPARE(m_server->enrollCalls, 0);
        QVERIFY(!QFile::exists(credentialsPath()));
    }

    // /etc/qpos is root's: the till may own the code file but not its folder.
    void aFileInAFolderTheTillCannotChangeIsEmptied() {
        if (::geteuid() == 0)
            QSKIP("root may change any folder");
        const QString folder = m_dir->file(QStringLiteral("etc"));
        QVERIFY(QDir().mkpath(folder));
        const QString path = folder + QStringLiteral("/enrollment-code");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(m_server->addTerminal(m_till).encode().toUtf8());
        f.close();
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner));
        QVERIFY(QFile::setPermissions(folder, QFile::ReadOwner | QFile::ExeOwner));
        const Status consumed = EnrollmentCodeFile(path).consume();
        QVERIFY(
            QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QVERIFY(consumed.ok());
        QCOMPARE(QFileInfo(path).size(), 0);
        const Result<std::optional<EnrollmentCode>> read = EnrollmentCodeFile(path).read();
        QVERIFY(read.ok() && !read->has_value());
    }
};

QTEST_GUILESS_MAIN(TestLinkProvision)
#include "tst_link_provision.moc"
