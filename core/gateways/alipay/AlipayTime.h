#pragma once

#include "core/gateways/ChinaTime.h"

#include <QDate>
#include <QDateTime>
#include <QString>
#include <QStringView>
#include <QtGlobal>

#include <optional>

namespace qpos::alipay {

// Alipay writes every time as "yyyy-MM-dd HH:mm:ss" in China time (UTC+8, no daylight
// saving) whatever the machine's time zone; the till stores UTC milliseconds.

using gateway::kChinaUtcOffsetS;

// The request `timestamp` for a UTC instant: "2026-11-22 10:20:30".
QString chinaTimestamp(const QDateTime& instant);

// Parses "yyyy-MM-dd HH:mm:ss" (China time) into UTC milliseconds; shared with WeChat's bill.
using gateway::parseChinaTime;

// "yyyy-MM-dd" (day) or "yyyy-MM" (month) as bill_date expects.
QString chinaBillDate(QDate date, bool month);

// The China calendar date of a UTC instant.
QDate chinaDateOf(const QDateTime& instant);

} // namespace qpos::alipay
