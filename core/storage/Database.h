#pragma once

#include "core/common/Result.h"

#include <QSqlDatabase>
#include <QString>

namespace qpos {

// One SQLite connection opened for durable order data: WAL journal, synchronous=FULL,
// foreign keys on. A connection belongs to the thread that opened it (Qt SQL's rule); every
// call here must come from that thread.
class Database {
public:
    Database() = default;
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Opens (creating if needed) the file and applies the durability settings.
    Status open(const QString& path);
    void close();

    bool isOpen() const { return m_db.isOpen(); }
    QSqlDatabase& handle() { return m_db; }
    const QString& path() const { return m_path; }

    // Runs one statement without parameters (DDL, PRAGMA).
    Status exec(const QString& sql);

    Status begin(); // BEGIN IMMEDIATE: take the write lock up front
    Status commit();
    void rollback();

private:
    QString m_connectionName;
    QString m_path;
    QSqlDatabase m_db;
};

// Rolls back on scope exit unless committed: a failure at any step leaves nothing behind.
class WriteTransaction {
public:
    explicit WriteTransaction(Database& db)
        : m_db(db) {}
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;

    Status begin();
    Status commit();

private:
    Database& m_db;
    bool m_open = false;
};

// A database error as a person-readable Error naming what was being done.
Error databaseError(const QString& what, const QString& driverText);

} // namespace qpos
