#pragma once

#include "core/common/Result.h"

#include <QChar>
#include <QString>

namespace qpos::money {

// Why an amount's text was refused, worded the same for every amount parser: "<what>: <reason>"
// ("Amount" when `what` is empty), under the error `code`.
Error amountRefusal(const QString& what, const QString& code, const QString& reason);

// Only ASCII digits spell an amount: QChar::isDigit() also takes other scripts' digits.
inline bool isAsciiDigit(QChar c) {
    return c.unicode() >= '0' && c.unicode() <= '9';
}

} // namespace qpos::money
