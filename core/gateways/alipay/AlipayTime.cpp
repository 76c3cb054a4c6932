#include "core/gateways/alipay/AlipayTime.h"

#include <QTimeZone>

namespace qpos::alipay {

namespace {

const QTimeZone& chinaZone() {
    // A fixed offset, not "Asia/Shanghai": no tz database needed, and China has no DST.
    static const QTimeZone zone(kChinaUtcOffsetS);
    return zone;
}

} // namespace

QString chinaTimestamp(const QDateTime& instant) {
    return instant.toTimeZone(chinaZone()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString chinaBillDate(QDate date, bool month) {
    return date.toString(month ? QStringLiteral("yyyy-MM") : QStringLiteral("yyyy-MM-dd"));
}

QDate chinaDateOf(const QDateTime& instant) {
    return instant.toTimeZone(chinaZone()).date();
}

} // namespace qpos::alipay
