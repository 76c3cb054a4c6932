#include "core/gateways/wechat/WechatAnswers.h"

#include "core/gateways/AnswerFieldReader.h"
#include "core/gateways/wechat/WechatTime.h"

#include <QCoreApplication>
#include <QJsonValue>

#include <cmath>

namespace qpos::wechat::answers {

using namespace qpos::gateway;

namespace {

Error malformedAnswer(const QString& detail) {
    return Error{QStringLiteral("wechat.malformed_answer"),
                 QCoreApplication::translate("qpos::wechat",
                                             "WeChat Pay's signed answer could not be "
                                             "understood (%1). Nothing was assumed; the till "
                                             "will ask WeChat Pay again.")
                     .arg(detail)};
}

Error answerMismatch(QStringView key, const QString& got, const QString& expected) {
    return Error{QStringLiteral("wechat.answer_mismatch"),
                 QCoreApplication::translate("qpos::wechat",
                                             "WeChat Pay's answer is about %1 %2, not %3; it was "
                                             "not used. The till will ask WeChat Pay again.")
                     .arg(key.toString(), got, expected)};
}

// WeChat writes amounts as whole fen inside an object (amount:{total, ...}).
Result<money::Fen> parseAmount(const QJsonValue& value, QStringView key, money::Sign sign) {
    if (value.isUndefined() || value.isNull())
        return Error{QString(), QStringLiteral("amount.%1 is missing").arg(key)};
    if (std::optional<money::Fen> fen = fenAmount(value, sign))
        return *fen;
    return Error{QString(), QStringLiteral("amount.%1 is not a valid amount in fen").arg(key)};
}

constexpr AnswerReaderRules kAnswerRules{&malformedAnswer, &answerMismatch, &parseRfc3339,
                                         &parseAmount, true};

template <typename T>
GatewayResult<T> notSuccess(const WechatReply& reply) {
    return gateway::notSuccess<T>(reply, reply.errorVerdict(), reply.fields);
}

bool isNotExist(const WechatReply& reply) {
    return reply.verified() && reply.httpStatus >= 400 && reply.httpStatus < 500 &&
           isNotExistCode(reply.errorCode());
}

// The transaction JSON of a query or a code pay answer.
TradeSnapshot readTransaction(AnswerFieldReader& r, const QString& outTradeNo) {
    r.expect(u"out_trade_no", outTradeNo);
    TradeSnapshot s;
    s.outTradeNo = outTradeNo.isEmpty() ? r.text(u"out_trade_no") : outTradeNo;
    s.providerTradeNo = r.text(u"transaction_id");
    s.providerState = r.required(u"trade_state");
    if (!s.providerState.isEmpty()) {
        if (std::optional<TradeState> state = tradeStateOf(s.providerState))
            s.state = *state;
        else
            r.fail(QStringLiteral("unknown trade_state %1").arg(s.providerState));
    }
    const bool paid = isPaidState(s.state);
    const QJsonObject amount = r.object(u"amount");
    // An unpaid order's answer may leave the amount out; a paid one must state it.
    s.totalFen = r.amount(amount, u"total", paid, money::Sign::Positive).value_or(0);
    s.buyerPaidFen = r.amount(amount, u"payer_total", false, money::Sign::NonNegative);
    s.paidAtMs = r.optionalTime(u"success_time");
    if (paid && s.providerTradeNo.isEmpty())
        r.fail(QStringLiteral("transaction_id is missing from a paid trade"));
    s.buyerAccount = r.object(u"payer").value(u"openid").toString();
    return s;
}

InProgress buyerConfirming(const QString& providerMessage) {
    return InProgress{providerMessage,
                      QCoreApplication::translate("qpos::wechat",
                                                  "Waiting for the customer to confirm the "
                                                  "payment on the phone.")};
}

} // namespace

std::optional<money::Fen> fenAmount(const QJsonValue& value, money::Sign sign) {
    const double number = value.toDouble(-1);
    const double minimum = sign == money::Sign::Positive ? 1 : 0;
    if (!value.isDouble() || std::floor(number) != number || number < minimum ||
        number > double(money::kMaxFen))
        return std::nullopt;
    return money::Fen(number);
}

std::optional<TradeState> tradeStateOf(const QString& tradeState) {
    if (tradeState == u"SUCCESS")
        return TradeState::Paid;
    if (tradeState == u"REFUND")
        return TradeState::Refunded;
    if (tradeState == u"NOTPAY" || tradeState == u"USERPAYING")
        return TradeState::WaitingForBuyer;
    if (tradeState == u"CLOSED" || tradeState == u"REVOKED")
        return TradeState::Closed;
    if (tradeState == u"PAYERROR")
        return TradeState::Failed;
    return std::nullopt;
}

GatewayResult<QrOrder> nativeOrder(const WechatReply& reply, const QString& outTradeNo) {
    if (!reply.isSuccessStatus())
        return notSuccess<QrOrder>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    QrOrder order{outTradeNo, r.required(u"code_url")};
    if (auto bad = r.problem<QrOrder>())
        return *bad;
    return GatewayResult<QrOrder>::success(std::move(order), reply.fields);
}

GatewayResult<TradeSnapshot> codePay(const WechatReply& reply, const QString& outTradeNo) {
    if (reply.verified() && reply.httpStatus >= 400 && reply.httpStatus < 500 &&
        isNotEnoughCode(reply.errorCode())) {
        // On a payment it is the buyer's balance (on a refund, the shop's).
        const QString message = reply.fields.value(u"message").toString();
        return GatewayResult<TradeSnapshot>::refused(
            Refused{reply.errorCode(), QString(), message, wechatBuyerBalanceMessage()},
            reply.fields);
    }
    if (!reply.isSuccessStatus())
        return notSuccess<TradeSnapshot>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    const QString state = r.text(u"trade_state");
    if (reply.httpStatus == 202 || state == u"USERPAYING" || state == u"NOTPAY") {
        // Accepted; the buyer confirms on the phone (a password, a large amount).
        r.expect(u"out_trade_no", outTradeNo);
        if (auto bad = r.problem<TradeSnapshot>())
            return *bad;
        return GatewayResult<TradeSnapshot>::inProgress(
            buyerConfirming(r.text(u"trade_state_desc")), reply.fields);
    }
    if (state == u"PAYERROR") {
        r.expect(u"out_trade_no", outTradeNo);
        if (auto bad = r.problem<TradeSnapshot>())
            return *bad;
        const QString desc = r.text(u"trade_state_desc");
        return GatewayResult<TradeSnapshot>::refused(
            Refused{state, QString(), desc,
                    QCoreApplication::translate("qpos::wechat",
                                                "The payment failed at WeChat Pay. Ask the "
                                                "customer to try again, or to pay another way.")},
            reply.fields);
    }
    TradeSnapshot s = readTransaction(r, outTradeNo);
    if (auto bad = r.problem<TradeSnapshot>())
        return *bad;
    if (s.state != TradeState::Paid) {
        // A pay answer that is neither paid, confirming nor failed: only a query can tell.
        return GatewayResult<TradeSnapshot>::unknown(
            Error{QStringLiteral("wechat.unexpected_state"),
                  QCoreApplication::translate("qpos::wechat",
                                              "WeChat Pay answered the payment with the state "
                                              "%1. The till will ask WeChat Pay again.")
                      .arg(s.providerState)},
            reply.fields);
    }
    return GatewayResult<TradeSnapshot>::success(std::move(s), reply.fields);
}

GatewayResult<TradeSnapshot> transaction(const WechatReply& reply, const TradeRef& trade) {
    if (isNotExist(reply)) {
        // A Native order WeChat never received (its create was lost): not created, not failed.
        TradeSnapshot s;
        s.outTradeNo = trade.outTradeNo;
        s.providerTradeNo = trade.providerTradeNo;
        s.state = TradeState::NotCreated;
        s.providerState = reply.errorCode();
        return GatewayResult<TradeSnapshot>::success(std::move(s), reply.fields);
    }
    if (!reply.isSuccessStatus())
        return notSuccess<TradeSnapshot>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    TradeSnapshot s = readTransaction(r, trade.outTradeNo);
    if (auto bad = r.problem<TradeSnapshot>())
        return *bad;
    if (s.providerTradeNo.isEmpty())
        s.providerTradeNo = trade.providerTradeNo;
    return GatewayResult<TradeSnapshot>::success(std::move(s), reply.fields);
}

GatewayResult<CloseResult> close(const WechatReply& reply, const TradeRef& trade) {
    if (isNotExist(reply))
        return GatewayResult<CloseResult>::success(
            CloseResult{trade.outTradeNo, trade.providerTradeNo, false}, reply.fields);
    if (reply.verified() && reply.errorCode() == u"ORDERPAID") {
        // The buyer paid before the close arrived: a refusal, and the caller's query then
        // records the payment.
        const QString message = reply.fields.value(u"message").toString();
        return GatewayResult<CloseResult>::refused(
            Refused{QStringLiteral("ORDERPAID"), QString(), message,
                    wechatCashierMessage(QStringLiteral("ORDERPAID"), message)},
            reply.fields);
    }
    if (!reply.isSuccessStatus())
        return notSuccess<CloseResult>(reply);
    return GatewayResult<CloseResult>::success(
        CloseResult{trade.outTradeNo, trade.providerTradeNo, true}, reply.fields);
}

GatewayResult<CancelResult> reverse(const WechatReply& reply, const TradeRef& trade, bool wasPaid) {
    if (isNotExist(reply))
        return GatewayResult<CancelResult>::success(
            CancelResult{trade.outTradeNo, trade.providerTradeNo,
                         CancelAction::NotCreatedAtProvider, std::nullopt, QString()},
            reply.fields);
    if (!reply.isSuccessStatus())
        return notSuccess<CancelResult>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    r.expect(u"out_trade_no", trade.outTradeNo);
    CancelResult c;
    c.outTradeNo = trade.outTradeNo;
    c.providerTradeNo =
        r.has(u"transaction_id") ? r.text(u"transaction_id") : trade.providerTradeNo;
    c.action = wasPaid ? CancelAction::Refunded : CancelAction::Closed;
    if (auto bad = r.problem<CancelResult>())
        return *bad;
    return GatewayResult<CancelResult>::success(std::move(c), reply.fields);
}

GatewayResult<RefundResult> refund(const WechatReply& reply, const RefundRequest& request) {
    if (!reply.isSuccessStatus())
        return notSuccess<RefundResult>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    r.expect(u"out_trade_no", request.outTradeNo);
    r.expect(u"out_refund_no", request.outRequestNo);
    const QString status = r.required(u"status");
    const QJsonObject amount = r.object(u"amount");
    const std::optional<money::Fen> refunded =
        r.amount(amount, u"refund", true, money::Sign::Positive);
    const std::optional<money::Fen> total = r.amount(amount, u"total", true, money::Sign::Positive);
    if (refunded && *refunded != request.amountFen)
        r.fail(QStringLiteral("amount.refund is %1 fen, not the %2 fen asked for")
                   .arg(*refunded)
                   .arg(request.amountFen));
    RefundResult out;
    out.outTradeNo = request.outTradeNo;
    out.providerTradeNo =
        r.has(u"transaction_id") ? r.text(u"transaction_id") : request.providerTradeNo;
    out.outRequestNo = request.outRequestNo;
    out.refundedTotalFen = refunded && total && *refunded == *total ? *refunded : 0;
    out.refundedAtMs = r.optionalTime(u"success_time");
    if (auto bad = r.problem<RefundResult>())
        return *bad;

    if (status == u"SUCCESS")
        return GatewayResult<RefundResult>::success(std::move(out), reply.fields);
    if (status == u"PROCESSING")
        return GatewayResult<RefundResult>::inProgress(
            InProgress{status, QCoreApplication::translate(
                                   "qpos::wechat",
                                   "WeChat Pay accepted the refund and is still processing it.")},
            reply.fields);
    if (status == u"ABNORMAL") {
        // WeChat holds the money until the merchant resolves it on its merchant platform: not
        // a failure (the amount must not be refunded again) and not a success.
        out.state = RefundState::HeldByProvider;
        out.fundChanged = false;
        out.refundedTotalFen = 0;
        return GatewayResult<RefundResult>::success(std::move(out), reply.fields);
    }
    if (status == u"CLOSED")
        return GatewayResult<RefundResult>::refused(
            Refused{status, QString(), QString(),
                    QCoreApplication::translate("qpos::wechat",
                                                "WeChat Pay closed this refund; no money was "
                                                "refunded.")},
            reply.fields);
    return GatewayResult<RefundResult>::unknown(
        malformedAnswer(QStringLiteral("unknown refund status %1").arg(status)), reply.fields);
}

GatewayResult<RefundQueryResult> refundQuery(const WechatReply& reply, const RefundQuery& query) {
    RefundQueryResult out;
    out.outTradeNo = query.outTradeNo;
    out.providerTradeNo = query.providerTradeNo;
    out.outRequestNo = query.outRequestNo;
    if (isNotExist(reply))
        return GatewayResult<RefundQueryResult>::success(std::move(out), reply.fields);
    if (!reply.isSuccessStatus())
        return notSuccess<RefundQueryResult>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    r.expect(u"out_trade_no", query.outTradeNo);
    r.expect(u"out_refund_no", query.outRequestNo);
    const QString status = r.required(u"status");
    const QJsonObject amount = r.object(u"amount");
    if (r.has(u"transaction_id"))
        out.providerTradeNo = r.text(u"transaction_id");
    out.refundFen = r.amount(amount, u"refund", true, money::Sign::Positive).value_or(0);
    out.tradeTotalFen = r.amount(amount, u"total", false, money::Sign::Positive);
    out.refundedAtMs = r.optionalTime(u"success_time");
    if (status == u"SUCCESS")
        out.state = RefundState::Refunded;
    else if (status == u"PROCESSING")
        out.state = RefundState::Processing;
    else if (status == u"ABNORMAL")
        out.state = RefundState::HeldByProvider;
    else if (status == u"CLOSED")
        out.state = RefundState::Closed;
    else if (!status.isEmpty())
        r.fail(QStringLiteral("unknown refund status %1").arg(status));
    if (auto bad = r.problem<RefundQueryResult>())
        return *bad;
    return GatewayResult<RefundQueryResult>::success(std::move(out), reply.fields);
}

GatewayResult<BillLink> tradeBill(const WechatReply& reply) {
    if (!reply.isSuccessStatus())
        return notSuccess<BillLink>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    BillLink link;
    link.downloadUrl = r.webAddress(u"download_url");
    link.hashType = r.required(u"hash_type");
    link.hashHex = r.required(u"hash_value").toLatin1().toLower();
    if (!link.hashHex.isEmpty() && QByteArray::fromHex(link.hashHex).toHex() != link.hashHex)
        r.fail(QStringLiteral("hash_value is not hexadecimal"));
    if (auto bad = r.problem<BillLink>())
        return *bad;
    return GatewayResult<BillLink>::success(std::move(link), reply.fields);
}

} // namespace qpos::wechat::answers
