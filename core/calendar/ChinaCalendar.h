#pragma once

#include <QDate>
#include <QDateTime>
#include <QString>
#include <QStringView>
#include <QtGlobal>

#include <optional>

// The shop's calendar is China's whatever the machine's time zone: order numbers, "today's
// orders", the providers' timestamps and their bills all count China days. China time is
// UTC+8 with no daylight saving (none since 1991), so a fixed offset is exact and needs no
// time zone database.
namespace qpos::china_calendar {

inline constexpr int kUtcOffsetS = 8 * 3600;
inline constexpr qint64 kUtcOffsetMs = qint64(kUtcOffsetS) * 1000;

// The China wall-clock time of a UTC instant (a QDateTime at offset +08:00).
QDateTime dateTimeOf(qint64 utcMs);
// The China calendar date of a UTC instant.
QDate dateOf(qint64 utcMs);
// The China calendar date of a UTC instant as the number yyyyMMdd (20261123).
int dayNumberOf(qint64 utcMs);

// A date as the number yyyyMMdd, and back (an invalid QDate for a number that is no date).
int dayNumber(QDate date);
QDate dateOfDayNumber(int dayNumber);
// The China hour (0-23) of a UTC instant.
int hourOf(qint64 utcMs);

// The first UTC millisecond of a China calendar date.
qint64 dayStartMs(QDate date);
// The end of a China calendar date, exclusive: the first UTC millisecond of the next date.
qint64 dayEndMs(QDate date);

// "yyyy-MM-dd HH:mm:ss" in China time, as both providers write local times (whole seconds,
// rounded down).
QString formatTimestamp(qint64 utcMs);
// Parses "yyyy-MM-dd HH:mm:ss" (China time) strictly into UTC milliseconds: exactly that
// shape with ASCII digits, a real calendar date and time; anything else is empty.
std::optional<qint64> parseTimestamp(QStringView text);

// A China date as people type it on the command line: "today", "yesterday" (both relative to
// `nowUtcMs`) or "yyyy-MM-dd"; anything else is empty.
std::optional<QDate> parseDate(const QString& text, qint64 nowUtcMs);

} // namespace qpos::china_calendar
