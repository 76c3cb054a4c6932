#include "gateways/alipay/AlipayClient.h"

#include "gateways/alipay/AlipayAnswers.h"
#include "gateways/alipay/AlipayBill.h"
#include "gateways/alipay/AlipayTime.h"
#include "gateways/GatewayErrors.h"
#include "logging/LogCategories.h"
#include "logging/Redactor.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QMetaObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace qpos::alipay {

using namespace qpos::gateway;
using std::chrono::milliseconds;

namespace {

constexpr char kTimedOut[] = "qpos_timed_out";
constexpr char kTooLarge[] = "qpos_too_large";
// A retry with less time than this left before the deadline is not worth starting.
constexpr qint64 kShortestAttemptMs = 50;
constexpr qsizetype kLoggedBodyChars = 4000;

const QString kPrecreate = QStringLiteral("alipay.trade.precreate");
const QString kPay = QStringLiteral("alipay.trade.pay");
const QString kQuery = QStringLiteral("alipay.trade.query");
const QString kCancel = QStringLiteral("alipay.trade.cancel");
const QString kClose = QStringLiteral("alipay.trade.close");
const QString kRefund = QStringLiteral("alipay.trade.refund");
const QString kRefundQuery = QStringLiteral("alipay.trade.fastpay.refund.query");
const QString kBillUrl = QStringLiteral("alipay.data.dataservice.bill.downloadurl.query");

QString clipped(const QString& text) {
    return text.size() <= kLoggedBodyChars ? text : text.left(kLoggedBodyChars) + u'…';
}

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

// A request the till cannot send (no order number, an impossible amount): nothing reaches
// Alipay, so nothing happened there.
Refused notSent(const QString& why) {
    return Refused{QStringLiteral("local"), QString::fromLatin1(errc::notSent), why,
                   QCoreApplication::translate("qpos::alipay::AlipayClient",
                                               "The request was not sent to Alipay: %1.")
                       .arg(why)};
}

std::optional<QString> checkAmount(money::Fen fen) {
    if (fen <= 0 || fen > money::kMaxFen)
        return QCoreApplication::translate("qpos::alipay::AlipayClient",
                                           "the amount must be between 0.01 and %1 yuan")
            .arg(money::formatYuan(money::kMaxFen));
    return std::nullopt;
}

std::optional<QString> checkTrade(const TradeRef& trade) {
    if (trade.outTradeNo.isEmpty() && trade.providerTradeNo.isEmpty())
        return QCoreApplication::translate("qpos::alipay::AlipayClient", "the order has no number");
    return std::nullopt;
}

} // namespace

struct AlipayClient::Call {
    CallSpec spec;
    ReplyHandler handler;
    int attempt = 0;
    QElapsedTimer clock;
};

struct AlipayClient::Download {
    BillRequest request;
    QPointer<QObject> context;
    Completion<ProviderBill> done;
    int attempt = 0;
    QElapsedTimer clock;
};

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
    , m_network(new QNetworkAccessManager(this))
    , m_breaker(new CircuitBreaker(QStringLiteral("Alipay"), &lcAlipay, m_settings.breaker, this))
    , m_random(QRandomGenerator::global()->generate()) {
    // A payment API never redirects; following one could send a signed request elsewhere.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    connect(m_breaker, &CircuitBreaker::stateChanged, this, &AlipayClient::circuitStateChanged);
}

AlipayClient::~AlipayClient() {
    // Abort what is still in flight without calling anyone back: this object is going away.
    const QSet<QNetworkReply*> replies = std::exchange(m_inFlight, {});
    for (QNetworkReply* reply : replies) {
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        delete reply;
    }
}

// ---- the public calls

void AlipayClient::createQrOrder(const QrOrderRequest& request, QObject* context,
                                 Completion<QrOrder> done) {
    std::optional<QString> problem = checkAmount(request.amountFen);
    if (request.outTradeNo.isEmpty() || request.subject.isEmpty())
        problem = QCoreApplication::translate("qpos::alipay::AlipayClient",
                                              "the order number or subject is empty");
    if (problem) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<QrOrder>::refused(notSent(*problem)));
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
    runTyped<QrOrder>(CallSpec{kPrecreate, biz, false, true, {}}, context, std::move(done),
                      [outTradeNo = request.outTradeNo](const AlipayReply& reply) {
                          return answers::precreate(reply, outTradeNo);
                      });
}

void AlipayClient::payByCode(const PayByCodeRequest& request, QObject* context,
                             Completion<TradeSnapshot> done) {
    std::optional<QString> problem = checkAmount(request.amountFen);
    if (request.outTradeNo.isEmpty() || request.subject.isEmpty() || request.authCode.isEmpty())
        problem = QCoreApplication::translate("qpos::alipay::AlipayClient",
                                              "the order number, subject or payment code is "
                                              "empty");
    if (problem) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<TradeSnapshot>::refused(notSent(*problem)));
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
    runTyped<TradeSnapshot>(CallSpec{kPay, biz, false, true, {}}, context, std::move(done),
                            [outTradeNo = request.outTradeNo](const AlipayReply& reply) {
                                return answers::pay(reply, outTradeNo);
                            });
}

void AlipayClient::queryTrade(const TradeRef& trade, QObject* context,
                              Completion<TradeSnapshot> done) {
    if (std::optional<QString> problem = checkTrade(trade)) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<TradeSnapshot>::refused(notSent(*problem)));
        return;
    }
    runTyped<TradeSnapshot>(
        CallSpec{kQuery, tradeBiz(trade), true, false, {}}, context, std::move(done),
        [trade](const AlipayReply& reply) { return answers::query(reply, trade); });
}

void AlipayClient::cancelTrade(const TradeRef& trade, QObject* context,
                               Completion<CancelResult> done) {
    if (std::optional<QString> problem = checkTrade(trade)) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<CancelResult>::refused(notSent(*problem)));
        return;
    }
    // retry_flag=Y makes the answer transient, so run() calls again within the deadline.
    runTyped<CancelResult>(
        CallSpec{kCancel, tradeBiz(trade), true, false, {}}, context, std::move(done),
        [trade](const AlipayReply& reply) { return answers::cancel(reply, trade); });
}

void AlipayClient::closeTrade(const TradeRef& trade, QObject* context,
                              Completion<CloseResult> done) {
    if (std::optional<QString> problem = checkTrade(trade)) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<CloseResult>::refused(notSent(*problem)));
        return;
    }
    runTyped<CloseResult>(
        CallSpec{kClose, tradeBiz(trade), true, false, {}}, context, std::move(done),
        [trade](const AlipayReply& reply) { return answers::close(reply, trade); });
}

void AlipayClient::refund(const RefundRequest& request, QObject* context,
                          Completion<RefundResult> done) {
    std::optional<QString> problem = checkAmount(request.amountFen);
    if (!problem)
        problem = checkTrade(TradeRef{request.outTradeNo, request.providerTradeNo});
    if (request.outRequestNo.isEmpty())
        problem = QCoreApplication::translate("qpos::alipay::AlipayClient",
                                              "the refund has no request number");
    if (problem) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<RefundResult>::refused(notSent(*problem)));
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
    runTyped<RefundResult>(
        CallSpec{kRefund, biz, true, false, {}}, context, std::move(done),
        [request](const AlipayReply& reply) { return answers::refund(reply, request); });
}

void AlipayClient::queryRefund(const RefundQuery& query, QObject* context,
                               Completion<RefundQueryResult> done) {
    std::optional<QString> problem = checkTrade(TradeRef{query.outTradeNo, query.providerTradeNo});
    if (query.outRequestNo.isEmpty())
        problem = QCoreApplication::translate("qpos::alipay::AlipayClient",
                                              "the refund has no request number");
    if (problem) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<RefundQueryResult>::refused(notSent(*problem)));
        return;
    }
    QJsonObject biz = tradeBiz(TradeRef{query.outTradeNo, query.providerTradeNo});
    biz.insert(QStringLiteral("out_request_no"), query.outRequestNo);
    biz.insert(QStringLiteral("query_options"), QJsonArray{QStringLiteral("gmt_refund_pay")});
    runTyped<RefundQueryResult>(
        CallSpec{kRefundQuery, biz, true, false, {}}, context, std::move(done),
        [query](const AlipayReply& reply) { return answers::refundQuery(reply, query); });
}

void AlipayClient::downloadBill(const BillRequest& request, QObject* context,
                                Completion<ProviderBill> done) {
    if (!request.date.isValid()) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<ProviderBill>::refused(notSent(QCoreApplication::translate(
                         "qpos::alipay::AlipayClient", "the bill date is not valid"))));
        return;
    }
    auto download = std::make_shared<Download>();
    download->request = request;
    download->context = context ? context : this;
    download->done = std::move(done);
    download->clock.start();
    billAttempt(download);
}

Result<PaymentNotification>
AlipayClient::verifyNotification(const IncomingNotification& notification,
                                 const NotificationOrderLookup& lookup) const {
    Result<PaymentNotification> verified = m_notifications.verify(notification.body, lookup);
    if (!verified)
        qCWarning(lcAlipay).noquote()
            << QStringLiteral("notification refused: %1 (%2)")
                   .arg(verified.error().code, Redactor::redact(verified.error().message));
    return verified;
}

NotificationReply AlipayClient::notificationReply(bool accepted) const {
    return NotificationReply{200, QByteArrayLiteral("text/plain;charset=utf-8"),
                             accepted ? AlipayNotificationVerifier::successReply()
                                      : AlipayNotificationVerifier::failureReply()};
}

// ---- the call machinery

template <typename T, typename Parse>
void AlipayClient::runTyped(CallSpec spec, QObject* context, Completion<T> done, Parse parse) {
    QPointer<QObject> target(context ? context : this);
    const QString method = spec.method;
    run(std::move(spec), [this, target, done = std::move(done), parse = std::move(parse),
                          method](const AlipayReply& reply) {
        if (!target)
            return; // the caller went away: nobody to tell
        deliver<T>(target.data(), done, parse(reply), method);
    });
}

template <typename T>
void AlipayClient::deliver(QObject* context, Completion<T> done, GatewayResult<T> result,
                           const QString& method) {
    switch (result.kind()) {
    case OutcomeKind::Success:
        qCDebug(lcAlipay).noquote() << method << "succeeded";
        break;
    case OutcomeKind::InProgress:
        qCInfo(lcAlipay).noquote() << method << "is in progress at Alipay";
        break;
    case OutcomeKind::Refused:
        qCInfo(lcAlipay).noquote()
            << QStringLiteral("%1 refused: %2 %3 %4")
                   .arg(method, result.refused().code, result.refused().subCode,
                        result.refused().providerMessage);
        break;
    case OutcomeKind::Unknown:
        qCWarning(lcAlipay).noquote()
            << QStringLiteral("%1 outcome unknown: %2 %3")
                   .arg(method, result.unknown().reason.code,
                        Redactor::redact(result.unknown().reason.message));
        break;
    }
    deliverLater(context, std::move(done), std::move(result));
}

void AlipayClient::run(CallSpec spec, ReplyHandler handler) {
    auto call = std::make_shared<Call>();
    call->spec = std::move(spec);
    call->handler = std::move(handler);
    if (call->spec.sharedClock.isValid())
        call->clock = call->spec.sharedClock;
    else
        call->clock.start();
    startAttempt(call);
}

Unknown AlipayClient::unreachable() const {
    return Unknown{Error{QString::fromLatin1(errc::unreachable),
                         QCoreApplication::translate("qpos::alipay::AlipayClient",
                                                     "Alipay is not reachable; payments will be "
                                                     "checked again when it is back (next try "
                                                     "in about %1 s).")
                             .arg((m_settings.breaker.coolDown.count() + 999) / 1000)}};
}

void AlipayClient::startAttempt(const std::shared_ptr<Call>& call) {
    ++call->attempt;
    // Sign before asking the breaker, so a half-open probe slot is never taken by a request
    // that then is not sent.
    Result<Params> params =
        m_builder.build(call->spec.method, call->spec.biz, QDateTime::currentDateTimeUtc(),
                        call->spec.withNotifyUrl);
    if (!params) {
        call->handler(AlipayResponseReader::failed(
            Error{QString::fromLatin1(errc::notSent), params.error().message}, false));
        return;
    }
    if (!m_breaker->tryAcquire()) {
        AlipayReply reply;
        reply.failure = unreachable();
        call->handler(reply);
        return;
    }
    qCDebug(lcAlipay).noquote() << QStringLiteral("-> attempt %1: %2")
                                       .arg(call->attempt)
                                       .arg(Redactor::redact(
                                           AlipayRequestBuilder::describe(*params)));
    QNetworkRequest request(m_settings.gatewayUrl);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/x-www-form-urlencoded;charset=utf-8"));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    const bool bounded = call->spec.retryTransient || call->spec.sharedClock.isValid();
    send(m_network->post(request, formBody(*params)),
         m_settings.retry.attemptTimeout(m_settings.requestTimeout, call->clock, bounded),
         m_settings.maxAnswerBytes,
         [this, call](QNetworkReply* reply) { finishAttempt(call, reply); });
}

QNetworkReply* AlipayClient::send(QNetworkReply* reply, milliseconds timeout, qint64 maxBytes,
                                  std::function<void(QNetworkReply*)> onFinished) {
    m_inFlight.insert(reply);
    auto* timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [reply] {
        reply->setProperty(kTimedOut, true);
        reply->abort();
    });
    connect(reply, &QNetworkReply::downloadProgress, this,
            [reply, maxBytes](qint64 received, qint64 total) {
                if (received > maxBytes || total > maxBytes) {
                    reply->setProperty(kTooLarge, true);
                    reply->abort();
                }
            });
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, timer, onFinished = std::move(onFinished)] {
                timer->stop();
                m_inFlight.remove(reply);
                reply->deleteLater();
                onFinished(reply);
            });
    timer->start(timeout);
    return reply;
}

std::optional<AlipayReply> AlipayClient::transportFailure(QNetworkReply* reply,
                                                          bool countOnBreaker) {
    auto fail = [this, countOnBreaker](const char* code, const QString& message, bool transient,
                                       bool isTransportFailure) {
        if (countOnBreaker && isTransportFailure)
            m_breaker->recordFailure();
        else if (countOnBreaker)
            m_breaker->recordSuccess();
        return std::optional<AlipayReply>(
            AlipayResponseReader::failed(Error{QString::fromLatin1(code), message}, transient));
    };
    const QString later = QCoreApplication::translate(
        "qpos::alipay::AlipayClient",
        "The outcome is not known yet; the till will ask Alipay again.");

    if (reply->property(kTimedOut).toBool())
        return fail(errc::timeout,
                    QCoreApplication::translate("qpos::alipay::AlipayClient",
                                                "Alipay did not answer in time.") +
                        u' ' + later,
                    true, true);
    if (reply->property(kTooLarge).toBool())
        return fail(errc::answerTooLarge,
                    QCoreApplication::translate("qpos::alipay::AlipayClient",
                                                "Alipay's answer was too large and was not "
                                                "read.") +
                        u' ' + later,
                    false, false);
    const QNetworkReply::NetworkError error = reply->error();
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    // Codes below ContentAccessDenied are network and proxy failures: no complete answer.
    if (error == QNetworkReply::SslHandshakeFailedError)
        return fail(errc::tlsFailed,
                    QCoreApplication::translate("qpos::alipay::AlipayClient",
                                                "The secure connection to Alipay failed (%1). "
                                                "Check the till's clock and network.")
                            .arg(reply->errorString()) +
                        u' ' + later,
                    false, true);
    if ((error != QNetworkReply::NoError && error < QNetworkReply::ContentAccessDenied) ||
        !status.isValid())
        return fail(errc::connectionFailed,
                    QCoreApplication::translate("qpos::alipay::AlipayClient",
                                                "The connection to Alipay failed (%1).")
                            .arg(reply->errorString()) +
                        u' ' + later,
                    true, true);
    const int code = status.toInt();
    if (code >= 200 && code < 300)
        return std::nullopt;
    const QString httpMessage = QCoreApplication::translate("qpos::alipay::AlipayClient",
                                                            "Alipay's server answered HTTP %1.")
                                    .arg(code) +
                                u' ' + later;
    if (code >= 500)
        return fail(errc::httpStatus, httpMessage, true, true);
    return fail(errc::httpStatus, httpMessage, code == 408 || code == 429, false);
}

void AlipayClient::finishAttempt(const std::shared_ptr<Call>& call, QNetworkReply* reply) {
    AlipayReply result;
    if (std::optional<AlipayReply> failure = transportFailure(reply, true)) {
        result = std::move(*failure);
    } else {
        m_breaker->recordSuccess();
        const QByteArray body = reply->readAll();
        qCDebug(lcAlipay).noquote()
            << QStringLiteral("<- %1: %2")
                   .arg(call->spec.method, clipped(Redactor::redact(QString::fromUtf8(body))));
        result = m_reader.read(call->spec.method, body);
    }
    if (result.transient && call->spec.retryTransient) {
        const QString why =
            result.failure ? result.failure->reason.code : result.verdict.unknownReason.code;
        if (scheduleRetry(call, why))
            return;
    }
    call->handler(result);
}

bool AlipayClient::scheduleRetry(const std::shared_ptr<Call>& call, const QString& why) {
    if (call->attempt >= m_settings.retry.maxAttempts || m_breaker->state() == CircuitState::Open)
        return false;
    const milliseconds delay = m_settings.retry.backoffBefore(call->attempt + 1, m_random);
    const qint64 left = m_settings.retry.deadline.count() - call->clock.elapsed();
    if (delay.count() + kShortestAttemptMs > left)
        return false;
    qCInfo(lcAlipay).noquote() << QStringLiteral("%1 attempt %2 failed (%3); retrying in %4 ms")
                                      .arg(call->spec.method)
                                      .arg(call->attempt)
                                      .arg(why)
                                      .arg(delay.count());
    QTimer::singleShot(delay, this, [this, call] { startAttempt(call); });
    return true;
}

// ---- the bill: URL query, then download, retried as a whole (the URL lives 30 s)

void AlipayClient::billAttempt(const std::shared_ptr<Download>& download) {
    ++download->attempt;
    QJsonObject biz{{QStringLiteral("bill_type"), QStringLiteral("trade")},
                    {QStringLiteral("bill_date"),
                     chinaBillDate(download->request.date,
                                   download->request.period == BillRequest::Period::Month)}};
    auto retryOrDeliver = [this, download](const AlipayReply& reply,
                                           GatewayResult<ProviderBill> result) {
        if (reply.transient && download->attempt < m_settings.retry.maxAttempts &&
            m_breaker->state() != CircuitState::Open) {
            const milliseconds delay =
                m_settings.retry.backoffBefore(download->attempt + 1, m_random);
            const qint64 left = m_settings.retry.deadline.count() - download->clock.elapsed();
            if (delay.count() + kShortestAttemptMs <= left) {
                QTimer::singleShot(delay, this, [this, download] { billAttempt(download); });
                return;
            }
        }
        if (download->context)
            deliver<ProviderBill>(download->context.data(), download->done, std::move(result),
                                  kBillUrl);
    };
    CallSpec spec{kBillUrl, biz, false, false, download->clock};
    run(spec, [this, download, retryOrDeliver](const AlipayReply& reply) {
        GatewayResult<QUrl> url = answers::billDownloadUrl(reply);
        if (!url.isSuccess()) {
            retryOrDeliver(reply, GatewayResult<ProviderBill>::from(url));
            return;
        }
        const QUrl& address = url.value();
        if (address.scheme() != u"https" && !isLoopbackHost(address.host())) {
            retryOrDeliver(AlipayReply{},
                           GatewayResult<ProviderBill>::unknown(
                               Error{QStringLiteral("alipay.bill_url_insecure"),
                                     QCoreApplication::translate(
                                         "qpos::alipay::AlipayClient",
                                         "Alipay gave a bill address that is not https; the "
                                         "bill was not downloaded.")},
                               url.providerFields()));
            return;
        }
        QNetworkRequest request(address);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                             QNetworkRequest::NoLessSafeRedirectPolicy);
        qCDebug(lcAlipay).noquote() << "-> bill download" << address.host();
        send(m_network->get(request),
             m_settings.retry.attemptTimeout(m_settings.requestTimeout, download->clock, true),
             m_settings.maxBillBytes, [this, retryOrDeliver](QNetworkReply* fileReply) {
                 if (std::optional<AlipayReply> failure = transportFailure(fileReply, false)) {
                     retryOrDeliver(*failure,
                                    GatewayResult<ProviderBill>::unknown(*failure->failure));
                     return;
                 }
                 const QByteArray zip = fileReply->readAll();
                 Result<ProviderBill> bill = parseAlipayBillZip(zip, m_settings.maxBillBytes);
                 if (!bill) {
                     retryOrDeliver(AlipayReply{},
                                    GatewayResult<ProviderBill>::unknown(bill.error()));
                     return;
                 }
                 qCInfo(lcAlipay).noquote() << QStringLiteral("bill %1: %2 lines")
                                                   .arg(bill->detailFileName)
                                                   .arg(bill->records.size());
                 retryOrDeliver(AlipayReply{},
                                GatewayResult<ProviderBill>::success(std::move(*bill)));
             });
    });
}

} // namespace qpos::alipay
