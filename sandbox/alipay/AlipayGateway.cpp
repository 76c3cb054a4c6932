#include "sandbox/alipay/AlipayGateway.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/crypto/RsaPublicKey.h"
#include "sandbox/alipay/AlipayJson.h"
#include "sandbox/bill/AlipayBill.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace qpos::sandbox {

namespace {

using alipay::Params;

const QString kPrecreate = QStringLiteral("alipay.trade.precreate");
const QString kPay = QStringLiteral("alipay.trade.pay");
const QString kQuery = QStringLiteral("alipay.trade.query");
const QString kCancel = QStringLiteral("alipay.trade.cancel");
const QString kClose = QStringLiteral("alipay.trade.close");
const QString kRefund = QStringLiteral("alipay.trade.refund");
const QString kRefundQuery = QStringLiteral("alipay.trade.fastpay.refund.query");
const QString kBill = QStringLiteral("alipay.data.dataservice.bill.downloadurl.query");
const QString kCertDownload = QStringLiteral("alipay.open.app.alipaycert.download");

AlipayJson success() {
    AlipayJson j;
    j.add("code", QStringLiteral("10000")).add("msg", QStringLiteral("Success"));
    return j;
}

AlipayJson failure(const QString& subCode, const QString& subMsg) {
    AlipayJson j;
    j.add("code", QStringLiteral("40004"))
        .add("msg", QStringLiteral("Business Failed"))
        .add("sub_code", subCode)
        .add("sub_msg", subMsg);
    return j;
}

AlipayJson failure(const Error& e) {
    return failure(e.code, e.message);
}

AlipayJson invalidParameter(const QString& detail) {
    return failure(QStringLiteral("ACQ.INVALID_PARAMETER"),
                   QStringLiteral("参数无效（%1）").arg(detail));
}

AlipayAnswer answer(const QString& method, const AlipayJson& json) {
    return AlipayAnswer{alipay::responseKey(method), json.toJson(), true};
}

// A biz_content field as text. Numbers are refused: amounts are decimal strings, and reading
// one through a double could change it.
bool text(const QJsonObject& biz, const char* key, QString* out) {
    const QJsonValue v = biz.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) {
        out->clear();
        return true;
    }
    if (!v.isString())
        return false;
    *out = v.toString();
    return true;
}

bool validOutTradeNo(const QString& s) {
    static const QRegularExpression shape(QStringLiteral("^[A-Za-z0-9_]{1,64}$"));
    return shape.match(s).hasMatch();
}

// "90m", "2h", "1d", "1c" (until the end of the day): Alipay's timeout_express.
std::optional<qint64> timeoutEnd(const QString& express, qint64 now) {
    static const QRegularExpression shape(QStringLiteral("^([1-9][0-9]{0,5})([mhdc])$"));
    const QRegularExpressionMatch m = shape.match(express);
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 n = m.captured(1).toLongLong();
    const QChar unit = m.captured(2).at(0);
    if (unit == u'c') {
        if (n != 1)
            return std::nullopt;
        return china_calendar::dayEndMs(china_calendar::dateOf(now));
    }
    const qint64 minutes = unit == u'm' ? n : unit == u'h' ? n * 60 : n * 24 * 60;
    if (minutes > 15 * 24 * 60)
        return std::nullopt;
    return now + minutes * 60 * 1000;
}

QByteArray fundBillList(money::Fen amount) {
    AlipayJson item;
    item.add("fund_channel", QStringLiteral("ALIPAYACCOUNT"))
        .add("amount", money::formatYuan(amount));
    return AlipayJson::array({item.toJson()});
}

Result<money::Fen> amount(const QString& text, const char* what) {
    return money::parseYuan(text, money::Sign::Positive, QString::fromLatin1(what));
}

} // namespace

AlipayGateway::AlipayGateway(AlipayGatewayHost& host)
    : m_host(host) {}

QStringList AlipayGateway::supportedMethods() {
    return {kPrecreate, kPay, kQuery, kCancel, kClose, kRefund, kRefundQuery, kBill, kCertDownload};
}

Result<Params> AlipayGateway::readParams(const QByteArray& query, const QByteArray& contentType,
                                         const QByteArray& body) {
    Result<Params> fromQuery = alipay::parseForm(query);
    if (!fromQuery)
        return fromQuery.error();
    Params params = *fromQuery;
    const bool isForm = contentType.isEmpty() ||
                        contentType.toLower().startsWith("application/x-www-form-urlencoded");
    if (!body.isEmpty() && isForm) {
        Result<Params> fromBody = alipay::parseForm(body);
        if (!fromBody)
            return fromBody.error();
        for (auto it = fromBody->cbegin(); it != fromBody->cend(); ++it) {
            if (params.contains(it.key()))
                return Error{QStringLiteral("alipay.malformed_form"),
                             QStringLiteral("the field %1 given twice").arg(it.key())};
            params.insert(it.key(), it.value());
        }
    }
    return params;
}

AlipayAnswer AlipayGateway::gatewayError(const char* code, const char* msg, const QString& subCode,
                                         const QString& subMsg) {
    AlipayJson j;
    j.add("code", QString::fromLatin1(code))
        .add("msg", QString::fromLatin1(msg))
        .add("sub_code", subCode)
        .add("sub_msg", subMsg);
    return AlipayAnswer{QStringLiteral("error_response"), j.toJson(), false};
}

AlipayAnswer AlipayGateway::serviceUnavailable(const QString& method) {
    AlipayJson j;
    j.add("code", QStringLiteral("20000"))
        .add("msg", QStringLiteral("Service Currently Unavailable"))
        .add("sub_code", QStringLiteral("isp.unknow-error"))
        .add("sub_msg", QStringLiteral("系统繁忙"));
    return answer(method, j);
}

AlipayAnswer AlipayGateway::systemError(const QString& method, const Params& params) {
    AlipayJson j = failure(QStringLiteral("ACQ.SYSTEM_ERROR"), QStringLiteral("系统错误"));
    if (method == kCancel) {
        // A cancel that failed this way must be called again.
        const QJsonObject biz =
            QJsonDocument::fromJson(params.value(QStringLiteral("biz_content")).toUtf8()).object();
        j.add("out_trade_no", biz.value(u"out_trade_no").toString())
            .add("retry_flag", QStringLiteral("Y"));
    }
    return answer(method, j);
}

std::optional<AlipayAnswer> AlipayGateway::verify(const Params& params) const {
    auto missing = [](const char* subCode, const char* subMsg) {
        return gatewayError("40001", "Missing Required Arguments", QString::fromLatin1(subCode),
                            QString::fromUtf8(subMsg));
    };
    auto invalid = [](const char* subCode, const QString& subMsg) {
        return gatewayError("40002", "Invalid Arguments", QString::fromLatin1(subCode), subMsg);
    };
    const QString method = params.value(QStringLiteral("method"));
    if (method.isEmpty())
        return missing("isv.missing-method", "缺少方法名参数");
    if (!supportedMethods().contains(method))
        return invalid("isv.invalid-method", QStringLiteral("不存在的方法名"));
    if (params.value(QStringLiteral("app_id")).isEmpty())
        return missing("isv.missing-app-id", "缺少appId参数");
    if (params.value(QStringLiteral("sign")).isEmpty())
        return missing("isv.missing-signature", "缺少签名参数");
    if (params.value(QStringLiteral("sign_type")).isEmpty())
        return missing("isv.missing-signature-type", "缺少签名类型参数");
    if (params.value(QStringLiteral("timestamp")).isEmpty())
        return missing("isv.missing-timestamp", "缺少时间戳参数");
    if (params.value(QStringLiteral("version")).isEmpty())
        return missing("isv.missing-version", "缺少版本参数");
    if (params.value(QStringLiteral("charset")).isEmpty())
        return missing("isv.missing-charset", "缺少编码集参数");
    if (params.value(QStringLiteral("biz_content")).isEmpty())
        return missing("isv.missing-biz-content", "缺少业务参数biz_content");

    const AlipayApp* app = m_host.findApp(params.value(QStringLiteral("app_id")));
    if (!app)
        return invalid("isv.invalid-app-id", QStringLiteral("无效的AppID参数"));
    const QString format = params.value(QStringLiteral("format"));
    if (!format.isEmpty() && format.compare(u"JSON", Qt::CaseInsensitive) != 0)
        return invalid("isv.invalid-format", QStringLiteral("无效的数据格式参数"));
    if (params.value(QStringLiteral("charset")).compare(u"utf-8", Qt::CaseInsensitive) != 0)
        return invalid("isv.invalid-charset", QStringLiteral("字符集错误（沙箱只支持utf-8）"));
    if (params.value(QStringLiteral("sign_type")) != u"RSA2")
        return invalid("isv.invalid-signature-type", QStringLiteral("无效的签名类型参数"));
    if (params.value(QStringLiteral("version")) != u"1.0")
        return invalid("isv.invalid-version", QStringLiteral("无效的版本参数"));

    const QByteArray content = alipay::signContent(params, alipay::SignScope::Request);
    if (!app->publicKey.verifyBase64(content, params.value(QStringLiteral("sign")).toLatin1()))
        return invalid("isv.invalid-signature",
                       QStringLiteral("验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，"
                                      "网关生成的验签字符串为：") +
                           QString::fromUtf8(content));

    const std::optional<qint64> sent =
        china_calendar::parseTimestamp(params.value(QStringLiteral("timestamp")));
    const qint64 tolerance = qint64(m_host.alipayOptions().timestampToleranceSecs) * 1000;
    if (!sent || std::abs(*sent - m_host.now()) > tolerance)
        return invalid("isv.invalid-timestamp", QStringLiteral("非法的时间戳参数"));

    QJsonParseError error;
    const QJsonDocument biz =
        QJsonDocument::fromJson(params.value(QStringLiteral("biz_content")).toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !biz.isObject())
        return invalid("isv.invalid-biz-content", QStringLiteral("biz_content不是JSON对象"));
    return std::nullopt;
}

AlipayAnswer AlipayGateway::execute(const Params& params) {
    m_method = params.value(QStringLiteral("method"));
    const QString appId = params.value(QStringLiteral("app_id"));
    const QJsonObject biz =
        QJsonDocument::fromJson(params.value(QStringLiteral("biz_content")).toUtf8()).object();
    if (m_method == kPrecreate)
        return precreate(appId, params, biz);
    if (m_method == kPay)
        return pay(appId, params, biz);
    if (m_method == kQuery)
        return query(appId, biz);
    if (m_method == kCancel)
        return cancel(appId, biz);
    if (m_method == kClose)
        return close(appId, biz);
    if (m_method == kRefund)
        return refund(appId, biz);
    if (m_method == kRefundQuery)
        return refundQuery(appId, biz);
    if (m_method == kCertDownload)
        return certificateDownload(biz);
    return billUrl(appId, biz);
}

namespace {

// The fields precreate and pay share, checked as Alipay checks them.
std::optional<AlipayJson> readNewTrade(const QString& appId, const Params& params,
                                       const QJsonObject& biz, qint64 now, int defaultMinutes,
                                       AlipayTradeBook::NewTrade* out) {
    QString total, timeout, qrTimeout;
    if (!text(biz, "out_trade_no", &out->outTradeNo) || !text(biz, "total_amount", &total) ||
        !text(biz, "subject", &out->subject) || !text(biz, "body", &out->body) ||
        !text(biz, "store_id", &out->storeId) || !text(biz, "terminal_id", &out->terminalId) ||
        !text(biz, "operator_id", &out->operatorId) || !text(biz, "timeout_express", &timeout) ||
        !text(biz, "qr_code_timeout_express", &qrTimeout))
        return invalidParameter(QStringLiteral("字段须为字符串"));
    if (!validOutTradeNo(out->outTradeNo))
        return invalidParameter(QStringLiteral("out_trade_no须为64位以内的字母、数字、下划线"));
    Result<money::Fen> fen = amount(total, "total_amount");
    if (!fen)
        return invalidParameter(QStringLiteral("total_amount须为0.01到100000000.00之间的金额"));
    if (out->subject.isEmpty() || out->subject.size() > 256)
        return invalidParameter(QStringLiteral("subject不能为空且不超过256个字符"));
    out->appId = appId;
    out->total = *fen;
    out->notifyUrl = params.value(QStringLiteral("notify_url"));
    // The earlier of the two limits closes the order, as on Alipay.
    out->expiresMs = now + qint64(defaultMinutes) * 60 * 1000;
    for (const QString& express : {timeout, qrTimeout}) {
        if (express.isEmpty())
            continue;
        const std::optional<qint64> end = timeoutEnd(express, now);
        if (!end)
            return invalidParameter(QStringLiteral("timeout_express格式错误"));
        out->expiresMs = std::min(out->expiresMs, *end);
    }
    return std::nullopt;
}

} // namespace

AlipayAnswer AlipayGateway::precreate(const QString& appId, const Params& params,
                                      const QJsonObject& biz) {
    AlipayTradeBook::NewTrade request;
    if (auto refused = readNewTrade(appId, params, biz, m_host.now(),
                                    m_host.alipayOptions().defaultTimeoutMinutes, &request))
        return answer(m_method, *refused);
    Result<AlipayTrade*> trade = m_host.book().precreate(request, m_host.alipayOptions().qrBaseUrl);
    if (!trade)
        return answer(m_method, failure(trade.error()));
    AlipayJson j = success();
    j.add("out_trade_no", (*trade)->outTradeNo).add("qr_code", (*trade)->qrCode);
    return answer(m_method, j);
}

AlipayAnswer AlipayGateway::pay(const QString& appId, const Params& params,
                                const QJsonObject& biz) {
    QString scene, authCode;
    if (!text(biz, "scene", &scene) || !text(biz, "auth_code", &authCode))
        return answer(m_method, invalidParameter(QStringLiteral("字段须为字符串")));
    if (scene != u"bar_code")
        return answer(m_method, invalidParameter(QStringLiteral("scene须为bar_code")));
    AlipayTradeBook::NewTrade request;
    if (auto refused = readNewTrade(appId, params, biz, m_host.now(),
                                    m_host.alipayOptions().defaultTimeoutMinutes, &request))
        return answer(m_method, *refused);
    // Alipay's payment codes: 16 to 24 digits starting with 25 to 30.
    static const QRegularExpression code(QStringLiteral("^(2[5-9]|30)[0-9]{14,22}$"));
    if (!code.match(authCode).hasMatch())
        return answer(m_method,
                      failure(QStringLiteral("ACQ.PAYMENT_AUTH_CODE_INVALID"),
                              QStringLiteral("支付失败，获取顾客账户信息失败，请顾客刷新付款码后"
                                             "重新收款，如再次收款失败，请联系管理员处理。")));
    request.authCode = authCode;
    AlipayTradeBook& book = m_host.book();
    const bool wasWaiting = [&] {
        const AlipayTrade* t = book.find(appId, request.outTradeNo, {});
        return t && t->status == AlipayTradeStatus::WaitBuyerPay;
    }();
    Result<AlipayTrade*> started = book.startBarCodePayment(request);
    if (!started)
        return answer(m_method, failure(started.error()));
    AlipayTrade* trade = *started;

    const AlipayPayBehaviour behaviour = m_host.alipayOptions().payBehaviour;
    if (!wasWaiting && behaviour == AlipayPayBehaviour::Declined) {
        (void)book.buyerGivesUp(trade);
        return answer(m_method, failure(QStringLiteral("ACQ.BUYER_BALANCE_NOT_ENOUGH"),
                                        QStringLiteral("买家余额不足")));
    }
    if (!wasWaiting && behaviour == AlipayPayBehaviour::Immediate)
        (void)book.pay(trade);

    AlipayJson j;
    if (trade->status == AlipayTradeStatus::Success) {
        j = success();
    } else {
        j.add("code", QStringLiteral("10003"))
            .add("msg", QStringLiteral("order success pay inprocess"));
        if (!wasWaiting)
            m_host.buyerConfirming(appId, trade->outTradeNo);
    }
    const bool paid = trade->status == AlipayTradeStatus::Success;
    const QString zero = QStringLiteral("0.00");
    j.add("trade_no", trade->tradeNo)
        .add("out_trade_no", trade->outTradeNo)
        .add("buyer_logon_id", trade->buyerLogonId)
        .add("total_amount", money::formatYuan(trade->total))
        .add("receipt_amount", paid ? money::formatYuan(trade->total) : zero)
        .add("buyer_pay_amount", paid ? money::formatYuan(trade->total) : zero)
        .add("point_amount", zero)
        .add("invoice_amount", paid ? money::formatYuan(trade->total) : zero);
    if (paid)
        j.add("gmt_payment", china_calendar::formatTimestamp(trade->paidMs))
            .addRaw("fund_bill_list", fundBillList(trade->total));
    j.add("buyer_user_id", trade->buyerUserId);
    return answer(m_method, j);
}

AlipayAnswer AlipayGateway::query(const QString& appId, const QJsonObject& biz) {
    QString outTradeNo, tradeNo;
    if (!text(biz, "out_trade_no", &outTradeNo) || !text(biz, "trade_no", &tradeNo))
        return answer(m_method, invalidParameter(QStringLiteral("字段须为字符串")));
    if (outTradeNo.isEmpty() && tradeNo.isEmpty())
        return answer(m_method,
                      invalidParameter(QStringLiteral("out_trade_no和trade_no不能同时为空")));
    const AlipayTrade* trade = m_host.book().find(appId, outTradeNo, tradeNo);
    const QString zero = QStringLiteral("0.00");
    // A number cancelled before any order existed is only a closed tombstone (total 0): it
    // blocks later payment, but there is no trade to show.
    if (!trade || !trade->exists() || trade->total <= 0) {
        AlipayJson j = failure(QStringLiteral("ACQ.TRADE_NOT_EXIST"), QStringLiteral("交易不存在"));
        j.add("buyer_pay_amount", zero).add("invoice_amount", zero);
        if (!outTradeNo.isEmpty())
            j.add("out_trade_no", outTradeNo);
        j.add("point_amount", zero).add("receipt_amount", zero);
        return answer(m_method, j);
    }
    const bool paid = trade->paidMs > 0;
    const QString total = money::formatYuan(trade->total);
    AlipayJson j = success();
    j.add("trade_no", trade->tradeNo)
        .add("out_trade_no", trade->outTradeNo)
        .add("buyer_logon_id", trade->buyerLogonId)
        .add("trade_status", alipayTradeStatusName(trade->status))
        .add("total_amount", total)
        .add("buyer_pay_amount", paid ? total : zero)
        .add("point_amount", zero)
        .add("invoice_amount", paid ? total : zero);
    if (paid)
        j.add("send_pay_date", china_calendar::formatTimestamp(trade->paidMs));
    j.add("receipt_amount", paid ? total : zero);
    if (!trade->storeId.isEmpty())
        j.add("store_id", trade->storeId);
    if (!trade->terminalId.isEmpty())
        j.add("terminal_id", trade->terminalId);
    if (paid)
        j.addRaw("fund_bill_list", fundBillList(trade->total));
    if (!trade->buyerUserId.isEmpty())
        j.add("buyer_user_id", trade->buyerUserId);
    return answer(m_method, j);
}

AlipayAnswer AlipayGateway::cancel(const QString& appId, const QJsonObject& biz) {
    QString outTradeNo, tradeNo;
    if (!text(biz, "out_trade_no", &outTradeNo) || !text(biz, "trade_no", &tradeNo))
        return answer(m_method, invalidParameter(QStringLiteral("字段须为字符串")));
    if (outTradeNo.isEmpty() && tradeNo.isEmpty())
        return answer(m_method,
                      invalidParameter(QStringLiteral("out_trade_no和trade_no不能同时为空")));
    if (!outTradeNo.isEmpty() && !validOutTradeNo(outTradeNo))
        return answer(m_method, invalidParameter(QStringLiteral("out_trade_no格式错误")));
    Result<AlipayTradeBook::CancelOutcome> r = m_host.book().cancel(appId, outTradeNo, tradeNo);
    if (!r) {
        AlipayJson j = failure(r.error());
        j.add("retry_flag", QStringLiteral("N"));
        return answer(m_method, j);
    }
    const AlipayTrade* trade = r->trade;
    AlipayJson j = success();
    j.add("trade_no", trade->tradeNo)
        .add("out_trade_no", trade->outTradeNo)
        .add("retry_flag", QStringLiteral("N"))
        .add("action", r->action);
    if (r->action == u"refund" && !trade->refunds.isEmpty())
        j.add("gmt_refund_pay", china_calendar::formatTimestamp(trade->refunds.last().atMs));
    return answer(m_method, j);
}

AlipayAnswer AlipayGateway::close(const QString& appId, const QJsonObject& biz) {
    QString outTradeNo, tradeNo;
    if (!text(biz, "out_trade_no", &outTradeNo) || !text(biz, "trade_no", &tradeNo))
        return answer(m_method, invalidParameter(QStringLiteral("字段须为字符串")));
    if (outTradeNo.isEmpty() && tradeNo.isEmpty())
        return answer(m_method,
                      invalidParameter(QStringLiteral("out_trade_no和trade_no不能同时为空")));
    AlipayTrade* trade = m_host.book().find(appId, outTradeNo, tradeNo);
    if (!trade)
        return answer(m_method,
                      failure(QStringLiteral("ACQ.TRADE_NOT_EXIST"), QStringLiteral("交易不存在")));
    Result<AlipayTrade*> closed = m_host.book().close(trade);
    if (!closed)
        return answer(m_method, failure(closed.error()));
    AlipayJson j = success();
    j.add("trade_no", trade->tradeNo).add("out_trade_no", trade->outTradeNo);
    return answer(m_method, j);
}

AlipayAnswer AlipayGateway::refund(const QString& appId, const QJsonObject& biz) {
    QString outTradeNo, tradeNo, refundAmount, outRequestNo, reason;
    if (!text(biz, "out_trade_no", &outTradeNo) || !text(biz, "trade_no", &tradeNo) ||
        !text(biz, "refund_amount", &refundAmount) || !text(biz, "out_request_no", &outRequestNo) ||
        !text(biz, "refund_reason", &reason))
        return answer(m_method, invalidParameter(QStringLiteral("字段须为字符串")));
    if (outTradeNo.isEmpty() && tradeNo.isEmpty())
        return answer(m_method,
                      invalidParameter(QStringLiteral("out_trade_no和trade_no不能同时为空")));
    Result<money::Fen> fen = amount(refundAmount, "refund_amount");
    if (!fen)
        return answer(m_method, invalidParameter(QStringLiteral("refund_amount须为正确的金额")));
    if (outRequestNo.size() > 64)
        return answer(m_method, invalidParameter(QStringLiteral("out_request_no不超过64个字符")));
    AlipayTrade* trade = m_host.book().find(appId, outTradeNo, tradeNo);
    if (!trade)
        return answer(m_method,
                      failure(QStringLiteral("ACQ.TRADE_NOT_EXIST"), QStringLiteral("交易不存在")));
    // Without out_request_no Alipay takes the order number: one full refund.
    if (outRequestNo.isEmpty())
        outRequestNo = trade->outTradeNo;
    const bool repeat =
        std::any_of(trade->refunds.cbegin(), trade->refunds.cend(),
                    [&](const AlipayRefund& r) { return r.outRequestNo == outRequestNo; });
    const std::optional<FaultRule> unconfirmed =
        repeat || !trade->exists() || trade->paidMs <= 0 || *fen > trade->total - trade->refunded
            ? std::nullopt
            : m_host.takeFault(FaultKind::RefundUnconfirmed, m_method);
    if (unconfirmed && !unconfirmed->commit) {
        // Answered without the refund being made: fund_change=N, nothing moved.
        AlipayJson j = success();
        j.add("trade_no", trade->tradeNo)
            .add("out_trade_no", trade->outTradeNo)
            .add("buyer_logon_id", trade->buyerLogonId)
            .add("fund_change", QStringLiteral("N"))
            .add("refund_fee", money::formatYuan(trade->refunded))
            .add("buyer_user_id", trade->buyerUserId);
        return answer(m_method, j);
    }
    Result<AlipayTradeBook::RefundOutcome> r =
        m_host.book().refund(trade, *fen, outRequestNo, reason);
    if (!r)
        return answer(m_method, failure(r.error()));
    if (unconfirmed)
        r->fundChange = false;
    AlipayJson j = success();
    j.add("trade_no", trade->tradeNo)
        .add("out_trade_no", trade->outTradeNo)
        .add("buyer_logon_id", trade->buyerLogonId)
        .add("fund_change", r->fundChange ? QStringLiteral("Y") : QStringLiteral("N"))
        .add("refund_fee", money::formatYuan(r->refund.refundedAfter))
        .add("gmt_refund_pay", china_calendar::formatTimestamp(r->refund.atMs))
        .add("buyer_user_id", trade->buyerUserId)
        .add("send_back_fee", money::formatYuan(r->refund.amount));
    return answer(m_method, j);
}

AlipayAnswer AlipayGateway::refundQuery(const QString& appId, const QJsonObject& biz) {
    QString outTradeNo, tradeNo, outRequestNo;
    if (!text(biz, "out_trade_no", &outTradeNo) || !text(biz, "trade_no", &tradeNo) ||
        !text(biz, "out_request_no", &outRequestNo))
        return answer(m_method, invalidParameter(QStringLiteral("字段须为字符串")));
    if (outTradeNo.isEmpty() && tradeNo.isEmpty())
        return answer(m_method,
                      invalidParameter(QStringLiteral("out_trade_no和trade_no不能同时为空")));
    if (outRequestNo.isEmpty())
        return answer(m_method, invalidParameter(QStringLiteral("out_request_no不能为空")));
    const AlipayTrade* trade = m_host.book().find(appId, outTradeNo, tradeNo);
    if (!trade || !trade->exists())
        return answer(m_method,
                      failure(QStringLiteral("ACQ.TRADE_NOT_EXIST"), QStringLiteral("交易不存在")));
    const bool wantsDate = biz.value(u"query_options")
                               .toVariant()
                               .toStringList()
                               .contains(QStringLiteral("gmt_refund_pay"));
    AlipayJson j = success();
    for (const AlipayRefund& r : trade->refunds) {
        if (r.outRequestNo != outRequestNo)
            continue;
        j.add("trade_no", trade->tradeNo)
            .add("out_trade_no", trade->outTradeNo)
            .add("out_request_no", r.outRequestNo)
            .add("total_amount", money::formatYuan(trade->total))
            .add("refund_amount", money::formatYuan(r.amount))
            .add("refund_status", QStringLiteral("REFUND_SUCCESS"));
        if (wantsDate)
            j.add("gmt_refund_pay", china_calendar::formatTimestamp(r.atMs));
        return answer(m_method, j);
    }
    // No such refund: Alipay answers success with no refund in it.
    j.add("trade_no", trade->tradeNo).add("out_trade_no", trade->outTradeNo);
    return answer(m_method, j);
}

AlipayAnswer AlipayGateway::billUrl(const QString& appId, const QJsonObject& biz) {
    QString type, date;
    auto refused = [this] {
        return answer(m_method, failure(QStringLiteral("isv.invalid_arguments"),
                                        QStringLiteral("入参不合法")));
    };
    if (!text(biz, "bill_type", &type) || !text(biz, "bill_date", &date) || type != u"trade")
        return refused();
    const std::optional<alipay_bill::Period> period = alipay_bill::Period::parse(date);
    if (!period)
        return refused();
    const QDate today = china_calendar::dateOf(m_host.now());
    // A bill for a period that has not begun does not exist; Alipay also refuses today's
    // and this month's bills (they are made the next day), which strictBillDates mimics.
    if (period->first > today)
        return refused();
    if (m_host.alipayOptions().strictBillDates && period->afterLast > today)
        return refused();
    // A day's bill Alipay has not generated yet (it is made the next day).
    if (period->afterLast == period->first.addDays(1) &&
        m_host.takeBillFault(FaultKind::BillNotReady, period->first))
        return answer(m_method,
                      failure(QStringLiteral("isp.bill_not_exist"), QStringLiteral("账单不存在")));
    AlipayJson j = success();
    j.add("bill_download_url", m_host.issueBillUrl(appId, date));
    return answer(m_method, j);
}

// The certificate Alipay signed with under that SN, as base64 of its PEM text.
AlipayAnswer AlipayGateway::certificateDownload(const QJsonObject& biz) {
    QString certSn;
    if (!text(biz, "alipay_cert_sn", &certSn) || certSn.isEmpty())
        return answer(m_method, invalidParameter(QStringLiteral("alipay_cert_sn不能为空")));
    const std::optional<QByteArray> pem = m_host.alipayCertificatePem(certSn);
    if (!pem)
        return answer(m_method,
                      failure(QStringLiteral("isv.cert-not-exist"), QStringLiteral("证书不存在")));
    AlipayJson j = success();
    j.add("alipay_cert_content", QString::fromLatin1(pem->toBase64()));
    return answer(m_method, j);
}

} // namespace qpos::sandbox
