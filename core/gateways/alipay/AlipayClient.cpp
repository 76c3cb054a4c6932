#include "core/gateways/alipay/AlipayClient.h"

#include "core/gateways/alipay/AlipayAnswers.h"
#include "core/gateways/alipay/AlipayBill.h"
#include "core/gateways/alipay/AlipayBillUrl.h"
#include "core/gateways/alipay/AlipayTime.h"
#include "core/gateways/BillDownload.h"
#include "core/gateways/NotificationLog.h"
#include "core/gateways/RequestChecks.h"
#include "core/logging/LogCategories.h"
#include "core/logging/Redactor.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

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
const QString kCertDownload = QStringLiteral("alipay.open.app.alipaycert.download");

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

namespace {

// Settings built in code name the SN without the files behind it: that SN alone is trusted.
AlipayClientSettings withCertificates(AlipayClientSettings settings) {
    if (settings.certMode() && !settings.certificates)
        settings.certificates = std::make_shared<AlipayCertificates>(
            AlipayCertificates::fixed(settings.alipayCertSn, settings.alipayPublicKey));
    return settings;
}

} // namespace

Result<std::unique_ptr<AlipayClient>> AlipayClient::create(AlipayClientSettings settings,
                                                           QObject* parent) {
    if (Status valid = settings.validate(); !valid)
        return valid.error();
    return std::unique_ptr<AlipayClient>(
        new AlipayClient(withCertificates(std::move(settings)), parent));
}

AlipayClient::AlipayClient(AlipayClientSettings settings, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_certificates(m_settings.certificates)
    , m_builder(AlipayRequestBuilder::Identity{m_settings.appId, m_settings.appPrivateKey,
                                               m_settings.notifyUrl, m_settings.appCertSn,
                                               m_settings.alipayRootCertSn})
    , m_reader(m_settings.alipayPublicKey, m_certificates)
    , m_notifications(m_settings.appId, m_settings.sellerId, m_settings.alipayPublicKey,
                      m_certificates)
    , m_calls(new HttpCallRunner(alipayProvider(m_settings), this)) {
    connect(&m_calls->breaker(), &CircuitBreaker::stateChanged, this,
            &AlipayClient::circuitStateChanged);
}

// The runner, a child, aborts what is still in flight without calling anyone back.
AlipayClient::~AlipayClient() = default;

// ---- certificate renewal

template <typename T, typename Parse>
void AlipayClient::runCall(CallSpec spec, QObject* context, Completion<T> done, Parse parse) {
    QPointer<QObject> target(context ? context : m_calls);
    const QString name = spec.method;
    m_calls->run<AlipayReply>(call(std::move(spec)), [this, target, done = std::move(done),
                                                      parse = std::move(parse),
                                                      name](const AlipayReply& reply) {
        auto finish = [this, target, done, parse, name](const AlipayReply& last) {
            if (target)
                m_calls->deliver<T>(target.data(), done, parse(last), name);
        };
        if (reply.unknownCertSn.isEmpty()) {
            finish(reply);
            return;
        }
        fetchCertificate(reply.unknownCertSn, [this, reply, name, finish](const Status& fetched) {
            if (!fetched) {
                Error reason = reply.failure->reason;
                reason.message += QLatin1Char(' ') + fetched.error().message;
                finish(failedReply<AlipayReply>(std::move(reason), false));
                return;
            }
            finish(m_reader.read(name, reply.body));
        });
    });
}

void AlipayClient::fetchCertificate(const QString& certSn, std::function<void(Status)> done) {
    qCInfo(lcAlipay).noquote() << QStringLiteral("answer under Alipay certificate %1, which the "
                                                 "till does not have: downloading it")
                                      .arg(certSn);
    const QJsonObject biz{{QStringLiteral("alipay_cert_sn"), certSn}};
    m_calls->run<AlipayReply>(call(CallSpec{kCertDownload, biz, true, false}),
                              [this, certSn, done = std::move(done)](const AlipayReply& reply) {
                                  Status adopted = adoptDownloaded(certSn, reply);
                                  if (!adopted)
                                      qCWarning(lcAlipay).noquote()
                                          << QStringLiteral("Alipay certificate %1 not adopted: %2")
                                                 .arg(certSn, adopted.error().message);
                                  done(adopted);
                              });
}

Status AlipayClient::adoptDownloaded(const QString& certSn, const AlipayReply& reply) {
    const auto notGiven = [](const AlipayReply& answer) {
        return Error{QStringLiteral("alipay.cert_download_refused"),
                     QCoreApplication::translate("qpos::alipay::AlipayClient",
                                                 "Alipay did not give the certificate (code %1 "
                                                 "%2).")
                         .arg(answer.fields.value(u"code").toString(),
                              answer.fields.value(u"sub_code").toString())};
    };
    if (!m_certificates)
        return Error{QStringLiteral("alipay.cert_download_refused"),
                     QCoreApplication::translate("qpos::alipay::AlipayClient",
                                                 "The till is not in certificate mode.")};
    // Signed under a certificate the till does not have, or under none that verifies: the
    // answer may still be signed by the certificate it carries.
    const bool signedByCarried =
        !reply.verified() &&
        (!reply.unknownCertSn.isEmpty() || reply.failure->reason.code == u"alipay.bad_signature");
    if (!reply.verified() && !signedByCarried)
        return reply.failure->reason;
    if (reply.verified() && reply.verdict.verdict != OutcomeKind::Success)
        return notGiven(reply);
    // The certificate is read before its answer is trusted, but trusted only once the root
    // vouches for it.
    Result<SignedResponse> response = extractSignedResponse(reply.body, kCertDownload);
    if (!response)
        return response.error();
    const QJsonObject object = QJsonDocument::fromJson(response->signedText).object();
    Result<RenewedAlipayCertificate> checked =
        m_certificates->check(object.value(u"alipay_cert_content").toString().toLatin1(), certSn,
                              QDateTime::currentDateTimeUtc());
    if (!checked)
        return checked.error();
    if (signedByCarried) {
        const AlipayReply verified =
            m_reader.readSignedBy(kCertDownload, reply.body, certSn, checked->publicKey);
        if (!verified.verified())
            return verified.failure->reason;
        if (verified.verdict.verdict != OutcomeKind::Success)
            return notGiven(verified);
    }
    if (Status saved = m_certificates->adopt(*checked); !saved)
        qCWarning(lcAlipay).noquote() << saved.error().message;
    qCInfo(lcAlipay).noquote() << QStringLiteral("Alipay certificate %1 adopted (valid until %2)")
                                      .arg(certSn, checked->chain.constFirst().notAfter().toString(
                                                       Qt::ISODate));
    return Status::success();
}

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
    runCall<QrOrder>(CallSpec{kPrecreate, biz, false, true}, context, std::move(done),
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
    runCall<TradeSnapshot>(CallSpec{kPay, biz, false, true}, context, std::move(done),
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
    runCall<TradeSnapshot>(
        CallSpec{kQuery, tradeBiz(trade), true, false}, context, std::move(done),
        [trade](const AlipayReply& reply) { return answers::query(reply, trade); });
}

void AlipayClient::cancelTrade(const TradeRef& trade, QObject* context,
                               Completion<CancelResult> done) {
    if (std::optional<QString> problem = kChecks.tradeProblem(trade)) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    // retry_flag=Y makes the answer transient, so run() calls again within the deadline.
    runCall<CancelResult>(
        CallSpec{kCancel, tradeBiz(trade), true, false}, context, std::move(done),
        [trade](const AlipayReply& reply) { return answers::cancel(reply, trade); });
}

void AlipayClient::closeTrade(const TradeRef& trade, QObject* context,
                              Completion<CloseResult> done) {
    if (std::optional<QString> problem = kChecks.tradeProblem(trade)) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    runCall<CloseResult>(
        CallSpec{kClose, tradeBiz(trade), true, false}, context, std::move(done),
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
    // Sent once: Alipay wants repeats of a refund on a trade at least 3 s apart, so the checkout
    // engine repeats it on its own schedule (CheckoutPolicy::refundRepeatGap).
    runCall<RefundResult>(
        CallSpec{kRefund, biz, false, false}, context, std::move(done),
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
    runCall<RefundQueryResult>(
        CallSpec{kRefundQuery, biz, true, false}, context, std::move(done),
        [query](const AlipayReply& reply) { return answers::refundQuery(reply, query); });
}

void AlipayClient::downloadBill(const BillRequest& request, QObject* context,
                                Completion<DownloadedBill> done) {
    if (std::optional<QString> problem = kChecks.billDateProblem(request)) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    // The URL lives 30 s: it is asked for again with every attempt at the file.
    const QJsonObject biz{
        {QStringLiteral("bill_type"), QStringLiteral("trade")},
        {QStringLiteral("bill_date"),
         chinaBillDate(request.date, request.period == BillRequest::Period::Month)}};
    auto fileOf = [maxBytes = m_settings.maxBillBytes, httpHosts = m_settings.billHttpHosts](
                      const GatewayResult<QUrl>& url) -> GatewayResult<BillFile> {
        const QUrl& address = url.value();
        if (!isAllowedBillUrl(address, httpHosts))
            return GatewayResult<BillFile>::unknown(
                Error{QStringLiteral("alipay.bill_url_insecure"),
                      QCoreApplication::translate("qpos::alipay::AlipayClient",
                                                  "Alipay gave a bill address (%1) that is "
                                                  "neither https nor one of Alipay's bill "
                                                  "hosts; the bill was not downloaded. Ask IT "
                                                  "whether Alipay has a new bill host.")
                          .arg(address.host().isEmpty() ? QStringLiteral("-") : address.host())},
                url.providerFields());
        QNetworkRequest file(address);
        // A plain-http bill host may not send the till on to any other host.
        file.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                          address.scheme() == u"https" ? QNetworkRequest::NoLessSafeRedirectPolicy
                                                       : QNetworkRequest::SameOriginRedirectPolicy);
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
    // isp.bill_not_exist: the day's bill is not made yet (T+1). Alipay has no separate answer
    // for a day without trades, so it is always worth asking again later.
    auto availabilityOf = [](const Refused& refusal) -> std::optional<BillAvailability> {
        if (refusal.subCode == u"isp.bill_not_exist")
            return BillAvailability::NotReadyYet;
        return std::nullopt;
    };
    runBillDownload(*m_calls, request, context, std::move(done),
                    BillSteps<AlipayReply, QUrl>{call(CallSpec{kBillUrl, biz, false, false}),
                                                 answers::billDownloadUrl,
                                                 fileOf,
                                                 availabilityOf,
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
        AlipayReply reply = m_reader.read(method, body);
        if (method == kCertDownload)
            reply.body = body; // read again once the certificate it carries is checked
        return reply;
    };
    auto answerCode = [](const AlipayReply& reply) {
        return reply.verdict.unknownReason.code;
    };
    return HttpCall<AlipayReply>{spec.method,     spec.retryTransient,   {}, std::move(prepare),
                                 std::move(read), std::move(answerCode), {}};
}

} // namespace qpos::alipay
