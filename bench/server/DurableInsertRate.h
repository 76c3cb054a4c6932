#pragma once

#include <QSqlDatabase>
#include <QString>

namespace qpos::bench {

// The database's raw durable insert rate, the baseline of the server's figures: rows like a
// notification's, one prepared INSERT per commit (SQLite: one transaction per row, with the
// connection's own pragmas; PostgreSQL: autocommit), for `windowMs`. Creates the table
// raw_inserts. 0 with `problem` set when the database refused.
double durableInsertRate(QSqlDatabase db, bool sqlite, int windowMs, QString* problem);

} // namespace qpos::bench
