#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace qpos::test {

// A throwaway PostgreSQL 15 cluster for one test process: initdb into a temporary directory,
// then the server on a Unix socket in that directory only (no TCP port, so parallel suites
// never collide). PostgreSQL refuses to run as root, so as root (CI) initdb and pg_ctl run as
// the unprivileged user scripts/install-deps.sh creates (qpos-test; else nobody). The server
// is stopped and its files removed when the object goes, however the test ended.
class PostgresCluster {
public:
    static constexpr int kPort = 5432; // names the socket file only
    static constexpr const char* kSuperuser = "qpos_admin";

    PostgresCluster();
    ~PostgresCluster();
    PostgresCluster(const PostgresCluster&) = delete;
    PostgresCluster& operator=(const PostgresCluster&) = delete;

    // The error says why: missing binaries or driver, initdb's output, the server's log.
    Status start();
    void stop();
    // The server stopped as an administrator stops it (pg_ctl stop -m fast: connections are
    // closed) and started again on the same data, for tests of a database that goes away.
    Status pause();
    Status resume();
    bool isRunning() const { return m_running; }

    QString socketDir() const;
    // A new role with this password, owning a new database of the same name.
    Status createDatabase(const QString& name, const QByteArray& password);
    // The password in a 0600 file this process owns, as [database] password_file wants.
    QString writePasswordFile(const QString& fileName, const QByteArray& password) const;

    // Set QPOS_SKIP_POSTGRES_TESTS=1 on a developer machine without PostgreSQL 15 or
    // libqt6sql6-psql: the PostgreSQL tests are skipped instead of failing. CI never sets it.
    static bool mayBeSkipped();

private:
    Status run(const QString& program, const QStringList& arguments, QString* output) const;
    QString binary(const QString& name) const;
    Status startServer();

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_runAs; // empty: this user
    QByteArray m_superuserPassword;
    bool m_running = false;
};

} // namespace qpos::test

// Starts `cluster` or fails the test with the reason (skips only as mayBeSkipped() allows).
#define QPOS_START_POSTGRES(cluster)                                                               \
    do {                                                                                           \
        const qpos::Status started_ = (cluster).start();                                           \
        if (!started_) {                                                                           \
            if (qpos::test::PostgresCluster::mayBeSkipped())                                       \
                QSKIP(qPrintable(started_.error().message));                                       \
            QFAIL(qPrintable(started_.error().message));                                           \
        }                                                                                          \
    } while (false)
