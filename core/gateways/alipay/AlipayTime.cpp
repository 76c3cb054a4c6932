#include "gateways/alipay/AlipayTime.h"

#include <QTimeZone>

namespace qpos::alipay {

namespace {

const QTimeZone& chinaZone() {
    // A fixed offset, not "Asia/Shanghai": no tz database needed, and China has no DST.
    static const QTimeZone zone(kChinaUtcOffsetS);
    return zone;
}

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

QString chinaTimestamp(const QDateTime& instant) {
    return instant.toTimeZone(chinaZone()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

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
    return QDateTime(date, time, chinaZone()).toMSecsSinceEpoch();
}

QString chinaBillDate(QDate date, bool month) {
    return date.toString(month ? QStringLiteral("yyyy-MM") : QStringLiteral("yyyy-MM-dd"));
}

QDate chinaDateOf(const QDateTime& instant) {
    return instant.toTimeZone(chinaZone()).date();
}

} // namespace qpos::alipay
