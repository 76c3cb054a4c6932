#pragma once

#include "core/common/Result.h"

#include <QString>
#include <QStringView>
#include <QtGlobal>

namespace qpos::money {

// Amounts are integer fen. The providers' decimal strings ("0.01") are parsed and printed
// exactly; nothing here ever touches a floating-point number.
using Fen = qint64;

// The largest single amount the providers accept: 100,000,000.00 yuan.
inline constexpr Fen kMaxFen = Fen(100'000'000) * 100;

enum class Sign {
    Positive,    // a charge or a refund: zero is refused
    NonNegative, // a total or a bill column: zero is fine
};

// Parses a decimal yuan string such as "12", "12.3" or "12.34" into fen. Refuses, with a
// message that says what is wrong: empty text, a sign, spaces, exponents, grouping commas,
// non-ASCII digits, more than two decimals, superfluous leading zeros, and amounts above
// kMaxFen. `what` names the field in the message (for example "amount").
Result<Fen> parseYuan(QStringView text, Sign sign = Sign::Positive, const QString& what = {});

// Formats fen as the providers expect: always two decimals, no grouping ("0.01", "1234.50").
// Negative values get a leading '-'.
QString formatYuan(Fen fen);

} // namespace qpos::money
