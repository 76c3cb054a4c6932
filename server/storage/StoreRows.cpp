#include "server/storage/StoreRows.h"

namespace qpos::server {

std::optional<qint64> optionalFrom(const QVariant& value) {
    if (value.isNull())
        return std::nullopt;
    return value.toLongLong();
}

ServerOrder serverOrderFrom(const QSqlQuery& row, const QString& outTradeNo) {
    ServerOrder o;
    o.outTradeNo = outTradeNo;
    o.terminalRowId = row.value(0).toLongLong();
    o.channel = row.value(1).toString();
    o.amountFen = row.value(2).toLongLong();
    o.refundedFen = row.value(3).toLongLong();
    o.state = static_cast<OrderState>(row.value(4).toInt());
    o.lastEventId = row.value(5).toLongLong();
    o.updatedAtMs = row.value(6).toLongLong();
    return o;
}

} // namespace qpos::server
