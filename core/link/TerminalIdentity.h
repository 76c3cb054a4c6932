#pragma once

#include <QString>

namespace qpos::link {

// One till as the store backend knows it (docs/server-protocol.md). Its orders'
// out_trade_no start with "<store>_<terminal>_", which is how the server finds the till that
// owns an order.
struct TerminalIdentity {
    QString storeId;
    QString terminalId;

    QString outTradeNoPrefix() const { return storeId + u'_' + terminalId + u'_'; }
    bool owns(const QString& outTradeNo) const { return outTradeNo.startsWith(outTradeNoPrefix()); }
    bool operator==(const TerminalIdentity&) const = default;
};

// Store and terminal ids (and key ids) are 1 to 16 letters or digits: they are parts of every
// out_trade_no (core/orders/OutTradeNo).
bool isValidTerminalCode(const QString& code);

} // namespace qpos::link
