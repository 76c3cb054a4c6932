#include "core/gateways/RequestChecks.h"

#include <QCoreApplication>

namespace qpos::gateway {

Refused RequestChecks::notSent(const QString& why, const QString& code) const {
    return Refused{QStringLiteral("local"), code, why, translated(m_texts.notSent).arg(why)};
}

std::optional<QString> RequestChecks::amountProblem(money::Fen fen) const {
    if (fen <= 0 || fen > money::kMaxFen)
        return translated(m_texts.amountOutOfRange).arg(money::formatYuan(money::kMaxFen));
    return std::nullopt;
}

std::optional<QString> RequestChecks::tradeProblem(const TradeRef& trade) const {
    if (trade.outTradeNo.isEmpty() && trade.providerTradeNo.isEmpty())
        return translated(m_texts.noOrderNumber);
    return std::nullopt;
}

std::optional<QString> RequestChecks::billDateProblem(const BillRequest& request) const {
    if (!request.date.isValid())
        return translated(m_texts.invalidBillDate);
    return std::nullopt;
}

QString RequestChecks::translated(const char* phrase) const {
    return QCoreApplication::translate(m_texts.context, phrase);
}

} // namespace qpos::gateway
