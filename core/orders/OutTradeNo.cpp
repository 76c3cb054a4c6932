#include "core/orders/OutTradeNo.h"

#include <QDateTime>

namespace qpos::out_trade_no {

namespace {

constexpr qint64 kChinaOffsetMs = 8LL * 3600 * 1000;

bool isAsciiAlnum(QChar c) {
    const char16_t u = c.unicode();
    return (u >= '0' && u <= '9') || (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z');
}

} // namespace

bool isValidPartId(QStringView id) {
    if (id.isEmpty() || id.size() > 16)
        return false;
    for (QChar c : id) {
        if (!isAsciiAlnum(c))
            return false;
    }
    return true;
}

int chinaDay(qint64 utcMs) {
    // China has had no daylight saving time since 1991: a fixed offset is exact.
    const QDate date = QDateTime::fromMSecsSinceEpoch(utcMs + kChinaOffsetMs, Qt::UTC).date();
    return date.year() * 10000 + date.month() * 100 + date.day();
}

QString make(const QString& storeId, const QString& terminalId, qint64 utcMs, qint64 sequence) {
    Q_ASSERT(isValidPartId(storeId) && isValidPartId(terminalId) && sequence > 0);
    return storeId + u'_' + terminalId + u'_' + QString::number(chinaDay(utcMs)) + u'_' +
           QString::number(sequence).rightJustified(8, u'0');
}

bool isWellFormed(QStringView outTradeNo) {
    if (outTradeNo.isEmpty() || outTradeNo.size() > 64)
        return false;
    for (QChar c : outTradeNo) {
        if (!isAsciiAlnum(c) && c != u'_')
            return false;
    }
    return true;
}

} // namespace qpos::out_trade_no
