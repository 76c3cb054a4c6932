#pragma once

#include <QDate>
#include <QString>
#include <QtGlobal>

#include <optional>

namespace qpos::ctl {

// Calendar dates on the command line are China dates (UTC+8), as order numbers and the
// providers' bills count days.
QDate chinaToday(qint64 nowUtcMs);
// The first UTC millisecond of `date` in China.
qint64 chinaDayStartMs(QDate date);
// "2024-01-15", "today" or "yesterday".
std::optional<QDate> parseChinaDate(const QString& text, qint64 nowUtcMs);
// A UTC instant as local wall-clock time "yyyy-MM-dd HH:mm:ss", for people.
QString localTimeText(qint64 utcMs);

} // namespace qpos::ctl
