#pragma once

#include "common/Result.h"
#include "orders/Channel.h"

#include <QList>
#include <QString>
#include <QStringView>

namespace qpos::ui {

// A buyer's payment code (付款码) as the cashier's scanner reads it. It is a secret: it is
// never shown in full and never logged.
namespace payment_code {

// Digits only, 16 to 24 of them (the length both providers use).
bool isWellFormed(QStringView code);

// The channel whose codes start like this one, among those the till offers: Alipay codes
// start with 25-30, WeChat Pay codes with 10-15. Fails ("payment_code.malformed",
// "payment_code.unknown_prefix", "payment_code.channel_not_offered") with a translated
// message for the cashier.
Result<Channel> channelFor(QStringView code, const QList<Channel>& offered);

// The last four digits behind dots, for the screen ("•••• 0000").
QString masked(QStringView code);

} // namespace payment_code
} // namespace qpos::ui
