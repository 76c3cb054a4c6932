#include "core/orders/OutTradeNo.h"

#include "core/calendar/ChinaCalendar.h"

namespace qpos::out_trade_no {

namespace {

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

QString make(const QString& storeId, const QString& terminalId, qint64 utcMs, qint64 sequence) {
    Q_ASSERT(isValidPartId(storeId) && isValidPartId(terminalId) && sequence > 0);
    return storeId + u'_' + terminalId + u'_' +
           QString::number(china_calendar::dayNumberOf(utcMs)) + u'_' +
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
