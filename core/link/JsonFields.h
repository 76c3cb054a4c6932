#pragma once

#include <QByteArrayView>
#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace qpos::link {

// Reading the protocol's JSON (docs/server-protocol.md), shared by its message kinds.

// Integers travel as decimal strings, since JSON numbers are doubles in many readers: a
// non-negative whole number of at most 18 digits, or nothing when the value is not one.
std::optional<qint64> readDecimal(const QJsonValue& value);

// The JSON object `bytes` holds, or nothing when they hold anything else.
std::optional<QJsonObject> parseObject(QByteArrayView bytes);

} // namespace qpos::link
