#include "core/storage/Database.h"

#include "core/logging/LogCategories.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>

namespace qpos {

namespace {

QString nextConnectionName() {
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("qpos-db-%1").arg(counter.fetchAndAddRelaxed(1));
}

} // namespace

Error databaseError(const QString& what, const QString& driverText) {
    return Error{QStringLiteral("db.error"),
                 QCoreApplication::translate("qpos::Database", "Database error while %1: %2")
                     .arg(what, driverText)};
}

Database::~Database() {
    close();
}

Status Database::open(const QString& path) {
    close();
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return Error{QStringLiteral("db.directory"),
                     QCoreApplication::translate(
                         "qpos::Database",
                         "Cannot create the directory %1 for the order database; check that the "
                         "user running qpos may write there, or set [database] path.")
                         .arg(info.absolutePath())};

    m_connectionName = nextConnectionName();
    m_path = path;
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(path);
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!m_db.open()) {
        const Error error{
            QStringLiteral("db.open"),
            QCoreApplication::translate("qpos::Database",
                                        "Cannot open the order database %1: %2. Check the file's "
                                        "permissions and free disk space.")
                .arg(path, m_db.lastError().text())};
        close();
        return error;
    }

    // A paid order must survive power loss: full fsync on every commit of the WAL.
    QSqlQuery mode(m_db);
    if (!mode.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !mode.next()) {
        const Error error{QStringLiteral("db.open"),
                          QCoreApplication::translate(
                              "qpos::Database",
                              "Cannot read the order database %1: %2. The file may be damaged "
                              "or not an order database: keep it (it may hold orders), move it "
                              "aside and contact support.")
                              .arg(path, mode.lastError().text())};
        mode = QSqlQuery();
        close();
        return error;
    }
    if (mode.value(0).toString().compare(u"wal", Qt::CaseInsensitive) != 0) {
        const Error error{QStringLiteral("db.wal"),
                          QCoreApplication::translate(
                              "qpos::Database",
                              "The order database %1 cannot use write-ahead logging (is it on a "
                              "network file system?). Move it to a local disk.")
                              .arg(path)};
        mode = QSqlQuery();
        close();
        return error;
    }
    mode = QSqlQuery();
    for (const char* pragma : {"PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
        if (Status s = exec(QString::fromLatin1(pragma)); !s.ok()) {
            close();
            return s;
        }
    }
    return Status::success();
}

void Database::close() {
    if (m_connectionName.isEmpty())
        return;
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
    m_connectionName.clear();
}

Status Database::exec(const QString& sql) {
    QSqlQuery query(m_db);
    if (!query.exec(sql))
        return databaseError(sql.left(60), query.lastError().text());
    return Status::success();
}

Status Database::begin() {
    return exec(QStringLiteral("BEGIN IMMEDIATE"));
}

Status Database::commit() {
    return exec(QStringLiteral("COMMIT"));
}

void Database::rollback() {
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("ROLLBACK")))
        qCWarning(lcStore) << "rollback failed:" << query.lastError().text();
}

WriteTransaction::~WriteTransaction() {
    if (m_open)
        m_db.rollback();
}

Status WriteTransaction::begin() {
    Status s = m_db.begin();
    m_open = s.ok();
    return s;
}

Status WriteTransaction::commit() {
    Status s = m_db.commit();
    if (s.ok())
        m_open = false;
    return s;
}

} // namespace qpos
