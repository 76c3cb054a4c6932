#pragma once

#include <QDate>
#include <QDateTime>

namespace qpos::test {

// Today on the providers' calendar (China time, UTC+8): the day their bills are cut by.
inline QDate chinaToday() {
    return QDateTime::currentDateTimeUtc().addSecs(8 * 3600).date();
}

} // namespace qpos::test
