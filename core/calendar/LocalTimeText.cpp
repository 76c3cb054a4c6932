#include "core/calendar/LocalTimeText.h"

#include <QDateTime>

namespace qpos {

QString localTimeText(qint64 utcMs) {
    return QDateTime::fromMSecsSinceEpoch(utcMs, Qt::UTC)
        .toLocalTime()
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace qpos
