#pragma once

#include <QDate>
#include <QDateTime>
#include <QString>

#include <optional>

namespace qpos::sandbox::china_time {

// The providers speak China time (UTC+8, no daylight saving) whatever the machine's zone.
QDateTime at(qint64 utcMs);
// "yyyy-MM-dd HH:mm:ss" as in Alipay's timestamp, gmt_payment, notify_time...
QString format(qint64 utcMs);
// The China calendar date of an instant.
QDate date(qint64 utcMs);
// Parses "yyyy-MM-dd HH:mm:ss" in China time; nullopt unless exactly that form.
std::optional<qint64> parse(const QString& text);
// The UTC instant at which a China calendar date starts.
qint64 startOfDay(QDate date);

} // namespace qpos::sandbox::china_time
