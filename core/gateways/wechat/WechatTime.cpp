#include "core/gateways/wechat/WechatTime.h"

#include "core/calendar/ChinaCalendar.h"

#include <QDateTime>
#include <QTime>

namespace qpos::wechat {

namespace {

// The number written by `count` ASCII digits at `from`, or -1.
int digits(QStringView text, qsizetype from, qsizetype count) {
    if (from + count > text.size())
        return -1;
    int value = 0;
    for (qsizetype i = from; i < from + count; ++i) {
        const char16_t c = text[i].unicode();
        if (c < u'0' || c > u'9')
            return -1;
        value = value * 10 + (c - u'0');
    }
    return value;
}

bool at(QStringView text, qsizetype index, char16_t c) {
    return index < text.size() && text[index].unicode() == c;
}

} // namespace

std::optional<qint64> parseRfc3339(QStringView text) {
    // yyyy-MM-ddTHH:mm:ss
    if (text.size() < 20 || !at(text, 4, u'-') || !at(text, 7, u'-') || !at(text, 10, u'T') ||
        !at(text, 13, u':') || !at(text, 16, u':'))
        return std::nullopt;
    const int year = digits(text, 0, 4);
    const int month = digits(text, 5, 2);
    const int day = digits(text, 8, 2);
    const int hour = digits(text, 11, 2);
    const int minute = digits(text, 14, 2);
    const int second = digits(text, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0)
        return std::nullopt;
    const QDate date(year, month, day);
    const QTime time(hour, minute, second);
    if (!date.isValid() || !time.isValid())
        return std::nullopt;

    qsizetype i = 19;
    int fractionMs = 0;
    if (at(text, i, u'.')) {
        ++i;
        const qsizetype start = i;
        int scale = 100;
        while (i < text.size() && text[i].unicode() >= u'0' && text[i].unicode() <= u'9') {
            fractionMs += (text[i].unicode() - u'0') * scale;
            scale /= 10;
            ++i;
        }
        if (i == start || i - start > 9)
            return std::nullopt;
    }
    int offsetS = 0;
    if (at(text, i, u'Z') && i + 1 == text.size()) {
        offsetS = 0;
    } else if ((at(text, i, u'+') || at(text, i, u'-')) && i + 6 == text.size() &&
               at(text, i + 3, u':')) {
        const int oh = digits(text, i + 1, 2);
        const int om = digits(text, i + 4, 2);
        if (oh < 0 || om < 0 || oh > 23 || om > 59)
            return std::nullopt;
        offsetS = (oh * 3600 + om * 60) * (at(text, i, u'-') ? -1 : 1);
    } else {
        return std::nullopt;
    }
    return QDateTime(date, time, Qt::UTC).toMSecsSinceEpoch() + fractionMs - qint64(offsetS) * 1000;
}

QString chinaRfc3339(qint64 utcMs) {
    const qint64 seconds = utcMs >= 0 ? utcMs / 1000 : -((-utcMs + 999) / 1000);
    const QDateTime china =
        QDateTime::fromSecsSinceEpoch(seconds + china_calendar::kUtcOffsetS, Qt::UTC);
    return china.toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss")) + QStringLiteral("+08:00");
}

QString billDate(QDate date) {
    return date.toString(QStringLiteral("yyyy-MM-dd"));
}

} // namespace qpos::wechat
