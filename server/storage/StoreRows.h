#pragma once

#include "server/storage/ServerRecords.h"

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

} // namespace qpos::server
