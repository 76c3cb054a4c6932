#include "core/reconcile/DifferenceClass.h"

#include <QCoreApplication>

namespace qpos::reconcile {

QString differenceClassName(DifferenceClass kind) {
    switch (kind) {
    case DifferenceClass::LocalOnly:
        return QStringLiteral("local_only");
    case DifferenceClass::ProviderOnly:
        return QStringLiteral("provider_only");
    case DifferenceClass::Status:
        return QStringLiteral("status");
    case DifferenceClass::Amount:
        return QStringLiteral("amount");
    case DifferenceClass::Refund:
        return QStringLiteral("refund");
    case DifferenceClass::Duplicate:
        return QStringLiteral("duplicate");
    }
    return {};
}

std::optional<DifferenceClass> differenceClassFromName(QStringView name) {
    for (DifferenceClass kind : kAllDifferenceClasses) {
        if (differenceClassName(kind) == name)
            return kind;
    }
    return std::nullopt;
}

QString differenceClassLabel(DifferenceClass kind) {
    switch (kind) {
    case DifferenceClass::LocalOnly:
        return QCoreApplication::translate("qpos::reconcile", "Paid here, not in the bill");
    case DifferenceClass::ProviderOnly:
        return QCoreApplication::translate("qpos::reconcile", "In the bill, not paid here");
    case DifferenceClass::Status:
        return QCoreApplication::translate("qpos::reconcile", "Different state");
    case DifferenceClass::Amount:
        return QCoreApplication::translate("qpos::reconcile", "Different amount");
    case DifferenceClass::Refund:
        return QCoreApplication::translate("qpos::reconcile", "Refund differs");
    case DifferenceClass::Duplicate:
        return QCoreApplication::translate("qpos::reconcile", "Listed twice in the bill");
    }
    return {};
}

} // namespace qpos::reconcile
