#pragma once

#include "core/gateways/GatewayAnswers.h"
#include "core/gateways/GatewayRequests.h"
#include "core/gateways/GatewayResult.h"
#include "core/gateways/wechat/WechatReply.h"
#include "core/money/Money.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QUrl>

#include <optional>

namespace qpos::wechat {

// Reads each WeChat Pay API's verified answer into the gateway's typed result. Pure
// functions: no network, so every mapping is testable on its own. Amounts are integer fen as
// WeChat sends them; a malformed amount, time or state in a signed answer is an Unknown
// ("wechat.malformed_answer"), never a guess. An answer naming another out_trade_no or
// out_refund_no is an Unknown ("wechat.answer_mismatch").
namespace answers {

// An amount as WeChat writes it: whole fen as a JSON number, at most money::kMaxFen (zero only
// with Sign::NonNegative); empty when `value` is not one. Shared with the notification verifier.
std::optional<money::Fen> fenAmount(const QJsonValue& value, money::Sign sign);

// trade_state → TradeState: SUCCESS paid, REFUND refunded (paid, with refunds), NOTPAY and
// USERPAYING waiting, CLOSED and REVOKED closed, PAYERROR failed.
std::optional<gateway::TradeState> tradeStateOf(const QString& tradeState);

// POST /v3/pay/transactions/native → code_url.
gateway::GatewayResult<gateway::QrOrder> nativeOrder(const WechatReply& reply,
                                                     const QString& outTradeNo);
// POST /v3/pay/transactions/codepay → paid (SUCCESS), in progress (202 or USERPAYING),
// refused (PAYERROR and refusal codes) or unknown.
gateway::GatewayResult<gateway::TradeSnapshot> codePay(const WechatReply& reply,
                                                       const QString& outTradeNo);
// GET /v3/pay/transactions/out-trade-no/{no}; ORDER_NOT_EXIST is a success with
// TradeState::NotCreated.
gateway::GatewayResult<gateway::TradeSnapshot> transaction(const WechatReply& reply,
                                                           const gateway::TradeRef& trade);
// POST …/close: 204 closed; ORDER_NOT_EXIST existedAtProvider = false; ORDERPAID a refusal
// with code "ORDERPAID" (the caller then queries).
gateway::GatewayResult<gateway::CloseResult> close(const WechatReply& reply,
                                                   const gateway::TradeRef& trade);
// POST …/reverse (code pay only): `wasPaid` says whether the trade was paid when the
// reverse was sent (the answer does not say: it closes an unpaid trade and refunds a paid
// one). ORDER_NOT_EXIST is CancelAction::NotCreatedAtProvider.
gateway::GatewayResult<gateway::CancelResult> reverse(const WechatReply& reply,
                                                      const gateway::TradeRef& trade, bool wasPaid);
// POST /v3/refund/domestic/refunds: SUCCESS a success, PROCESSING in progress (accepted;
// confirm with a refund query), ABNORMAL a success with RefundState::HeldByProvider (WeChat
// holds the money; never repeat it), CLOSED a refusal.
//
// WeChat does not return the trade's refunded total, only this refund's amount, so
// `refundedTotalFen` is set only when it is certain (this refund is of the whole trade
// amount) and is 0 otherwise: the refund ledger then counts its own refunds. `fundChanged`
// stays true on SUCCESS: WeChat answers a repeat (same out_refund_no) with the same refund and
// does not say whether this call moved money.
gateway::GatewayResult<gateway::RefundResult> refund(const WechatReply& reply,
                                                     const gateway::RefundRequest& request);
// GET /v3/refund/domestic/refunds/{out_refund_no}: SUCCESS refunded, PROCESSING processing,
// ABNORMAL held by WeChat, CLOSED closed (failed), RESOURCE_NOT_EXISTS not found. Only a refund
// not found may be repeated: WeChat makes one out_refund_no at most once.
gateway::GatewayResult<gateway::RefundQueryResult> refundQuery(const WechatReply& reply,
                                                               const gateway::RefundQuery& query);

// GET /v3/bill/tradebill → where to fetch the bill file and its digest.
struct BillLink {
    QUrl downloadUrl;
    QString hashType;   // "SHA1"
    QByteArray hashHex; // lower-case hex
};
gateway::GatewayResult<BillLink> tradeBill(const WechatReply& reply);

} // namespace answers
} // namespace qpos::wechat
