#include "ctl/ChinaDate.h"

#include <QDateTime>

namespace qpos::ctl {

namespace {
// China has had no daylight saving time since 1991: a fixed offset is exact.
constexpr qint64 kChinaOffsetMs = qint64(8) * 3600 * 1000;
} // namespace

QDate chinaToday(qint64 nowUtcMs) {
    return QDateTime::fromMSecsSinceEpoch(nowUtcMs + kChinaOffsetMs, Qt::UTC).date();
}

qint64 chinaDayStartMs(QDate date) {
    return QDateTime(date, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch() - kChinaOffsetMs;
}

std::optional<QDate> parseChinaDate(const QString& text, qint64 nowUtcMs) {
    if (text == u"today")
        return chinaToday(nowUtcMs);
    if (text == u"yesterday")
        return chinaToday(nowUtcMs).addDays(-1);
    const QDate date = QDate::fromString(text, Qt::ISODate);
    if (!date.isValid() || text.size() != 10)
        return std::nullopt;
    return date;
}

QString localTimeText(qint64 utcMs) {
    return QDateTime::fromMSecsSinceEpoch(utcMs).toLocalTime().toString(
        QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace qpos::ctl
