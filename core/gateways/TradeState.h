#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace qpos::gateway {

// A trade's state at the provider, in words common to Alipay and WeChat Pay.
enum class TradeState {
    NotCreated,      // the provider has no such trade (yet): a QR nobody has scanned, or a
                     // request that never arrived. Not a failure: keep waiting or querying.
    WaitingForBuyer, // created, not paid yet (Alipay WAIT_BUYER_PAY, WeChat NOTPAY/USERPAYING)
    Paid,            // paid; refunds are still possible (Alipay TRADE_SUCCESS, WeChat SUCCESS)
    Closed,          // closed without payment (Alipay TRADE_CLOSED also after a full refund:
                     // TradeSnapshot::paidAtMs tells the two apart)
    Finished,        // paid and final: no refund is possible any more (Alipay TRADE_FINISHED)
    Refunded,        // a refund was made (WeChat REFUND)
    Failed,          // the payment failed (WeChat PAYERROR)
};

// Stable machine names: "not_created", "waiting_for_buyer", "paid", ...
QString tradeStateName(TradeState state);
std::optional<TradeState> tradeStateFromName(QStringView name);

// The buyer has paid (whatever happened afterwards).
bool isPaidState(TradeState state);

} // namespace qpos::gateway
