#include "core/storage/SqliteStatement.h"

#include <QCoreApplication>
#include <QLatin1StringView>
#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

#include <algorithm>

namespace qpos {

sqlite3* sqliteHandleOf(const QSqlDatabase& db) {
    if (!db.isOpen() || db.driverName() != u"QSQLITE")
        return nullptr;
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3* const*>(handle.constData());
}

SqliteStatement::~SqliteStatement() {
    finalize();
}

void SqliteStatement::finalize() {
    sqlite3_finalize(m_stmt); // a no-op on nullptr
    m_stmt = nullptr;
    m_db = nullptr;
    m_failed = false;
}

bool SqliteStatement::prepare(sqlite3* db, QByteArrayView sql) {
    finalize();
    m_db = db;
    if (db == nullptr)
        return false;
    const int result =
        sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &m_stmt, nullptr);
    if (result != SQLITE_OK) {
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
        return false;
    }
    return true;
}

bool SqliteStatement::bound(int result) {
    m_failed = result != SQLITE_OK;
    return !m_failed;
}

bool SqliteStatement::bind(int index, qint64 value) {
    return bound(sqlite3_bind_int64(m_stmt, index, value));
}

bool SqliteStatement::bind(int index, QByteArrayView utf8) {
    // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's buffer may go.
    return bound(sqlite3_bind_text(m_stmt, index, utf8.data() ? utf8.data() : "",
                                   static_cast<int>(utf8.size()), SQLITE_TRANSIENT));
}

bool SqliteStatement::bind(const char* name, qint64 value) {
    return bind(sqlite3_bind_parameter_index(m_stmt, name), value);
}

bool SqliteStatement::bind(const char* name, QByteArrayView utf8) {
    return bind(sqlite3_bind_parameter_index(m_stmt, name), utf8);
}

bool SqliteStatement::next() {
    const int result = sqlite3_step(m_stmt);
    m_failed = result != SQLITE_ROW && result != SQLITE_DONE;
    return result == SQLITE_ROW;
}

void SqliteStatement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_failed = false;
}

bool SqliteStatement::isNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

qint64 SqliteStatement::int64(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}

QByteArrayView SqliteStatement::text(int column) const {
    const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return QByteArrayView(bytes, bytes ? sqlite3_column_bytes(m_stmt, column) : 0);
}

void SqliteStatement::textInto(int column, QString& out) const {
    const QByteArrayView utf8 = text(column);
    const bool ascii = std::all_of(utf8.begin(), utf8.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    // Assigning Latin-1 reuses the string's buffer when it is large enough and not shared.
    if (ascii)
        out = QLatin1StringView(utf8.data(), utf8.size());
    else
        out = QString::fromUtf8(utf8);
}

QString SqliteStatement::errorText() const {
    if (m_db == nullptr)
        return QCoreApplication::translate("qpos::SqliteStatement",
                                           "the database is not an open SQLite database");
    return QString::fromUtf8(sqlite3_errmsg(m_db));
}

} // namespace qpos
