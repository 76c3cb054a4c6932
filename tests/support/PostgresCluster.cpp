#include "tests/support/PostgresCluster.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <pwd.h>
#include <unistd.h>

namespace qpos::test {

namespace {

QString binDir() {
    const QString configured = qEnvironmentVariable("QPOS_POSTGRES_BINDIR");
    return configured.isEmpty() ? QStringLiteral("/usr/lib/postgresql/15/bin") : configured;
}

Error failure(const QString& message) {
    return Error{QStringLiteral("test.postgres"), message};
}

QByteArray randomHex(int bytes) {
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char& c : raw)
        c = static_cast<char>(QRandomGenerator::system()->bounded(256));
    return raw.toHex();
}

bool writePrivateFile(const QString& path, const QByteArray& contents) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return f.write(contents) == contents.size();
}

} // namespace

PostgresCluster::PostgresCluster() = default;

PostgresCluster::~PostgresCluster() {
    stop();
}

bool PostgresCluster::mayBeSkipped() {
    const bool installed = QFileInfo(binDir() + QStringLiteral("/initdb")).isExecutable() &&
                           QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL"));
    return qEnvironmentVariable("QPOS_SKIP_POSTGRES_TESTS") == u"1" && !installed;
}

QString PostgresCluster::binary(const QString& name) const {
    return binDir() + u'/' + name;
}

QString PostgresCluster::socketDir() const {
    return m_dir ? m_dir->path() : QString();
}

Status PostgresCluster::run(const QString& program, const QStringList& arguments,
                            QString* output) const {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(m_dir->path());
    if (m_runAs.isEmpty())
        p.start(program, arguments);
    else
        p.start(QStringLiteral("runuser"),
                QStringList{QStringLiteral("-u"), m_runAs, QStringLiteral("--"), program} +
                    arguments);
    if (!p.waitForStarted(10000))
        return failure(QStringLiteral("cannot run %1: %2").arg(program, p.errorString()));
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished(5000);
        return failure(QStringLiteral("%1 did not finish within 120 s").arg(program));
    }
    const QString text = QString::fromLocal8Bit(p.readAll());
    if (output)
        *output = text;
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return failure(QStringLiteral("%1 failed (exit %2): %3")
                           .arg(QFileInfo(program).fileName())
                           .arg(p.exitCode())
                           .arg(text.trimmed()));
    return Status::success();
}

Status PostgresCluster::start() {
    if (m_running)
        return Status::success();
    if (!QFileInfo(binary(QStringLiteral("initdb"))).isExecutable())
        return failure(
            QStringLiteral("PostgreSQL 15 is not installed (no %1). Run scripts/install-deps.sh, "
                           "or set QPOS_POSTGRES_BINDIR to the directory holding initdb and "
                           "pg_ctl.")
                .arg(binary(QStringLiteral("initdb"))));
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return failure(QStringLiteral("Qt's PostgreSQL driver is not installed: run "
                                      "scripts/install-deps.sh (libqt6sql6-psql)."));
    // A short path: a Unix socket's path is limited to 107 bytes.
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/qpos-pg-XXXXXX"));
    if (!m_dir->isValid())
        return failure(
            QStringLiteral("cannot make a temporary directory: %1").arg(m_dir->errorString()));
    if (qEnvironmentVariableIsSet("QPOS_KEEP_TEST_FILES"))
        m_dir->setAutoRemove(false);

    const QString pwFile = m_dir->filePath(QStringLiteral("superuser.pw"));
    m_superuserPassword = randomHex(16);
    if (!writePrivateFile(pwFile, m_superuserPassword))
        return failure(QStringLiteral("cannot write %1").arg(pwFile));
    if (::geteuid() == 0) {
        const passwd* user = ::getpwnam("qpos-test");
        if (!user)
            user = ::getpwnam("nobody");
        if (!user)
            return failure(QStringLiteral("running as root, and there is neither a qpos-test nor "
                                          "a nobody user to run PostgreSQL as: run "
                                          "scripts/install-deps.sh"));
        m_runAs = QString::fromLocal8Bit(user->pw_name);
        for (const QString& path : {m_dir->path(), pwFile}) {
            if (::chown(QFile::encodeName(path).constData(), user->pw_uid, user->pw_gid) != 0)
                return failure(QStringLiteral("cannot give %1 to %2").arg(path, m_runAs));
        }
    }

    const QString data = m_dir->filePath(QStringLiteral("data"));
    QString output;
    if (Status s =
            run(binary(QStringLiteral("initdb")),
                {QStringLiteral("-D"), data, QStringLiteral("-U"), QString::fromLatin1(kSuperuser),
                 QStringLiteral("--pwfile=") + pwFile, QStringLiteral("--auth=scram-sha-256"),
                 QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--locale=C.UTF-8"),
                 QStringLiteral("--no-sync")},
                &output);
        !s)
        return s;
    QFile::remove(pwFile);
    return startServer();
}

Status PostgresCluster::startServer() {
    const QString data = m_dir->filePath(QStringLiteral("data"));
    QString output;
    const QString log = m_dir->filePath(QStringLiteral("server.log"));
    // fsync off: a throwaway cluster; the SQL the tests prove does not depend on it.
    const QString serverOptions =
        QStringLiteral("-c listen_addresses='' -k %1 -p %2 -c fsync=off -c max_connections=60")
            .arg(m_dir->path())
            .arg(kPort);
    if (Status s = run(binary(QStringLiteral("pg_ctl")),
                       {QStringLiteral("start"), QStringLiteral("-D"), data, QStringLiteral("-w"),
                        QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("-s"),
                        QStringLiteral("-l"), log, QStringLiteral("-o"), serverOptions},
                       &output);
        !s) {
        QFile f(log);
        const QByteArray tail =
            f.open(QIODevice::ReadOnly) ? f.readAll().right(2000) : QByteArray();
        return failure(s.error().message + QStringLiteral("\nserver log:\n") +
                       QString::fromLocal8Bit(tail));
    }
    m_running = true;
    return Status::success();
}

Status PostgresCluster::pause() {
    if (!m_running)
        return failure(QStringLiteral("the test cluster is not running"));
    const Status stopped = run(binary(QStringLiteral("pg_ctl")),
                               {QStringLiteral("stop"), QStringLiteral("-D"),
                                m_dir->filePath(QStringLiteral("data")), QStringLiteral("-m"),
                                QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("-s")},
                               nullptr);
    if (stopped)
        m_running = false;
    return stopped;
}

Status PostgresCluster::resume() {
    if (m_running || !m_dir)
        return failure(QStringLiteral("the test cluster is not paused"));
    return startServer();
}

void PostgresCluster::stop() {
    if (!m_running)
        return;
    m_running = false;
    QString output;
    const Status stopped =
        run(binary(QStringLiteral("pg_ctl")),
            {QStringLiteral("stop"), QStringLiteral("-D"), m_dir->filePath(QStringLiteral("data")),
             QStringLiteral("-m"), QStringLiteral("immediate"), QStringLiteral("-w"),
             QStringLiteral("-s")},
            &output);
    if (!stopped)
        qWarning("PostgresCluster: %s", qPrintable(stopped.error().message));
}

Status PostgresCluster::createDatabase(const QString& name, const QByteArray& password) {
    const QString connection = QStringLiteral("qpos-test-cluster-admin");
    Status result = Status::success();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        db.setHostName(socketDir());
        db.setPort(kPort);
        db.setDatabaseName(QStringLiteral("postgres"));
        db.setUserName(QString::fromLatin1(kSuperuser));
        db.setPassword(QString::fromLatin1(m_superuserPassword));
        if (!db.open()) {
            result = failure(QStringLiteral("cannot connect to the test cluster: %1")
                                 .arg(db.lastError().text()));
        } else {
            // Test-made names and hex passwords: DDL takes no bound parameters.
            QSqlQuery q(db);
            for (const QString& sql : {QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2'")
                                           .arg(name, QString::fromLatin1(password)),
                                       QStringLiteral("CREATE DATABASE %1 OWNER %1").arg(name)}) {
                if (!q.exec(sql)) {
                    result =
                        failure(QStringLiteral("%1: %2").arg(sql.left(30), q.lastError().text()));
                    break;
                }
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return result;
}

QString PostgresCluster::writePasswordFile(const QString& fileName,
                                           const QByteArray& password) const {
    const QString path = m_dir->filePath(fileName);
    if (!writePrivateFile(path, password + '\n'))
        qWarning("PostgresCluster: cannot write %s", qPrintable(path));
    return path;
}

} // namespace qpos::test
