#include "ui/till/PaymentCode.h"

namespace qpos::ui::payment_code {

QString masked(QStringView code) {
    // Four digits say which code it was without giving it away.
    const QString tail = code.size() > 8 ? code.right(4).toString() : QString();
    return QStringLiteral("•••• ") + tail;
}

} // namespace qpos::ui::payment_code
