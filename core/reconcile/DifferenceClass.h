#pragma once

#include <QString>
#include <QStringView>

#include <array>
#include <optional>

namespace qpos::reconcile {

// What kind of disagreement between a provider's bill and the ledger a difference is
// (docs/reconciliation.md). The names are stable: they are stored and sent as they are.
enum class DifferenceClass : int {
    LocalOnly = 0,    // paid here, absent from the bill (after the holding pool's two days)
    ProviderOnly = 1, // in the bill, not paid here, or not here at all
    Status = 2,       // paid here, but the bill lists the trade in another state
    Amount = 3,       // paid on both sides, of different amounts
    Refund = 4,       // a refund missing from the bill, extra in it, or of another amount
    Duplicate = 5,    // the bill lists the same trade or refund twice
};

inline constexpr std::array kAllDifferenceClasses{
    DifferenceClass::LocalOnly, DifferenceClass::ProviderOnly, DifferenceClass::Status,
    DifferenceClass::Amount,    DifferenceClass::Refund,       DifferenceClass::Duplicate,
};

// "local_only", "provider_only", "status", "amount", "refund", "duplicate".
QString differenceClassName(DifferenceClass kind);
std::optional<DifferenceClass> differenceClassFromName(QStringView name);
// Translated, for people.
QString differenceClassLabel(DifferenceClass kind);

} // namespace qpos::reconcile
