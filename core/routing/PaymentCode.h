#pragma once

#include <QStringView>

namespace qpos::routing {

// A buyer's payment code (付款码) as a scanner reads it: the till and qposctl route it to a
// wallet by its prefix (ChannelRouting). It is a secret: never shown in full, never logged.
namespace payment_code {

inline constexpr int kMinLength = 16;
inline constexpr int kMaxLength = 24;

// Digits only, 16 to 24 of them (the lengths Alipay and WeChat Pay use: WeChat's are 18).
bool isWellFormed(QStringView code);

} // namespace payment_code
} // namespace qpos::routing
