#pragma once

#include "server/storage/ServerStore.h"
#include "tests/support/PostgresCluster.h"
#include "tests/support/TempDir.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <memory>

namespace qpos::test {

// The server store a suite runs against: SQLite by default, PostgreSQL (a throwaway cluster)
// when QPOS_TEST_SERVER_STORE=postgresql. CTest registers each server suite once per store,
// so the same tests prove both stores behave the same.
class StoreUnderTest {
public:
    enum class Kind { Sqlite, Postgresql };

    explicit StoreUnderTest(const TempDir& dir, Kind kind = fromEnvironment());
    // From QPOS_TEST_SERVER_STORE: "sqlite" (or unset) or "postgresql".
    static Kind fromEnvironment();

    Kind kind() const { return m_kind; }
    QString name() const;
    // Creates the database (and for PostgreSQL starts the cluster); the error says why not.
    Status prepare();
    // A new store on the same database, not opened yet: a server, or a restarted one.
    std::unique_ptr<server::ServerStore> makeStore() const;
    // A store on a new database `name` (letters, digits, _) of the same kind, left at schema
    // `version` with `rows` written in that schema's SQL, not opened yet: opening it upgrades
    // it as a newer qpos-server upgrades a database an older one kept.
    Result<std::unique_ptr<server::ServerStore>> makeStoreAtSchema(const QString& name, int version,
                                                                   const QStringList& rows);
    // The [database] section of a qpos-server configuration file for the same database
    // (PostgreSQL as a url, its socket directory percent-encoded), for a server process.
    QByteArray databaseSection() const;
    // The store's connection on this thread, for the tests' own reads.
    static QSqlDatabase sql(server::ServerStore& store);
    // Closes the store's connection: every call fails until open() again.
    static void close(server::ServerStore& store);

    PostgresCluster& cluster() { return m_cluster; }

private:
    Kind m_kind;
    const TempDir& m_dir;
    PostgresCluster m_cluster;
    QString m_passwordFile;
};

} // namespace qpos::test

// Prepares `store`: a failure fails the test with the reason (PostgreSQL may skip only as
// PostgresCluster::mayBeSkipped() allows).
#define QPOS_PREPARE_STORE(store)                                                                  \
    do {                                                                                           \
        const qpos::Status prepared_ = (store).prepare();                                          \
        if (!prepared_) {                                                                          \
            if ((store).kind() == qpos::test::StoreUnderTest::Kind::Postgresql &&                  \
                qpos::test::PostgresCluster::mayBeSkipped())                                       \
                QSKIP(qPrintable(prepared_.error().message));                                      \
            QFAIL(qPrintable(prepared_.error().message));                                          \
        }                                                                                          \
    } while (false)
