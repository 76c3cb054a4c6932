#include "core/gateways/alipay/AlipayClient.h"

#include "core/gateways/alipay/AlipayAnswers.h"
#include "core/gateways/alipay/AlipayBill.h"
#include "core/gateways/alipay/AlipayTime.h"
#include "core/gateways/BillDownload.h"
#include "core/gateways/NotificationLog.h"
#include "core/gateways/RequestChecks.h"
#include "core/logging/LogCategories.h"
#include "core/logging/Redactor.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>
#include <utility>

namespace qpos::alipay {

using namespace qpos::gateway;

namespace {

const QString kPrecreate = QStringLiteral("alipay.trade.precreate");
const QString kPay = QStringLiteral("alipay.trade.pay");
const QString kQuery = QStringLiteral("alipay.trade.query");
const QString kCancel = QStringLiteral("alipay.trade.cancel");
const QString kClose = QStringLiteral("alipay.trade.close");
const QString kRefund = QStringLiteral("alipay.trade.refund");
const QString kRefundQuery = QStringLiteral("alipay.trade.fastpay.refund.query");
const QString kBillUrl = QStringLiteral("alipay.data.dataservice.bill.downloadurl.query");

void putIfSet(QJsonObject& biz, const char* key, const QString& value) {
    if (!value.isEmpty())
        biz.insert(QLatin1String(key), value);
}

QJsonObject tradeBiz(const TradeRef& trade) {
    QJsonObject biz;
    putIfSet(biz, "out_trade_no", trade.outTradeNo);
    putIfSet(biz, "trade_no", trade.providerTradeNo);
    return biz;
}

constexpr RequestChecks kChecks(RequestCheckTexts{
    "qpos::alipay::AlipayClient",
    QT_TRANSLATE_NOOP("qpos::alipay::AlipayClient", "The request was not sent to Alipay: %1."),
    QT_TRANSLATE_NOOP("qpos::alipay::AlipayClient", "the amount must be between 0.01 and %1 yuan"),
    QT_TRANSLATE_NOOP("qpos::alipay::AlipayClient", "the order has no number"),
    QT_TRANSLATE_NOOP("qpos::alipay::AlipayClient", "the bill date is not valid")});

// Alipay's words for what the shared runner finds, in this client's translation context.
HttpProvider alipayProvider(const AlipayClientSettings& settings) {
    HttpCallTexts texts{
        QCoreApplication::translate("qpos::alipay::AlipayClient",
                                    "Alipay is not reachable; payments will be "
                                    "checked again when it is back (next try "
                                    "in about %1 s)."),
        QCoreApplication::translate("qpos::alipay::AlipayClient", "Alipay did not answer in time."),
        QCoreApplication::translate("qpos::alipay::AlipayClient",
                                    "Alipay's answer was too large and was not "
                                    "read."),
        QCoreApplication::translate("qpos::alipay::AlipayClient",
                                    "The secure connection to Alipay failed (%1). "
                                    "Check the till's clock and network."),
        QCoreApplication::translate("qpos::alipay::AlipayClient",
                                    "The connection to Alipay failed (%1)."),
        QCoreApplication::translate("qpos::alipay::AlipayClient",
                                    "Alipay's server answered HTTP %1."),
        QCoreApplication::translate(
            "qpos::alipay::AlipayClient",
            "The outcome is not known yet; the till will ask Alipay again.")};
    return httpProvider(QStringLiteral("Alipay"), &lcAlipay, std::move(texts), settings);
}

} // namespace

Result<std::unique_ptr<AlipayClient>> AlipayClient::create(AlipayClientSettings settings,
                                                           QObject* parent) {
    if (Status valid = settings.validate(); !valid)
        return valid.error();
    return std::unique_ptr<AlipayClient>(new AlipayClient(std::move(settings), parent));
}

AlipayClient::AlipayClient(AlipayClientSettings settings, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_builder(AlipayRequestBuilder::Identity{m_settings.appId, m_settings.appPrivateKey,
                                               m_settings.notifyUrl, m_settings.appCertSn,
                                               m_settings.alipayRootCertSn})
    , m_reader(m_settings.alipayPublicKey, m_settings.alipayCertSn)
    , m_notifications(m_settings.appId, m_settings.alipayPublicKey)
    , m_calls(new HttpCallRunner(alipayProvider(m_settings), this)) {
    connect(&m_calls->breaker(), &CircuitBreaker::stateChanged, this,
            &AlipayClient::circuitStateChanged);
}

// The runner, a child, aborts what is still in flight without calling anyone back.
AlipayClient::~AlipayClient() = default;

// ---- the public calls

void AlipayClient::createQrOrder(const QrOrderRequest& request, QObject* context,
                                 Completion<QrOrder> done) {
    std::optional<QString> problem = kChecks.amountProblem(request.amountFen);
    if (request.outTradeNo.isEmpty() || request.subject.isEmpty())
        problem = QCoreApplication::translate("qpos::alipay::AlipayClient",
                                              "the order number or subject is empty");
    if (problem) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    QJsonObject biz{{QStringLiteral("out_trade_no"), request.outTradeNo},
                    {QStringLiteral("total_amount"), money::formatYuan(request.amountFen)},
                    {QStringLiteral("subject"), request.subject},
                    {QStringLiteral("product_code"), QStringLiteral("FACE_TO_FACE_PAYMENT")}};
    if (request.expiresAfterS > 0) {
        // Alipay counts in whole minutes (1m..15d); rounding up never closes it before the
        // till gives up, and the till closes the trade itself at its own expiry.
        const int minutes = std::clamp((request.expiresAfterS + 59) / 60, 1, 15 * 24 * 60);
        biz.insert(QStringLiteral("timeout_express"), QStringLiteral("%1m").arg(minutes));
    }
    putIfSet(biz, "store_id", request.storeId);
    putIfSet(biz, "terminal_id", request.terminalId);
    putIfSet(biz, "operator_id", request.operatorId);
    m_calls->runTyped<QrOrder>(call(CallSpec{kPrecreate, biz, false, true}), context,
                               std::move(done),
                               [outTradeNo = request.outTradeNo](const AlipayReply& reply) {
                                   return answers::precreate(reply, outTradeNo);
                               });
}

void AlipayClient::payByCode(const PayByCodeRequest& request, QObject* context,
                             Completion<TradeSnapshot> done) {
    std::optional<QString> problem = kChecks.amountProblem(request.amountFen);
    if (request.outTradeNo.isEmpty() || request.subject.isEmpty() || request.authCode.isEmpty())
        problem = QCoreApplication::translate("qpos::alipay::AlipayClient",
                                              "the order number, subject or payment code is "
                                              "empty");
    if (problem) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    QJsonObject biz{{QStringLiteral("out_trade_no"), request.outTradeNo},
                    {QStringLiteral("scene"), QStringLiteral("bar_code")},
                    {QStringLiteral("auth_code"), request.authCode},
                    {QStringLiteral("total_amount"), money::formatYuan(request.amountFen)},
                    {QStringLiteral("subject"), request.subject},
                    {QStringLiteral("product_code"), QStringLiteral("FACE_TO_FACE_PAYMENT")}};
    putIfSet(biz, "store_id", request.storeId);
    putIfSet(biz, "terminal_id", request.terminalId);
    putIfSet(biz, "operator_id", request.operatorId);
    m_calls->runTyped<TradeSnapshot>(call(CallSpec{kPay, biz, false, true}), context,
                                     std::move(done),
                                     [outTradeNo = request.outTradeNo](const AlipayReply& reply) {
                                         return answers::pay(reply, outTradeNo);
                                     });
}

void AlipayClient::queryTrade(const TradeRef& trade, QObject* context,
                              Completion<TradeSnapshot> done) {
    if (std::optional<QString> problem = kChecks.tradeProblem(trade)) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    m_calls->runTyped<TradeSnapshot>(
        call(CallSpec{kQuery, tradeBiz(trade), true, false}), context, std::move(done),
        [trade](const AlipayReply& reply) { return answers::query(reply, trade); });
}

void AlipayClient::cancelTrade(const TradeRef& trade, QObject* context,
                               Completion<CancelResult> done) {
    if (std::optional<QString> problem = kChecks.tradeProblem(trade)) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    // retry_flag=Y makes the answer transient, so run() calls again within the deadline.
    m_calls->runTyped<CancelResult>(
        call(CallSpec{kCancel, tradeBiz(trade), true, false}), context, std::move(done),
        [trade](const AlipayReply& reply) { return answers::cancel(reply, trade); });
}

void AlipayClient::closeTrade(const TradeRef& trade, QObject* context,
                              Completion<CloseResult> done) {
    if (std::optional<QString> problem = kChecks.tradeProblem(trade)) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    m_calls->runTyped<CloseResult>(
        call(CallSpec{kClose, tradeBiz(trade), true, false}), context, std::move(done),
        [trade](const AlipayReply& reply) { return answers::close(reply, trade); });
}

void AlipayClient::refund(const RefundRequest& request, QObject* context,
                          Completion<RefundResult> done) {
    std::optional<QString> problem = kChecks.amountProblem(request.amountFen);
    if (!problem)
        problem = kChecks.tradeProblem(TradeRef{request.outTradeNo, request.providerTradeNo});
    if (request.outRequestNo.isEmpty())
        problem = QCoreApplication::translate("qpos::alipay::AlipayClient",
                                              "the refund has no request number");
    if (problem) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    QJsonObject biz = tradeBiz(TradeRef{request.outTradeNo, request.providerTradeNo});
    biz.insert(QStringLiteral("refund_amount"), money::formatYuan(request.amountFen));
    // The stable request number makes a repeat harmless (Alipay answers fund_change=N), which
    // is what allows retrying a refund at all.
    biz.insert(QStringLiteral("out_request_no"), request.outRequestNo);
    putIfSet(biz, "refund_reason", request.reason);
    putIfSet(biz, "store_id", request.storeId);
    putIfSet(biz, "terminal_id", request.terminalId);
    putIfSet(biz, "operator_id", request.operatorId);
    m_calls->runTyped<RefundResult>(
        call(CallSpec{kRefund, biz, true, false}), context, std::move(done),
        [request](const AlipayReply& reply) { return answers::refund(reply, request); });
}

void AlipayClient::queryRefund(const RefundQuery& query, QObject* context,
                               Completion<RefundQueryResult> done) {
    std::optional<QString> problem =
        kChecks.tradeProblem(TradeRef{query.outTradeNo, query.providerTradeNo});
    if (query.outRequestNo.isEmpty())
        problem = QCoreApplication::translate("qpos::alipay::AlipayClient",
                                              "the refund has no request number");
    if (problem) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    QJsonObject biz = tradeBiz(TradeRef{query.outTradeNo, query.providerTradeNo});
    biz.insert(QStringLiteral("out_request_no"), query.outRequestNo);
    biz.insert(QStringLiteral("query_options"), QJsonArray{QStringLiteral("gmt_refund_pay")});
    m_calls->runTyped<RefundQueryResult>(
        call(CallSpec{kRefundQuery, biz, true, false}), context, std::move(done),
        [query](const AlipayReply& reply) { return answers::refundQuery(reply, query); });
}

void AlipayClient::downloadBill(const BillRequest& request, QObject* context,
                                Completion<ProviderBill> done) {
    if (std::optional<QString> problem = kChecks.billDateProblem(request)) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    // The URL lives 30 s: it is asked for again with every attempt at the file.
    const QJsonObject biz{
        {QStringLiteral("bill_type"), QStringLiteral("trade")},
        {QStringLiteral("bill_date"),
         chinaBillDate(request.date, request.period == BillRequest::Period::Month)}};
    auto fileOf = [maxBytes = m_settings.maxBillBytes](
                      const GatewayResult<QUrl>& url) -> GatewayResult<BillFile> {
        const QUrl& address = url.value();
        if (address.scheme() != u"https" && !isLoopbackHost(address.host()))
            return GatewayResult<BillFile>::unknown(
                Error{QStringLiteral("alipay.bill_url_insecure"),
                      QCoreApplication::translate("qpos::alipay::AlipayClient",
                                                  "Alipay gave a bill address that is not https; "
                                                  "the bill was not downloaded.")},
                url.providerFields());
        QNetworkRequest file(address);
        file.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                          QNetworkRequest::NoLessSafeRedirectPolicy);
        auto parse = [maxBytes](const QByteArray& zip) {
            Result<ProviderBill> bill = parseAlipayBillZip(zip, maxBytes);
            if (bill)
                qCInfo(lcAlipay).noquote() << QStringLiteral("bill %1: %2 lines")
                                                  .arg(bill->detailFileName)
                                                  .arg(bill->records.size());
            return bill;
        };
        return GatewayResult<BillFile>::success(BillFile{file, {}, parse});
    };
    runBillDownload(*m_calls, request, context, std::move(done),
                    BillSteps<AlipayReply, QUrl>{call(CallSpec{kBillUrl, biz, false, false}),
                                                 answers::billDownloadUrl,
                                                 fileOf,
                                                 {},
                                                 m_settings.maxBillBytes});
}

void AlipayClient::warmUp() {
    m_calls->warmUp(m_settings.gatewayUrl);
}

Result<PaymentNotification>
AlipayClient::verifyNotification(const IncomingNotification& notification,
                                 const NotificationOrderLookup& lookup) const {
    return loggedNotificationVerdict(lcAlipay, m_notifications.verify(notification.body, lookup));
}

NotificationReply AlipayClient::notificationReply(bool accepted) const {
    return NotificationReply{200, QByteArrayLiteral("text/plain;charset=utf-8"),
                             accepted ? AlipayNotificationVerifier::successReply()
                                      : AlipayNotificationVerifier::failureReply()};
}

// ---- Alipay's side of a call

HttpCall<AlipayReply> AlipayClient::call(CallSpec spec) const {
    auto prepare = [this, spec]() -> Result<HttpRequest> {
        Result<Params> params = m_builder.build(
            spec.method, spec.biz, QDateTime::currentDateTimeUtc(), spec.withNotifyUrl);
        if (!params)
            return params.error();
        QNetworkRequest request(m_settings.gatewayUrl);
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded;charset=utf-8"));
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                             QNetworkRequest::ManualRedirectPolicy);
        return HttpRequest{request, QByteArrayLiteral("POST"), formBody(*params),
                           Redactor::redact(AlipayRequestBuilder::describe(*params))};
    };
    auto read = [this, method = spec.method](QNetworkReply* answer, int status) {
        if (status < 200 || status >= 300)
            return failedReply<AlipayReply>(m_calls->statusFailure(status));
        const QByteArray body = answer->readAll();
        m_calls->logAnswer(method, body);
        return m_reader.read(method, body);
    };
    auto answerCode = [](const AlipayReply& reply) {
        return reply.verdict.unknownReason.code;
    };
    return HttpCall<AlipayReply>{spec.method,        spec.retryTransient, {},
                                 std::move(prepare), std::move(read),     std::move(answerCode)};
}

} // namespace qpos::alipay
