#pragma once

#include "core/gateways/alipay/AlipayResponseReader.h"
#include "core/gateways/GatewayAnswers.h"
#include "core/gateways/GatewayRequests.h"
#include "core/gateways/GatewayResult.h"

#include <QString>
#include <QUrl>

#include <optional>

namespace qpos::alipay {

// Reads each API's verified answer into the gateway's typed result. Pure functions: no
// network, so every mapping is testable on its own. Amounts are parsed exactly; a malformed
// amount, time or state in a signed answer is an Unknown ("alipay.malformed_answer"), never
// a guess. An answer naming another out_trade_no is an Unknown ("alipay.answer_mismatch").
namespace answers {

// trade_status → TradeState: WAIT_BUYER_PAY waiting, TRADE_SUCCESS paid, TRADE_CLOSED closed,
// TRADE_FINISHED finished (no longer refundable). Shared with the notification verifier.
std::optional<gateway::TradeState> tradeStateOf(const QString& status);

// alipay.trade.precreate -> the QR text.
gateway::GatewayResult<gateway::QrOrder> precreate(const AlipayReply& reply,
                                                   const QString& outTradeNo);
// alipay.trade.pay -> paid (10000), in progress (10003), refused or unknown.
gateway::GatewayResult<gateway::TradeSnapshot> pay(const AlipayReply& reply,
                                                   const QString& outTradeNo);
// alipay.trade.query; 40004 ACQ.TRADE_NOT_EXIST is a success with TradeState::NotCreated.
gateway::GatewayResult<gateway::TradeSnapshot> query(const AlipayReply& reply,
                                                     const gateway::TradeRef& trade);
// alipay.trade.cancel (action close / refund); a trade Alipay does not know is
// CancelAction::NotCreatedAtProvider.
gateway::GatewayResult<gateway::CancelResult> cancel(const AlipayReply& reply,
                                                     const gateway::TradeRef& trade);
// alipay.trade.close; a trade Alipay does not know is existedAtProvider = false.
gateway::GatewayResult<gateway::CloseResult> close(const AlipayReply& reply,
                                                   const gateway::TradeRef& trade);
// alipay.trade.refund (fund_change, refund_fee): fundChanged only with fund_change Y.
gateway::GatewayResult<gateway::RefundResult> refund(const AlipayReply& reply,
                                                     const gateway::RefundRequest& request);
// alipay.trade.fastpay.refund.query: data with refund_status empty or REFUND_SUCCESS is a
// made refund; no data (or no such trade) is RefundState::NotFound.
gateway::GatewayResult<gateway::RefundQueryResult> refundQuery(const AlipayReply& reply,
                                                               const gateway::RefundQuery& query);
// alipay.data.dataservice.bill.downloadurl.query -> bill_download_url.
gateway::GatewayResult<QUrl> billDownloadUrl(const AlipayReply& reply);

} // namespace answers
} // namespace qpos::alipay
