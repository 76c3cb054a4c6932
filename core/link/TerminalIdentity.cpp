#include "core/link/TerminalIdentity.h"

#include "core/orders/OutTradeNo.h"

namespace qpos::link {

bool isValidTerminalCode(const QString& code) {
    // The same rule as the parts of an order number, which these ids become.
    return out_trade_no::isValidPartId(code);
}

} // namespace qpos::link
