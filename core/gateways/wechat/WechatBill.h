#pragma once

#include "core/common/Result.h"
#include "core/gateways/ProviderBill.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>

#include <functional>

class QCryptographicHash;

namespace qpos::wechat {

// Stable error codes of a bill that cannot be read.
namespace bill_errc {
inline constexpr char gzipTruncated[] = "wechat.gzip_truncated"; // ends before the gzip end
inline constexpr char gzipCorrupt[] = "wechat.gzip_corrupt";     // not gzip, or damaged
inline constexpr char gzipTooLarge[] = "wechat.gzip_too_large";  // inflates past the limit
inline constexpr char gzipFailed[] = "wechat.gzip_failed";       // zlib itself failed
inline constexpr char notUtf8[] = "wechat.bill_not_utf8";
inline constexpr char notWechat[] = "wechat.bill_not_wechat"; // the header is not WeChat's
inline constexpr char malformed[] = "wechat.bill_malformed";  // bad CSV, column count, value
inline constexpr char truncated[] = "wechat.bill_truncated";  // no summary at the end
inline constexpr char totalsMismatch[] = "wechat.bill_totals_mismatch";
} // namespace bill_errc

// Inflates a gzip file (tar_type=GZIP; several members are joined, as gzip does). Refuses
// input that ends early, is not gzip or fails its CRC, and output beyond `maxBytes` (a zip
// bomb: inflation stops there, so memory stays bounded).
Result<QByteArray> gunzip(QByteArrayView gz, qsizetype maxBytes);

// The same, handing the output to `chunk` 64 KiB at a time instead of keeping it; stops at the
// sink's first failure.
Status gunzipChunks(QByteArrayView gz, qsizetype maxBytes,
                    const std::function<Status(QByteArrayView chunk)>& chunk);

// WeChat Pay's trade bill (bill_type=ALL), plain UTF-8:
//   交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,
//   交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,
//   充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,
//   费率备注
// then one line per payment (交易状态 SUCCESS), refund (REFUND) or other state, every value
// prefixed with a backquote so spreadsheets keep long numbers as text; then the summary
// header 总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,
// 申请退款总金额 and one backquoted summary row; blank lines at the end are ignored.
// Columns are found by name; amounts are yuan with two decimals, except 手续费 and
// 手续费总金额 with up to five (money::SubFen, kept exactly; negative on refund lines);
// 交易时间 China time.
//
// Records: Payment (SUCCESS): receivedFen = 应结订单金额; Refund (REFUND): refundFen =
// 退款金额, receivedFen = −退款金额, outRequestNo = 商户退款单号; Other: receivedFen =
// 应结订单金额. amountFen = 订单金额, fee = 手续费, finishedAtMs = 交易时间,
// terminalId = 设备号, buyerAccount = 用户标识; every column is kept in `columns`.
//
// Each summary total must equal the sum of its detail column (总交易单数 = the number of
// lines), or the bill is refused with bill_errc::totalsMismatch. Errors name the line.
Result<gateway::ProviderBill> parseWechatBill(QByteArrayView csvUtf8);

// The same rules, streamed: each detail line goes to `sink` as it is read (BillRecord::columns
// stays empty; BillRawLine has them); the bill returned has everything but the records. A
// sink has seen lines of a bill that is refused afterwards (cut short, totals that do not add
// up): it must act on nothing before this returns success.
Result<gateway::ProviderBill> forEachWechatRecord(QByteArrayView csvUtf8,
                                                  gateway::BillRecordSink& sink);

// The gzip file, inflated as it is read (never whole). `unpackedDigest`, when given, is fed
// the unpacked bytes, for the hash_value check.
Result<gateway::ProviderBill> forEachWechatRecordGzip(QByteArrayView gz, qsizetype maxBytes,
                                                      gateway::BillRecordSink& sink,
                                                      QCryptographicHash* unpackedDigest = nullptr);

} // namespace qpos::wechat
