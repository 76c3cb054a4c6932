#include "core/routing/PaymentCode.h"

namespace qpos::routing::payment_code {

bool isWellFormed(QStringView code) {
    if (code.size() < kMinLength || code.size() > kMaxLength)
        return false;
    for (QChar c : code) {
        if (c.unicode() < '0' || c.unicode() > '9')
            return false;
    }
    return true;
}

} // namespace qpos::routing::payment_code
