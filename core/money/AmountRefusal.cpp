#include "core/money/AmountRefusal.h"

#include <QCoreApplication>

namespace qpos::money {

Error amountRefusal(const QString& what, const QString& code, const QString& reason) {
    const QString field =
        what.isEmpty() ? QCoreApplication::translate("qpos::money", "Amount") : what;
    return Error{code, QCoreApplication::translate("qpos::money", "%1: %2").arg(field, reason)};
}

} // namespace qpos::money
