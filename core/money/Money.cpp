#include "core/money/Money.h"

#include "core/money/AmountRefusal.h"

#include <QCoreApplication>

#include <optional>

namespace qpos::money {

namespace {

// The plain form nearly every amount has ("12.34", "0.5", "7": no leading zeros, at most nine
// whole digits and two decimals), read in one pass; anything else is left to parseYuan()'s
// checks, which say what is wrong. A bill reads millions of amounts.
std::optional<Fen> plainYuan(QStringView text) {
    const qsizetype dot = text.size() >= 2 && text[text.size() - 2] == u'.'   ? text.size() - 2
                          : text.size() >= 3 && text[text.size() - 3] == u'.' ? text.size() - 3
                                                                              : text.size();
    if (dot == 0 || dot > 9 || (dot > 1 && text[0] == u'0'))
        return std::nullopt;
    Fen fen = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (i == dot)
            continue;
        if (!isAsciiDigit(text[i]))
            return std::nullopt;
        fen = fen * 10 + (text[i].unicode() - '0');
    }
    // Scaled to fen by the decimals missing.
    for (qsizetype decimals = dot == text.size() ? 0 : text.size() - dot - 1; decimals < 2;
         ++decimals)
        fen *= 10;
    if (fen > kMaxFen)
        return std::nullopt;
    return fen;
}

} // namespace

Result<Fen> parseYuan(QStringView text, Sign sign, const QString& what) {
    if (const std::optional<Fen> fen = plainYuan(text);
        fen && (*fen != 0 || sign != Sign::Positive))
        return *fen;
    if (text.isEmpty())
        return amountRefusal(
            what, QStringLiteral("money.empty"),
            QCoreApplication::translate("qpos::money", "enter an amount such as 12.34"));

    for (QChar c : text) {
        if (c.isSpace())
            return amountRefusal(
                what, QStringLiteral("money.space"),
                QCoreApplication::translate("qpos::money", "remove the spaces from the amount"));
        if (c == u'-')
            return amountRefusal(
                what, QStringLiteral("money.negative"),
                QCoreApplication::translate("qpos::money", "a negative amount is not allowed"));
        if (c == u'+')
            return amountRefusal(
                what, QStringLiteral("money.sign"),
                QCoreApplication::translate("qpos::money", "write the amount without a '+' sign"));
        if (c == u'e' || c == u'E')
            return amountRefusal(what, QStringLiteral("money.exponent"),
                                 QCoreApplication::translate(
                                     "qpos::money",
                                     "write the amount as plain digits, such as 12.34, not in "
                                     "exponent form"));
        if (c == u',')
            return amountRefusal(
                what, QStringLiteral("money.grouping"),
                QCoreApplication::translate("qpos::money",
                                            "write the amount without thousands separators"));
        if (c != u'.' && !isAsciiDigit(c))
            return amountRefusal(
                what, QStringLiteral("money.character"),
                QCoreApplication::translate(
                    "qpos::money", "only the digits 0-9 and one decimal point are allowed"));
    }

    const qsizetype dot = text.indexOf(u'.');
    const QStringView whole = dot < 0 ? text : text.left(dot);
    const QStringView fraction = dot < 0 ? QStringView() : text.mid(dot + 1);
    if (dot >= 0 && fraction.contains(u'.'))
        return amountRefusal(
            what, QStringLiteral("money.character"),
            QCoreApplication::translate("qpos::money", "only one decimal point is allowed"));
    if (whole.isEmpty())
        return amountRefusal(
            what, QStringLiteral("money.format"),
            QCoreApplication::translate("qpos::money",
                                        "write a digit before the decimal point, such as 0.50"));
    if (dot >= 0 && fraction.isEmpty())
        return amountRefusal(
            what, QStringLiteral("money.format"),
            QCoreApplication::translate(
                "qpos::money", "write a digit after the decimal point, or leave the point out"));
    if (fraction.size() > 2)
        return amountRefusal(
            what, QStringLiteral("money.precision"),
            QCoreApplication::translate("qpos::money", "at most two decimals (fen) are allowed"));
    if (whole.size() > 1 && whole.front() == u'0')
        return amountRefusal(
            what, QStringLiteral("money.format"),
            QCoreApplication::translate("qpos::money", "remove the leading zeros"));
    // Anything longer than nine integer digits is over the limit; checking the length first
    // keeps the arithmetic below far from overflow.
    if (whole.size() > 9)
        return amountRefusal(
            what, QStringLiteral("money.too_large"),
            QCoreApplication::translate("qpos::money", "the largest amount allowed is %1")
                .arg(formatYuan(kMaxFen)));

    Fen fen = 0;
    for (QChar c : whole)
        fen = fen * 10 + (c.unicode() - '0');
    fen *= 100;
    if (fraction.size() >= 1)
        fen += (fraction[0].unicode() - '0') * 10;
    if (fraction.size() == 2)
        fen += fraction[1].unicode() - '0';

    if (fen > kMaxFen)
        return amountRefusal(
            what, QStringLiteral("money.too_large"),
            QCoreApplication::translate("qpos::money", "the largest amount allowed is %1")
                .arg(formatYuan(kMaxFen)));
    if (fen == 0 && sign == Sign::Positive)
        return amountRefusal(
            what, QStringLiteral("money.zero"),
            QCoreApplication::translate("qpos::money", "the amount must be at least 0.01"));
    return fen;
}

QString formatYuan(Fen fen) {
    const bool negative = fen < 0;
    // Work on the unsigned magnitude so the most negative value cannot overflow.
    const quint64 magnitude = negative ? quint64(0) - quint64(fen) : quint64(fen);
    const quint64 yuan = magnitude / 100;
    const quint64 cents = magnitude % 100;
    QString text = QString::number(yuan) + u'.' + QString::number(cents).rightJustified(2, u'0');
    if (negative)
        text.prepend(u'-');
    return text;
}

} // namespace qpos::money
