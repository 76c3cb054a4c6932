#pragma once

#include <QDate>
#include <QString>
#include <QStringView>
#include <QtGlobal>

#include <optional>

namespace qpos::wechat {

// WeChat Pay APIv3 writes times as RFC 3339 with an offset ("2026-11-22T10:21:05+08:00") and
// wants time_expire in the same form; the till stores UTC milliseconds.

// Parses "yyyy-MM-ddTHH:mm:ss" with an optional fraction of a second and then "Z" or
// "+HH:MM"/"-HH:MM", strictly (a real date and time, nothing before or after).
std::optional<qint64> parseRfc3339(QStringView text);

// A UTC instant as China time (+08:00, no daylight saving), whole seconds (rounded down):
// "2026-11-22T10:21:05+08:00".
QString chinaRfc3339(qint64 utcMs);

// "yyyy-MM-dd" as bill_date expects.
QString billDate(QDate date);

} // namespace qpos::wechat
