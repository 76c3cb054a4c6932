#pragma once

#include <QStringView>
#include <QtGlobal>

#include <optional>

namespace qpos::gateway {

// Both providers write local times in China time: UTC+8, with no daylight saving.
inline constexpr int kChinaUtcOffsetS = 8 * 3600;

// Parses "yyyy-MM-dd HH:mm:ss" (China time, as Alipay's answers and both providers' bills
// print it) strictly into UTC milliseconds: exactly that shape, a real calendar date and
// time; anything else is empty.
std::optional<qint64> parseChinaTime(QStringView text);

} // namespace qpos::gateway
