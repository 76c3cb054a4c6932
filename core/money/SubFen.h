#pragma once

#include "core/common/Result.h"
#include "core/money/Money.h"

#include <QString>
#include <QStringView>
#include <QtGlobal>

#include <compare>
#include <optional>

namespace qpos::money {

// An amount finer than a fen, as WeChat Pay prints its fees (手续费 "0.01000"): a whole number
// of thousandths of a fen, i.e. 10^-5 yuan. Kept exactly, never as a floating-point number, so
// a day's fees add up to the provider's own total to the last digit.
class SubFen {
public:
    // Parsed amounts are at most kMaxFen in magnitude, and a bill is at most a few hundred
    // thousand lines, so sums stay far below the 64-bit limit.
    static constexpr int kPerFen = 1000;
    static constexpr int kDecimals = 5; // of a yuan

    constexpr SubFen() = default;
    static constexpr SubFen fromThousandthsOfFen(qint64 count) { return SubFen(count); }
    static constexpr SubFen fromFen(Fen fen) { return SubFen(fen * kPerFen); }

    constexpr qint64 thousandthsOfFen() const { return m_count; }
    // The amount in whole fen when it is one; empty when it has a fraction of a fen.
    std::optional<Fen> exactFen() const;

    constexpr SubFen operator+(SubFen other) const { return SubFen(m_count + other.m_count); }
    constexpr SubFen operator-(SubFen other) const { return SubFen(m_count - other.m_count); }
    constexpr SubFen operator-() const { return SubFen(-m_count); }
    constexpr SubFen& operator+=(SubFen other) {
        m_count += other.m_count;
        return *this;
    }
    constexpr bool operator==(const SubFen&) const = default;
    constexpr auto operator<=>(const SubFen&) const = default;

private:
    explicit constexpr SubFen(qint64 count)
        : m_count(count) {}

    qint64 m_count = 0;
};

// Parses signed yuan with up to five decimals ("0.01000", "-0.6", "12") exactly. Refuses, with
// a message that says what is wrong (naming `what`): empty text, spaces, a '+' sign, exponents,
// grouping, non-ASCII digits, more than five decimals, superfluous leading zeros and amounts
// above kMaxFen in magnitude.
Result<SubFen> parseSubFenYuan(QStringView text, const QString& what = {});

// Formats as WeChat Pay prints fees: always five decimals ("0.01000", "-0.53328").
QString formatSubFenYuan(SubFen amount);

} // namespace qpos::money
