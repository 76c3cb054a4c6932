#include "core/gateways/ChinaTime.h"

#include <QDate>
#include <QDateTime>
#include <QTime>

namespace qpos::gateway {

namespace {

bool digitsAt(QStringView s, qsizetype from, qsizetype count) {
    for (qsizetype i = from; i < from + count; ++i) {
        if (s[i] < u'0' || s[i] > u'9')
            return false;
    }
    return true;
}

int number(QStringView s, qsizetype from, qsizetype count) {
    int value = 0;
    for (qsizetype i = from; i < from + count; ++i)
        value = value * 10 + (s[i].unicode() - u'0');
    return value;
}

} // namespace

std::optional<qint64> parseChinaTime(QStringView text) {
    // "yyyy-MM-dd HH:mm:ss": 19 characters with separators at fixed places.
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
    // A fixed offset: no time zone database needed.
    return QDateTime(date, time, Qt::UTC).toMSecsSinceEpoch() - qint64(kChinaUtcOffsetS) * 1000;
}

} // namespace qpos::gateway
