#pragma once

#include "core/common/Result.h"
#include "core/link/TerminalIdentity.h"
#include "server/storage/ServerRecords.h"

#include <QList>
#include <QSqlDatabase>

#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <optional>

namespace qpos::server {

// Reading the server's rows into values, the same for every store: the SQL differs by
// database, the columns it selects do not.

// A nullable integer column.
std::optional<qint64> optionalFrom(const QVariant& value);

// The current row of "SELECT terminal, channel, amount_fen, refunded_fen, state,
// last_event_id, updated_at_ms FROM orders WHERE out_trade_no = ?".
ServerOrder serverOrderFrom(const QSqlQuery& row, const QString& outTradeNo);

// How a store words a failed query (`what` is marked with QT_TRANSLATE_NOOP in the context
// qpos::server::ServerStore); PostgreSQL's also marks a conflict worth retrying.
using QueryError = Error (*)(const char* what, const QSqlQuery& query);

// The terminals (one, or all when `only` is null), each with its secrets newest first.
// `secretTieBreak` orders secrets made in the same millisecond: SQLite's rowid, PostgreSQL's id.
Result<QList<TerminalRecord>> readTerminalRows(const QSqlDatabase& db,
                                               const link::TerminalIdentity* only,
                                               const QString& secretTieBreak,
                                               QueryError queryError);

} // namespace qpos::server
