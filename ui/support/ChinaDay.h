#pragma once

#include <QDate>
#include <QString>
#include <QtGlobal>

namespace qpos::ui {

// The shop's calendar is China's (UTC+8, no daylight saving), whatever the terminal's time
// zone: "today's orders" are those of the China calendar day, as in the order numbers.
QDate chinaDate(qint64 utcMs);
// The UTC ms at which a China calendar day starts.
qint64 chinaDayStartMs(const QDate& day);
// A UTC instant shown in the terminal's local time, "yyyy-MM-dd HH:mm:ss".
QString localTimeText(qint64 utcMs);

} // namespace qpos::ui
