#pragma once

#include <QByteArrayView>
#include <QSqlDatabase>
#include <QString>
#include <QtGlobal>

struct sqlite3;
struct sqlite3_stmt;

namespace qpos {

// The SQLite connection under a Qt SQLite connection (the QSQLITE driver's handle()), or
// nullptr when `db` is of another driver or not open.
sqlite3* sqliteHandleOf(const QSqlDatabase& db);

// One prepared statement run through SQLite's own C API, for reading many rows: Qt makes a
// QVariant of every value, which costs more than the read itself at a million rows. Parameters
// are bound, never spliced into the SQL. The connection must outlive the statement (Qt closes
// it only once every statement is finalized) and be used from the thread that opened it.
class SqliteStatement {
public:
    SqliteStatement() = default;
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    // False on failure: errorText() says why.
    bool prepare(sqlite3* db, QByteArrayView sql);
    void finalize();

    // Parameters by position (from 1, as SQLite numbers them) or by name (":from"; every
    // use of the name takes the value).
    bool bind(int index, qint64 value);
    bool bind(int index, QByteArrayView utf8);
    bool bind(const char* name, qint64 value);
    bool bind(const char* name, QByteArrayView utf8);

    // Steps to the next row: true when there is one; false at the end or on failure
    // (failed() tells them apart).
    bool next();
    bool failed() const { return m_failed; }
    // Clears the bindings and makes the statement ready to run again.
    void reset();

    bool isNull(int column) const;
    qint64 int64(int column) const;
    // The value as UTF-8, valid until the next next() or reset().
    QByteArrayView text(int column) const;
    // The value as text into `out`, reusing its buffer when it holds no one else's copy.
    void textInto(int column, QString& out) const;

    // SQLite's own message for the last failure.
    QString errorText() const;

private:
    bool bound(int result);

    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    bool m_failed = false;
};

} // namespace qpos
