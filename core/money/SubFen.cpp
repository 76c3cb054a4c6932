#include "core/money/SubFen.h"

#include "core/money/AmountRefusal.h"

#include <QCoreApplication>

namespace qpos::money {

std::optional<Fen> SubFen::exactFen() const {
    if (m_count % kPerFen != 0)
        return std::nullopt;
    return m_count / kPerFen;
}

Result<SubFen> parseSubFenYuan(QStringView text, const QString& what) {
    const bool negative = text.startsWith(u'-');
    const QStringView magnitude = negative ? text.mid(1) : text;
    // The whole and the first two decimals are fen, as parseYuan() reads them; the rest are
    // thousandths of a fen.
    const qsizetype dot = magnitude.indexOf(u'.');
    const QStringView fraction = dot < 0 ? QStringView() : magnitude.mid(dot + 1);
    if (fraction.size() > SubFen::kDecimals)
        return amountRefusal(what, QStringLiteral("money.precision"),
                             QCoreApplication::translate(
                                 "qpos::money", "at most five decimals (a thousandth of a fen) "
                                                "are allowed"));
    const QStringView extra = fraction.size() > 2 ? fraction.mid(2) : QStringView();
    for (QChar c : extra) {
        if (!isAsciiDigit(c))
            return amountRefusal(what, QStringLiteral("money.character"),
                                 QCoreApplication::translate(
                                     "qpos::money", "only the digits 0-9 and one decimal point are "
                                                    "allowed"));
    }
    const QStringView fen = extra.isEmpty() ? magnitude : magnitude.left(dot + 3);
    Result<Fen> whole = parseYuan(fen, Sign::NonNegative, what);
    if (!whole)
        return whole.error();
    qint64 thousandths = 0;
    for (qsizetype i = 0; i < 3; ++i)
        thousandths = thousandths * 10 + (i < extra.size() ? extra[i].unicode() - '0' : 0);
    const qint64 count = *whole * SubFen::kPerFen + thousandths;
    if (count > kMaxFen * SubFen::kPerFen)
        return amountRefusal(
            what, QStringLiteral("money.too_large"),
            QCoreApplication::translate("qpos::money", "the largest amount allowed is %1")
                .arg(formatYuan(kMaxFen)));
    return SubFen::fromThousandthsOfFen(negative ? -count : count);
}

QString formatSubFenYuan(SubFen amount) {
    const qint64 count = amount.thousandthsOfFen();
    const bool negative = count < 0;
    const quint64 magnitude = negative ? quint64(0) - quint64(count) : quint64(count);
    const quint64 perYuan = quint64(SubFen::kPerFen) * 100;
    QString text = QString::number(magnitude / perYuan) + u'.' +
                   QString::number(magnitude % perYuan).rightJustified(SubFen::kDecimals, u'0');
    if (negative)
        text.prepend(u'-');
    return text;
}

} // namespace qpos::money
