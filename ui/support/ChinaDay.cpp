#include "ui/support/ChinaDay.h"

#include "core/orders/OutTradeNo.h"

#include <QDateTime>
#include <QTimeZone>

namespace qpos::ui {

namespace {
constexpr int kChinaOffsetS = 8 * 3600;
}

QDate chinaDate(qint64 utcMs) {
    const int day = out_trade_no::chinaDay(utcMs); // yyyyMMdd
    return QDate(day / 10000, (day / 100) % 100, day % 100);
}

qint64 chinaDayStartMs(const QDate& day) {
    return QDateTime(day, QTime(0, 0), QTimeZone(kChinaOffsetS)).toMSecsSinceEpoch();
}

QString localTimeText(qint64 utcMs) {
    return QDateTime::fromMSecsSinceEpoch(utcMs, Qt::UTC)
        .toLocalTime()
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace qpos::ui
