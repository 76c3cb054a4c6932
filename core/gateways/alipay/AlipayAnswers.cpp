#include "core/gateways/alipay/AlipayAnswers.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/gateways/AnswerFieldReader.h"

#include <QCoreApplication>
#include <QJsonValue>

#include <optional>

namespace qpos::alipay::answers {

using namespace qpos::gateway;

namespace {

Error malformedAnswer(const QString& detail) {
    return Error{QStringLiteral("alipay.malformed_answer"),
                 QCoreApplication::translate("qpos::alipay::AlipayAnswers",
                                             "Alipay's signed answer could not be understood "
                                             "(%1). Nothing was assumed; the till will ask "
                                             "Alipay again.")
                     .arg(detail)};
}

// Alipay's answers only ever name the order (out_trade_no), so the key is not worded.
Error answerMismatch(QStringView, const QString& got, const QString& expected) {
    return Error{
        QStringLiteral("alipay.answer_mismatch"),
        QCoreApplication::translate("qpos::alipay::AlipayAnswers",
                                    "Alipay's answer is about order %1, not %2; it was not "
                                    "used. The till will ask Alipay again.")
            .arg(got, expected)};
}

// Alipay writes amounts as yuan in strings ("88.00").
Result<money::Fen> parseAmount(const QJsonValue& value, QStringView key, money::Sign sign) {
    if (!value.isString())
        return Error{QString(), QStringLiteral("%1 is missing or not a string").arg(key)};
    return money::parseYuan(value.toString(), sign, key.toString());
}

constexpr AnswerReaderRules kAnswerRules{&malformedAnswer, &answerMismatch,
                                         &china_calendar::parseTimestamp, &parseAmount, false};

template <typename T>
GatewayResult<T> notSuccess(const AlipayReply& reply) {
    return gateway::notSuccess<T>(reply, reply.verdict, reply.fields);
}

bool isSuccess(const AlipayReply& reply) {
    return reply.verified() && reply.verdict.verdict == OutcomeKind::Success;
}

bool isTradeNotExist(const AlipayReply& reply) {
    return reply.verified() && reply.verdict.verdict == OutcomeKind::Refused &&
           reply.verdict.subCode == u"ACQ.TRADE_NOT_EXIST";
}

} // namespace

std::optional<TradeState> tradeStateOf(const QString& status) {
    if (status == u"WAIT_BUYER_PAY")
        return TradeState::WaitingForBuyer;
    if (status == u"TRADE_SUCCESS")
        return TradeState::Paid;
    if (status == u"TRADE_CLOSED")
        return TradeState::Closed;
    if (status == u"TRADE_FINISHED")
        return TradeState::Finished;
    return std::nullopt;
}

GatewayResult<QrOrder> precreate(const AlipayReply& reply, const QString& outTradeNo) {
    if (!isSuccess(reply))
        return notSuccess<QrOrder>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    r.expect(u"out_trade_no", outTradeNo);
    QrOrder order{outTradeNo, r.required(u"qr_code")};
    if (auto bad = r.problem<QrOrder>())
        return *bad;
    return GatewayResult<QrOrder>::success(std::move(order), reply.fields);
}

GatewayResult<TradeSnapshot> pay(const AlipayReply& reply, const QString& outTradeNo) {
    if (!isSuccess(reply))
        return notSuccess<TradeSnapshot>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    r.expect(u"out_trade_no", outTradeNo);
    TradeSnapshot s;
    s.outTradeNo = outTradeNo;
    s.providerTradeNo = r.required(u"trade_no");
    s.state = TradeState::Paid; // 10000 on pay means the payment succeeded
    s.providerState = QStringLiteral("TRADE_SUCCESS");
    s.totalFen = r.amount(u"total_amount", true, money::Sign::Positive).value_or(0);
    s.receivedFen = r.amount(u"receipt_amount", false, money::Sign::NonNegative);
    s.buyerPaidFen = r.amount(u"buyer_pay_amount", false, money::Sign::NonNegative);
    s.paidAtMs = r.optionalTime(u"gmt_payment");
    s.buyerAccount = r.text(u"buyer_logon_id");
    if (auto bad = r.problem<TradeSnapshot>())
        return *bad;
    return GatewayResult<TradeSnapshot>::success(std::move(s), reply.fields);
}

GatewayResult<TradeSnapshot> query(const AlipayReply& reply, const TradeRef& trade) {
    if (isTradeNotExist(reply)) {
        // Before the buyer scans a precreated QR, Alipay has no trade: waiting, not failed.
        TradeSnapshot s;
        s.outTradeNo = trade.outTradeNo;
        s.providerTradeNo = trade.providerTradeNo;
        s.state = TradeState::NotCreated;
        s.providerState = reply.verdict.subCode;
        return GatewayResult<TradeSnapshot>::success(std::move(s), reply.fields);
    }
    if (!isSuccess(reply))
        return notSuccess<TradeSnapshot>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    r.expect(u"out_trade_no", trade.outTradeNo);
    TradeSnapshot s;
    s.outTradeNo = trade.outTradeNo;
    s.providerTradeNo = r.text(u"trade_no");
    s.providerState = r.required(u"trade_status");
    if (!s.providerState.isEmpty()) {
        if (std::optional<TradeState> state = tradeStateOf(s.providerState))
            s.state = *state;
        else
            r.fail(QStringLiteral("unknown trade_status %1").arg(s.providerState));
    }
    s.totalFen = r.amount(u"total_amount", true, money::Sign::Positive).value_or(0);
    s.receivedFen = r.amount(u"receipt_amount", false, money::Sign::NonNegative);
    s.buyerPaidFen = r.amount(u"buyer_pay_amount", false, money::Sign::NonNegative);
    s.paidAtMs = r.optionalTime(u"send_pay_date");
    s.buyerAccount = r.text(u"buyer_logon_id");
    if (auto bad = r.problem<TradeSnapshot>())
        return *bad;
    return GatewayResult<TradeSnapshot>::success(std::move(s), reply.fields);
}

GatewayResult<CancelResult> cancel(const AlipayReply& reply, const TradeRef& trade) {
    if (isTradeNotExist(reply)) {
        return GatewayResult<CancelResult>::success(
            CancelResult{trade.outTradeNo, trade.providerTradeNo,
                         CancelAction::NotCreatedAtProvider, std::nullopt, QString()},
            reply.fields);
    }
    if (!isSuccess(reply))
        return notSuccess<CancelResult>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    r.expect(u"out_trade_no", trade.outTradeNo);
    CancelResult c;
    c.outTradeNo = trade.outTradeNo;
    c.providerTradeNo = r.has(u"trade_no") ? r.text(u"trade_no") : trade.providerTradeNo;
    const QString action = r.text(u"action");
    if (action == u"close")
        c.action = CancelAction::Closed;
    else if (action == u"refund")
        c.action = CancelAction::Refunded;
    else
        c.action = CancelAction::Unspecified;
    c.refundedAtMs = r.optionalTime(u"gmt_refund_pay");
    if (auto bad = r.problem<CancelResult>())
        return *bad;
    return GatewayResult<CancelResult>::success(std::move(c), reply.fields);
}

GatewayResult<CloseResult> close(const AlipayReply& reply, const TradeRef& trade) {
    if (isTradeNotExist(reply)) {
        return GatewayResult<CloseResult>::success(
            CloseResult{trade.outTradeNo, trade.providerTradeNo, false}, reply.fields);
    }
    if (!isSuccess(reply))
        return notSuccess<CloseResult>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    r.expect(u"out_trade_no", trade.outTradeNo);
    CloseResult c{trade.outTradeNo,
                  r.has(u"trade_no") ? r.text(u"trade_no") : trade.providerTradeNo, true};
    if (auto bad = r.problem<CloseResult>())
        return *bad;
    return GatewayResult<CloseResult>::success(std::move(c), reply.fields);
}

GatewayResult<RefundResult> refund(const AlipayReply& reply, const RefundRequest& request) {
    if (!isSuccess(reply))
        return notSuccess<RefundResult>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    r.expect(u"out_trade_no", request.outTradeNo);
    RefundResult out;
    out.outTradeNo = request.outTradeNo;
    out.providerTradeNo = r.has(u"trade_no") ? r.text(u"trade_no") : request.providerTradeNo;
    out.outRequestNo = request.outRequestNo;
    out.refundedTotalFen = r.amount(u"refund_fee", true, money::Sign::Positive).value_or(0);
    // Only Y proves this call moved the money; N or no field is confirmed by a refund query.
    const QString fundChange = r.text(u"fund_change");
    out.fundChanged = fundChange == u"Y";
    if (!fundChange.isEmpty() && fundChange != u"Y" && fundChange != u"N")
        r.fail(QStringLiteral("fund_change is %1, not Y or N").arg(fundChange));
    out.refundedAtMs = r.optionalTime(u"gmt_refund_pay");
    if (auto bad = r.problem<RefundResult>())
        return *bad;
    return GatewayResult<RefundResult>::success(std::move(out), reply.fields);
}

GatewayResult<RefundQueryResult> refundQuery(const AlipayReply& reply, const RefundQuery& query) {
    RefundQueryResult out;
    out.outTradeNo = query.outTradeNo;
    out.providerTradeNo = query.providerTradeNo;
    out.outRequestNo = query.outRequestNo;
    if (isTradeNotExist(reply))
        return GatewayResult<RefundQueryResult>::success(std::move(out), reply.fields);
    if (!isSuccess(reply))
        return notSuccess<RefundQueryResult>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    r.expect(u"out_trade_no", query.outTradeNo);
    // 10000 only says the query worked: the refund exists when its data is there.
    const QString status = r.text(u"refund_status");
    const bool hasData = r.has(u"refund_amount") && r.has(u"out_request_no");
    if (hasData && (status.isEmpty() || status == u"REFUND_SUCCESS")) {
        if (r.text(u"out_request_no") != query.outRequestNo)
            r.fail(QStringLiteral("out_request_no is %1, not %2")
                       .arg(r.text(u"out_request_no"), query.outRequestNo));
        out.state = RefundState::Refunded;
        if (r.has(u"trade_no"))
            out.providerTradeNo = r.text(u"trade_no");
        out.refundFen = r.amount(u"refund_amount", true, money::Sign::Positive).value_or(0);
        out.tradeTotalFen = r.amount(u"total_amount", false, money::Sign::Positive);
        out.refundedAtMs = r.optionalTime(u"gmt_refund_pay");
    }
    if (auto bad = r.problem<RefundQueryResult>())
        return *bad;
    return GatewayResult<RefundQueryResult>::success(std::move(out), reply.fields);
}

GatewayResult<QUrl> billDownloadUrl(const AlipayReply& reply) {
    if (!isSuccess(reply))
        return notSuccess<QUrl>(reply);
    AnswerFieldReader r(reply.fields, kAnswerRules);
    const QUrl url = r.webAddress(u"bill_download_url");
    if (auto bad = r.problem<QUrl>())
        return *bad;
    return GatewayResult<QUrl>::success(url, reply.fields);
}

} // namespace qpos::alipay::answers
