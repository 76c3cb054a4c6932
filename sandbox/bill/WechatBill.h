#pragma once

#include "core/common/Result.h"
#include "core/money/SubFen.h"
#include "sandbox/wechat/WechatTrade.h"

#include <QByteArray>
#include <QDate>
#include <QList>
#include <QString>

namespace qpos::sandbox::wechat_bill {

// Which rows a trade bill holds (bill_type).
enum class BillType { All, Success, Refund };

// WeChat Pay's trade bill (交易账单) of one China day for one merchant: a header row, one row
// per payment completed that day (交易状态 SUCCESS) and per refund completed that day
// (REFUND; 应结订单金额 and 订单金额 are 0.00 there, the money is in 退款金额 and 申请退款金额),
// every value prefixed with a backquote, amounts in yuan (手续费 with five decimals, at a rate of
// 0.60 %, negative on refund lines); then the summary header and its row,
// whose totals are the sums of the columns above. Plain UTF-8, lines ending in CRLF.
struct Bill {
    QString csv;
    int rows = 0; // 0: no statement for that day
};

Bill build(const QDate& day, BillType type, const QList<WechatTrade>& trades);

// The gzip form served for tar_type=GZIP.
Result<QByteArray> gzip(const QByteArray& data);

} // namespace qpos::sandbox::wechat_bill
