#include "tests/server/StoreUnderTest.h"

#include "core/storage/Database.h"
#include "server/storage/PostgresSchema.h"
#include "server/storage/PostgresServerStore.h"
#include "server/storage/ServerSchema.h"
#include "server/storage/SqliteServerStore.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

namespace qpos::test {

namespace {

const QString kDatabase = QStringLiteral("qpos_server");
const QByteArray kPassword = QByteArrayLiteral("b6c1d2e3f4a5968778695a4b3c2d1e0f");

Error schemaError(const QString& what, const QString& detail) {
    return Error{QStringLiteral("test.older_schema"), what + QStringLiteral(": ") + detail};
}

// The test's own rows, plain SQL: a failed one says which.
Status writeRows(QSqlDatabase db, const QStringList& rows) {
    QSqlQuery q(db);
    for (const QString& row : rows) {
        if (!q.exec(row))
            return schemaError(row.left(80), q.lastError().text());
    }
    return Status::success();
}

} // namespace

StoreUnderTest::StoreUnderTest(const TempDir& dir, Kind kind)
    : m_kind(kind)
    , m_dir(dir) {}

StoreUnderTest::Kind StoreUnderTest::fromEnvironment() {
    return qEnvironmentVariable("QPOS_TEST_SERVER_STORE") == u"postgresql" ? Kind::Postgresql
                                                                           : Kind::Sqlite;
}

QString StoreUnderTest::name() const {
    return m_kind == Kind::Postgresql ? QStringLiteral("postgresql") : QStringLiteral("sqlite");
}

Status StoreUnderTest::prepare() {
    if (m_kind == Kind::Sqlite)
        return Status::success();
    if (Status started = m_cluster.start(); !started)
        return started;
    if (Status created = m_cluster.createDatabase(kDatabase, kPassword); !created)
        return created;
    m_passwordFile = m_cluster.writePasswordFile(QStringLiteral("server.pw"), kPassword);
    return Status::success();
}

std::unique_ptr<server::ServerStore> StoreUnderTest::makeStore() const {
    if (m_kind == Kind::Sqlite)
        return std::make_unique<server::SqliteServerStore>(m_dir.file(QStringLiteral("server.db")));
    server::PostgresSettings settings;
    settings.host = m_cluster.socketDir();
    settings.port = PostgresCluster::kPort;
    settings.name = kDatabase;
    settings.user = kDatabase;
    settings.passwordFile = m_passwordFile;
    return std::make_unique<server::PostgresServerStore>(settings);
}

Result<std::unique_ptr<server::ServerStore>>
StoreUnderTest::makeStoreAtSchema(const QString& name, int version, const QStringList& rows) {
    if (m_kind == Kind::Sqlite) {
        const QString path = m_dir.file(name + QStringLiteral(".db"));
        Database db;
        if (Status opened = db.open(path); !opened)
            return opened.error();
        if (Status migrated = server::server_schema::migrate(db, version); !migrated)
            return migrated.error();
        if (Status written = writeRows(db.handle(), rows); !written)
            return written.error();
        db.close();
        return std::unique_ptr<server::ServerStore>(
            std::make_unique<server::SqliteServerStore>(path));
    }
    const QByteArray password = QByteArrayLiteral("0a1b2c3d4e5f60718293a4b5c6d7e8f9");
    if (Status created = m_cluster.createDatabase(name, password); !created)
        return created.error();
    server::PostgresSettings settings;
    settings.host = m_cluster.socketDir();
    settings.port = PostgresCluster::kPort;
    settings.name = name;
    settings.user = name;
    settings.passwordFile = m_cluster.writePasswordFile(name + QStringLiteral(".pw"), password);
    Status prepared = Status::success();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(settings.host);
        db.setPort(settings.port);
        db.setDatabaseName(settings.name);
        db.setUserName(settings.user);
        db.setPassword(QString::fromLatin1(password));
        if (!db.open())
            prepared = schemaError(name, db.lastError().text());
        else if (Status migrated = server::postgres_schema::migrate(db, 0, version); !migrated)
            prepared = migrated;
        else
            prepared = writeRows(db, rows);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    if (!prepared)
        return prepared.error();
    return std::unique_ptr<server::ServerStore>(
        std::make_unique<server::PostgresServerStore>(settings));
}

QByteArray StoreUnderTest::databaseSection() const {
    if (m_kind == Kind::Sqlite)
        return "[database]\npath = " + m_dir.file(QStringLiteral("server.db")).toUtf8() + '\n';
    return "[database]\nurl = postgresql://" + kDatabase.toUtf8() + '@' +
           QUrl::toPercentEncoding(m_cluster.socketDir()) + ':' +
           QByteArray::number(PostgresCluster::kPort) + '/' + kDatabase.toUtf8() +
           "\npassword_file = " + m_passwordFile.toUtf8() + '\n';
}

QSqlDatabase StoreUnderTest::sql(server::ServerStore& store) {
    if (auto* pg = dynamic_cast<server::PostgresServerStore*>(&store))
        return pg->connection();
    return dynamic_cast<server::SqliteServerStore&>(store).database().handle();
}

void StoreUnderTest::close(server::ServerStore& store) {
    if (auto* pg = dynamic_cast<server::PostgresServerStore*>(&store))
        return pg->close();
    dynamic_cast<server::SqliteServerStore&>(store).database().close();
}

} // namespace qpos::test
