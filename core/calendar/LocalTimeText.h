#pragma once

#include <QString>
#include <QtGlobal>

namespace qpos {

// A UTC instant in the machine's local wall-clock time, "yyyy-MM-dd HH:mm:ss", for people
// (the till's order screens and qposctl's listings). Not China time: see ChinaCalendar.h.
QString localTimeText(qint64 utcMs);

} // namespace qpos
