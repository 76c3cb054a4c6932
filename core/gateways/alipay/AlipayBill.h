#pragma once

#include "core/common/Result.h"
#include "core/gateways/ProviderBill.h"

#include <QByteArrayView>
#include <QString>
#include <QtGlobal>

namespace qpos::alipay {

// Alipay's trade bill (bill_type=trade), as alipay.data.dataservice.bill.downloadurl.query's
// bill_download_url serves it: a zip holding two GBK-encoded CSV files,
//   <pid>_<date>_业务明细.csv        the detail: one line per payment or refund
//   <pid>_<date>_业务明细(汇总).csv  the summary: one line per store, then 合计
// each framed by '#' lines (title, account, period, "----业务明细列表----" before the
// table; "----业务明细列表结束----", totals and export time after it). Values are padded
// with a tab. The detail's columns (found by header name, not position, as Alipay asks):
//   支付宝交易号, 商户订单号, 业务类型 (交易/退款), 商品名称, 创建时间, 完成时间, 门店编号,
//   门店名称, 操作员, 终端号, 对方账户, 订单金额（元）, 商家实收（元）, 支付宝红包（元）,
//   集分宝（元）, 支付宝优惠（元）, 商家优惠（元）, 券核销金额（元）, 券名称,
//   商家红包消费金额（元）, 卡消费金额（元）, 退款批次号/请求号, 服务费（元）, 分润（元）, 备注
// The summary's: 门店编号, 门店名称, 交易订单总笔数, 退款订单总笔数, 订单金额（元）,
// 商家实收（元）, 支付宝优惠（元）, 商家优惠（元）, 卡消费金额（元）, 服务费（元）, 分润（元）,
// 实收净额（元）.

// Streams the zip's detail lines to `sink` one at a time, in file order, without holding the
// file or its records (BillRecord::columns stays empty; BillRawLine has them), then reads the
// summary and checks its 合计 line. The bill returned has everything but the records. A sink
// has seen lines of a bill that is refused afterwards (truncated, totals that do not add up):
// it must act on nothing before this returns success.
Result<gateway::ProviderBill> forEachAlipayRecord(QByteArrayView zip, qint64 maxFileBytes,
                                                  gateway::BillRecordSink& sink);

// The same over the two files already out of the zip (GBK bytes).
Result<gateway::ProviderBill> forEachAlipayRecordInFiles(const QString& detailName,
                                                         QByteArrayView detailGbk,
                                                         const QString& summaryName,
                                                         QByteArrayView summaryGbk,
                                                         gateway::BillRecordSink& sink);

// The whole zip. Errors name the file and line: a damaged archive, no detail file, text
// that is not GBK, malformed CSV, a line whose column count differs from the header, a
// missing required column, an amount or time that does not parse, or a file that ends
// without its closing '#' line (truncated).
Result<gateway::ProviderBill> parseAlipayBillZip(QByteArrayView zip, qint64 maxFileBytes);

// The two files already taken out of the zip (GBK bytes). `summaryGbk` may be empty.
Result<gateway::ProviderBill> parseAlipayBillFiles(const QString& detailName,
                                                   QByteArrayView detailGbk,
                                                   const QString& summaryName,
                                                   QByteArrayView summaryGbk);

} // namespace qpos::alipay
