#include "core/calendar/ChinaCalendar.h"

#include <QTime>

namespace qpos::china_calendar {

namespace {

bool digitsAt(QStringView s, qsizetype from, qsizetype count) {
    for (qsizetype i = from; i < from + count; ++i) {
        if (s[i] < u'0' || s[i] > u'9')
            return false;
    }
    return true;
}

// Plain day arithmetic: bills ask for these per line, and a QDateTime costs far more.
constexpr qint64 kDayMs = 24LL * 3600 * 1000;
constexpr qint64 kUnixEpochJulianDay = 2440588; // 1970-01-01

qint64 floorDiv(qint64 a, qint64 b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

int number(QStringView s, qsizetype from, qsizetype count) {
    int value = 0;
    for (qsizetype i = from; i < from + count; ++i)
        value = value * 10 + (s[i].unicode() - u'0');
    return value;
}

} // namespace

QDateTime dateTimeOf(qint64 utcMs) {
    return QDateTime::fromMSecsSinceEpoch(utcMs, Qt::OffsetFromUTC, kUtcOffsetS);
}

QDate dateOf(qint64 utcMs) {
    return QDate::fromJulianDay(floorDiv(utcMs + kUtcOffsetMs, kDayMs) + kUnixEpochJulianDay);
}

int dayNumberOf(qint64 utcMs) {
    return dayNumber(dateOf(utcMs));
}

int dayNumber(QDate date) {
    return date.year() * 10000 + date.month() * 100 + date.day();
}

QDate dateOfDayNumber(int dayNumber) {
    return QDate(dayNumber / 10000, dayNumber / 100 % 100, dayNumber % 100);
}

int hourOf(qint64 utcMs) {
    return dateTimeOf(utcMs).time().hour();
}

qint64 dayStartMs(QDate date) {
    if (!date.isValid())
        return QDateTime(date, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch() - kUtcOffsetMs;
    return (date.toJulianDay() - kUnixEpochJulianDay) * kDayMs - kUtcOffsetMs;
}

qint64 dayEndMs(QDate date) {
    return dayStartMs(date.addDays(1));
}

QString formatTimestamp(qint64 utcMs) {
    return dateTimeOf(utcMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

std::optional<qint64> parseTimestamp(QStringView text) {
    // 19 characters with separators at fixed places.
    if (text.size() != 19 || text[4] != u'-' || text[7] != u'-' || text[10] != u' ' ||
        text[13] != u':' || text[16] != u':')
        return std::nullopt;
    if (!digitsAt(text, 0, 4) || !digitsAt(text, 5, 2) || !digitsAt(text, 8, 2) ||
        !digitsAt(text, 11, 2) || !digitsAt(text, 14, 2) || !digitsAt(text, 17, 2))
        return std::nullopt;
    const QDate date(number(text, 0, 4), number(text, 5, 2), number(text, 8, 2));
    const QTime time(number(text, 11, 2), number(text, 14, 2), number(text, 17, 2));
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    return dayStartMs(date) + time.msecsSinceStartOfDay();
}

std::optional<QDate> parseDate(const QString& text, qint64 nowUtcMs) {
    if (text == u"today")
        return dateOf(nowUtcMs);
    if (text == u"yesterday")
        return dateOf(nowUtcMs).addDays(-1);
    // Qt::ISODate alone would also take longer forms; the length pins "yyyy-MM-dd".
    const QDate date = QDate::fromString(text, Qt::ISODate);
    if (!date.isValid() || text.size() != 10)
        return std::nullopt;
    return date;
}

} // namespace qpos::china_calendar
