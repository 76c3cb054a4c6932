#include "tests/server/StoreUnderTest.h"

#include "server/storage/PostgresServerStore.h"
#include "server/storage/SqliteServerStore.h"

#include <QUrl>

namespace qpos::test {

namespace {

const QString kDatabase = QStringLiteral("qpos_server");
const QByteArray kPassword = QByteArrayLiteral("b6c1d2e3f4a5968778695a4b3c2d1e0f");

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
