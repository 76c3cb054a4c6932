#pragma once

#include <QDate>
#include <QString>

namespace qpos::alipay {

// Alipay writes every time as "yyyy-MM-dd HH:mm:ss" in China time: see
// core/calendar/ChinaCalendar.h. What stays here is Alipay's own bill date.

// "yyyy-MM-dd" (day) or "yyyy-MM" (month) as bill_date expects.
QString chinaBillDate(QDate date, bool month);

} // namespace qpos::alipay
