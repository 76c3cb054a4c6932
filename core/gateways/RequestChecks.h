#pragma once

#include "core/gateways/GatewayErrors.h"
#include "core/gateways/GatewayOutcome.h"
#include "core/gateways/GatewayRequests.h"
#include "core/money/Money.h"

#include <QString>

#include <optional>

namespace qpos::gateway {

// A client's phrases for the requests it refuses to send, marked with QT_TRANSLATE_NOOP in the
// client's own translation context (so each provider keeps its translations) and translated
// when used.
struct RequestCheckTexts {
    const char* context;
    const char* notSent;          // %1: why
    const char* amountOutOfRange; // %1: the largest amount, in yuan
    const char* noOrderNumber;
    const char* invalidBillDate;
};

// The checks both clients make before a request goes out (no order number, an impossible
// amount), and the refusal when one fails: nothing reached the provider, so nothing happened
// there.
class RequestChecks {
public:
    explicit constexpr RequestChecks(const RequestCheckTexts& texts)
        : m_texts(texts) {}

    // The refusal of a request that was not sent because of `why`.
    Refused notSent(const QString& why,
                    const QString& code = QString::fromLatin1(errc::notSent)) const;

    // Why `fen` can be neither charged nor refunded: not between 0.01 yuan and money::kMaxFen.
    std::optional<QString> amountProblem(money::Fen fen) const;
    // Why `trade` cannot be named to the provider: it has neither number.
    std::optional<QString> tradeProblem(const TradeRef& trade) const;
    std::optional<QString> billDateProblem(const BillRequest& request) const;

private:
    QString translated(const char* phrase) const;

    RequestCheckTexts m_texts;
};

} // namespace qpos::gateway
