#include "sandbox/support/ChinaTime.h"

#include <QRegularExpression>
#include <QTimeZone>

namespace qpos::sandbox::china_time {

namespace {

QTimeZone zone() {
    return QTimeZone(8 * 3600);
}

} // namespace

QDateTime at(qint64 utcMs) {
    return QDateTime::fromMSecsSinceEpoch(utcMs, zone());
}

QString format(qint64 utcMs) {
    return at(utcMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QDate date(qint64 utcMs) {
    return at(utcMs).date();
}

std::optional<qint64> parse(const QString& text) {
    static const QRegularExpression shape(
        QStringLiteral("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$"));
    if (!shape.match(text).hasMatch())
        return std::nullopt;
    const QDate d = QDate::fromString(text.left(10), QStringLiteral("yyyy-MM-dd"));
    const QTime t = QTime::fromString(text.mid(11), QStringLiteral("HH:mm:ss"));
    if (!d.isValid() || !t.isValid())
        return std::nullopt;
    return QDateTime(d, t, zone()).toMSecsSinceEpoch();
}

qint64 startOfDay(QDate d) {
    return QDateTime(d, QTime(0, 0), zone()).toMSecsSinceEpoch();
}

} // namespace qpos::sandbox::china_time
