#include "gateways/wechat/WechatClient.h"

#include "crypto/SecureRandom.h"
#include "gateways/GatewayErrors.h"
#include "gateways/wechat/WechatAnswers.h"
#include "gateways/wechat/WechatBill.h"
#include "gateways/wechat/WechatCodes.h"
#include "gateways/wechat/WechatTime.h"
#include "logging/LogCategories.h"
#include "logging/Redactor.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMetaObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

#include <algorithm>
#include <utility>

namespace qpos::wechat {

using namespace qpos::gateway;
using std::chrono::milliseconds;

namespace {

constexpr char kTimedOut[] = "qpos_timed_out";
constexpr char kTooLarge[] = "qpos_too_large";
// A retry with less time than this left before the deadline is not worth starting.
constexpr qint64 kShortestAttemptMs = 50;
constexpr qsizetype kLoggedBodyChars = 4000;
constexpr qsizetype kNonceLength = 32;
// WeChat's limits: description 127 bytes, refund reason 80 characters.
constexpr qsizetype kMaxDescriptionBytes = 127;
constexpr qsizetype kMaxReasonChars = 80;

const QString kNative = QStringLiteral("native");
const QString kCodePay = QStringLiteral("codepay");
const QString kQuery = QStringLiteral("query");
const QString kClose = QStringLiteral("close");
const QString kReverse = QStringLiteral("reverse");
const QString kCancel = QStringLiteral("cancel");
const QString kRefund = QStringLiteral("refund");
const QString kRefundQuery = QStringLiteral("refund query");
const QString kBill = QStringLiteral("trade bill");

QString clipped(const QString& text) {
    return text.size() <= kLoggedBodyChars ? text : text.left(kLoggedBodyChars) + u'…';
}

QByteArray compact(const QJsonObject& object) {
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray pathPart(const QString& text) {
    return QUrl::toPercentEncoding(text);
}

// The longest prefix of `text` whose UTF-8 form fits `maxBytes`, cut between characters.
QString utf8Prefix(const QString& text, qsizetype maxBytes) {
    QString out;
    qsizetype bytes = 0;
    for (qsizetype i = 0; i < text.size();) {
        const qsizetype step = text.at(i).isHighSurrogate() && i + 1 < text.size() ? 2 : 1;
        const QString piece = text.mid(i, step);
        const qsizetype size = piece.toUtf8().size();
        if (bytes + size > maxBytes)
            break;
        out += piece;
        bytes += size;
        i += step;
    }
    return out;
}

// A request the till cannot send (no order number, an impossible amount): nothing reaches
// WeChat Pay, so nothing happened there.
Refused notSent(const QString& why, const QString& code = QString::fromLatin1(errc::notSent)) {
    return Refused{QStringLiteral("local"), code, why,
                   QCoreApplication::translate("qpos::wechat::WechatClient",
                                               "The request was not sent to WeChat Pay: %1.")
                       .arg(why)};
}

std::optional<QString> checkAmount(money::Fen fen) {
    if (fen <= 0 || fen > money::kMaxFen)
        return QCoreApplication::translate("qpos::wechat::WechatClient",
                                           "the amount must be between 0.01 and %1 yuan")
            .arg(money::formatYuan(money::kMaxFen));
    return std::nullopt;
}

std::optional<QString> checkOutTradeNo(const QString& outTradeNo) {
    if (outTradeNo.isEmpty())
        return QCoreApplication::translate("qpos::wechat::WechatClient", "the order has no number");
    if (outTradeNo.size() > 32)
        return QCoreApplication::translate("qpos::wechat::WechatClient",
                                           "the order number is longer than 32 characters");
    return std::nullopt;
}

QJsonObject amountObject(money::Fen total) {
    return QJsonObject{{QStringLiteral("total"), double(total)},
                       {QStringLiteral("currency"), QStringLiteral("CNY")}};
}

} // namespace

struct WechatClient::Call {
    CallSpec spec;
    ReplyHandler handler;
    int attempt = 0;
    QElapsedTimer clock;
};

struct WechatClient::Download {
    BillRequest request;
    QPointer<QObject> context;
    Completion<ProviderBill> done;
    int attempt = 0;
    QElapsedTimer clock;
};

struct WechatClient::Cancel {
    TradeRef trade;
    QPointer<QObject> context;
    Completion<CancelResult> done;
    int round = 0;
};

Result<std::unique_ptr<WechatClient>> WechatClient::create(WechatClientSettings settings,
                                                           QObject* parent) {
    if (Status valid = settings.validate(); !valid)
        return valid.error();
    return std::unique_ptr<WechatClient>(new WechatClient(std::move(settings), parent));
}

WechatClient::WechatClient(WechatClientSettings settings, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_notifications(
          m_settings.mchId, m_settings.appId, m_settings.apiV3Key, m_settings.platformKeys,
          [this] { return nowMs(); }, m_settings.maxClockSkew)
    , m_network(new QNetworkAccessManager(this))
    , m_breaker(
          new CircuitBreaker(QStringLiteral("WeChat Pay"), &lcWechat, m_settings.breaker, this))
    , m_random(QRandomGenerator::global()->generate()) {
    // A payment API never redirects; following one could send a signed request elsewhere.
    m_network->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    connect(m_breaker, &CircuitBreaker::stateChanged, this, &WechatClient::circuitStateChanged);
}

WechatClient::~WechatClient() {
    // Abort what is still in flight without calling anyone back: this object is going away.
    const QSet<QNetworkReply*> replies = std::exchange(m_inFlight, {});
    for (QNetworkReply* reply : replies) {
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        delete reply;
    }
}

void WechatClient::setClock(std::function<qint64()> nowMs) {
    m_clock = std::move(nowMs);
}

qint64 WechatClient::nowMs() const {
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

// ---- the requests

WechatClient::CallSpec WechatClient::querySpec(const TradeRef& trade) const {
    CallSpec spec;
    spec.name = kQuery;
    spec.method = "GET";
    spec.pathQuery = trade.outTradeNo.isEmpty()
                         ? "/v3/pay/transactions/id/" + pathPart(trade.providerTradeNo)
                         : "/v3/pay/transactions/out-trade-no/" + pathPart(trade.outTradeNo);
    spec.pathQuery += "?mchid=" + pathPart(m_settings.mchId);
    spec.retryTransient = true;
    return spec;
}

WechatClient::CallSpec WechatClient::closeSpec(const TradeRef& trade) const {
    CallSpec spec;
    spec.name = kClose;
    spec.method = "POST";
    spec.pathQuery = "/v3/pay/transactions/out-trade-no/" + pathPart(trade.outTradeNo) + "/close";
    spec.body = compact(QJsonObject{{QStringLiteral("mchid"), m_settings.mchId}});
    spec.loggedBody = spec.body;
    spec.retryTransient = true;
    return spec;
}

WechatClient::CallSpec WechatClient::reverseSpec(const TradeRef& trade) const {
    CallSpec spec;
    spec.name = kReverse;
    spec.method = "POST";
    spec.pathQuery = "/v3/pay/transactions/out-trade-no/" + pathPart(trade.outTradeNo) + "/reverse";
    spec.body = compact(QJsonObject{{QStringLiteral("appid"), m_settings.appId},
                                    {QStringLiteral("mchid"), m_settings.mchId}});
    spec.loggedBody = spec.body;
    // A reverse is idempotent: a second one of a reversed trade changes nothing.
    spec.retryTransient = true;
    return spec;
}

WechatClient::CallSpec WechatClient::refundSpec(const RefundRequest& request) const {
    QJsonObject body;
    if (!request.outTradeNo.isEmpty())
        body.insert(QStringLiteral("out_trade_no"), request.outTradeNo);
    else
        body.insert(QStringLiteral("transaction_id"), request.providerTradeNo);
    // The stable refund number makes a repeat harmless (WeChat answers with the same
    // refund), which is what allows retrying a refund at all.
    body.insert(QStringLiteral("out_refund_no"), request.outRequestNo);
    if (!request.reason.isEmpty())
        body.insert(QStringLiteral("reason"), request.reason.left(kMaxReasonChars));
    if (!m_settings.notifyUrl.isEmpty())
        body.insert(QStringLiteral("notify_url"), m_settings.notifyUrl);
    body.insert(QStringLiteral("amount"),
                QJsonObject{{QStringLiteral("refund"), double(request.amountFen)},
                            {QStringLiteral("total"), double(request.tradeTotalFen)},
                            {QStringLiteral("currency"), QStringLiteral("CNY")}});
    CallSpec spec;
    spec.name = kRefund;
    spec.method = "POST";
    spec.pathQuery = "/v3/refund/domestic/refunds";
    spec.body = compact(body);
    spec.loggedBody = spec.body;
    spec.retryTransient = true;
    return spec;
}

// ---- the public calls

void WechatClient::createQrOrder(const QrOrderRequest& request, QObject* context,
                                 Completion<QrOrder> done) {
    std::optional<QString> problem = checkAmount(request.amountFen);
    if (!problem)
        problem = checkOutTradeNo(request.outTradeNo);
    if (!problem && request.subject.trimmed().isEmpty())
        problem = tr("the order has no description");
    if (problem) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<QrOrder>::refused(notSent(*problem)));
        return;
    }
    QJsonObject body{
        {QStringLiteral("appid"), m_settings.appId},
        {QStringLiteral("mchid"), m_settings.mchId},
        {QStringLiteral("description"), utf8Prefix(request.subject, kMaxDescriptionBytes)},
        {QStringLiteral("out_trade_no"), request.outTradeNo},
        {QStringLiteral("amount"), amountObject(request.amountFen)}};
    if (!m_settings.notifyUrl.isEmpty())
        body.insert(QStringLiteral("notify_url"), m_settings.notifyUrl);
    if (request.expiresAfterS > 0) {
        // WeChat stops accepting payment at time_expire, so a QR the till gave up on cannot
        // be paid later; the till also closes the order itself at its own expiry.
        // time_expire has whole seconds: round up, so it is never earlier than the till's own
        // deadline, nor already past when a short expiry reaches WeChat.
        const qint64 expiresMs = nowMs() + qint64(request.expiresAfterS) * 1000;
        body.insert(QStringLiteral("time_expire"), chinaRfc3339((expiresMs + 999) / 1000 * 1000));
    }
    if (!request.storeId.isEmpty() || !request.terminalId.isEmpty()) {
        QJsonObject scene;
        if (!request.terminalId.isEmpty())
            scene.insert(QStringLiteral("device_id"), request.terminalId);
        if (!request.storeId.isEmpty())
            scene.insert(QStringLiteral("store_info"),
                         QJsonObject{{QStringLiteral("id"), request.storeId}});
        body.insert(QStringLiteral("scene_info"), scene);
    }
    CallSpec spec;
    spec.name = kNative;
    spec.method = "POST";
    spec.pathQuery = "/v3/pay/transactions/native";
    spec.body = compact(body);
    spec.loggedBody = spec.body;
    spec.retryTransient = false; // a lost answer is Unknown: the engine queries
    runTyped<QrOrder>(std::move(spec), context, std::move(done),
                      [outTradeNo = request.outTradeNo](const WechatReply& reply) {
                          return answers::nativeOrder(reply, outTradeNo);
                      });
}

void WechatClient::payByCode(const PayByCodeRequest& request, QObject* context,
                             Completion<TradeSnapshot> done) {
    std::optional<QString> problem = checkAmount(request.amountFen);
    if (!problem)
        problem = checkOutTradeNo(request.outTradeNo);
    if (!problem && (request.subject.trimmed().isEmpty() || request.authCode.isEmpty()))
        problem = tr("the order's description or the payment code is empty");
    if (problem) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<TradeSnapshot>::refused(notSent(*problem)));
        return;
    }
    QJsonObject scene;
    if (!request.terminalId.isEmpty())
        scene.insert(QStringLiteral("device_id"), request.terminalId);
    if (!request.storeId.isEmpty())
        scene.insert(QStringLiteral("store_info"),
                     QJsonObject{{QStringLiteral("out_id"), request.storeId}});
    QJsonObject body{
        {QStringLiteral("appid"), m_settings.appId},
        {QStringLiteral("mchid"), m_settings.mchId},
        {QStringLiteral("description"), utf8Prefix(request.subject, kMaxDescriptionBytes)},
        {QStringLiteral("out_trade_no"), request.outTradeNo},
        {QStringLiteral("amount"), amountObject(request.amountFen)}};
    if (!scene.isEmpty())
        body.insert(QStringLiteral("scene_info"), scene);
    QJsonObject logged = body;
    logged.insert(QStringLiteral("payer"),
                  QJsonObject{{QStringLiteral("auth_code"), Redactor::mask()}});
    body.insert(QStringLiteral("payer"),
                QJsonObject{{QStringLiteral("auth_code"), request.authCode}});
    CallSpec spec;
    spec.name = kCodePay;
    spec.method = "POST";
    spec.pathQuery = "/v3/pay/transactions/codepay";
    spec.body = compact(body);
    spec.loggedBody = compact(logged);
    spec.retryTransient = false; // may charge the buyer: a lost answer is Unknown
    runTyped<TradeSnapshot>(std::move(spec), context, std::move(done),
                            [outTradeNo = request.outTradeNo](const WechatReply& reply) {
                                return answers::codePay(reply, outTradeNo);
                            });
}

void WechatClient::queryTrade(const TradeRef& trade, QObject* context,
                              Completion<TradeSnapshot> done) {
    if (trade.outTradeNo.isEmpty() && trade.providerTradeNo.isEmpty()) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<TradeSnapshot>::refused(notSent(tr("the order has no number"))));
        return;
    }
    runTyped<TradeSnapshot>(
        querySpec(trade), context, std::move(done),
        [trade](const WechatReply& reply) { return answers::transaction(reply, trade); });
}

void WechatClient::closeTrade(const TradeRef& trade, QObject* context,
                              Completion<CloseResult> done) {
    if (std::optional<QString> problem = checkOutTradeNo(trade.outTradeNo)) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<CloseResult>::refused(notSent(*problem)));
        return;
    }
    runTyped<CloseResult>(
        closeSpec(trade), context, std::move(done),
        [trade](const WechatReply& reply) { return answers::close(reply, trade); });
}

void WechatClient::refund(const RefundRequest& request, QObject* context,
                          Completion<RefundResult> done) {
    std::optional<QString> problem = checkAmount(request.amountFen);
    if (!problem && request.outTradeNo.isEmpty() && request.providerTradeNo.isEmpty())
        problem = tr("the order has no number");
    if (!problem && (request.outRequestNo.isEmpty() || request.outRequestNo.size() > 64))
        problem = tr("the refund has no request number, or one longer than 64 characters");
    if (problem) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<RefundResult>::refused(notSent(*problem)));
        return;
    }
    if (request.tradeTotalFen <= 0 || request.tradeTotalFen < request.amountFen) {
        // WeChat needs the trade's whole amount with every refund; a caller that does not
        // give it (or gives less than the refund) is a programming error, not a refusal.
        deliverLater(
            context ? context : this, std::move(done),
            GatewayResult<RefundResult>::refused(notSent(tr("the order's total amount is missing"),
                                                         QStringLiteral("wechat.missing_total"))));
        return;
    }
    runTyped<RefundResult>(
        refundSpec(request), context, std::move(done),
        [request](const WechatReply& reply) { return answers::refund(reply, request); });
}

void WechatClient::queryRefund(const RefundQuery& query, QObject* context,
                               Completion<RefundQueryResult> done) {
    if (query.outRequestNo.isEmpty()) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<RefundQueryResult>::refused(
                         notSent(tr("the refund has no request number"))));
        return;
    }
    CallSpec spec;
    spec.name = kRefundQuery;
    spec.method = "GET";
    spec.pathQuery = "/v3/refund/domestic/refunds/" + pathPart(query.outRequestNo);
    spec.retryTransient = true;
    runTyped<RefundQueryResult>(
        std::move(spec), context, std::move(done),
        [query](const WechatReply& reply) { return answers::refundQuery(reply, query); });
}

void WechatClient::downloadBill(const BillRequest& request, QObject* context,
                                Completion<ProviderBill> done) {
    if (!request.date.isValid()) {
        deliverLater(
            context ? context : this, std::move(done),
            GatewayResult<ProviderBill>::refused(notSent(tr("the bill date is not valid"))));
        return;
    }
    if (request.period == BillRequest::Period::Month) {
        deliverLater(
            context ? context : this, std::move(done),
            GatewayResult<ProviderBill>::refused(Refused{
                QStringLiteral("local"), QStringLiteral("wechat.no_monthly_bill"), QString(),
                tr("WeChat Pay has no monthly trade bill. Download the bill of each "
                   "day instead.")}));
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
WechatClient::verifyNotification(const IncomingNotification& notification,
                                 const NotificationOrderLookup& lookup) const {
    Result<PaymentNotification> verified = m_notifications.verify(notification, lookup);
    if (!verified)
        qCWarning(lcWechat).noquote()
            << QStringLiteral("notification refused: %1 (%2)")
                   .arg(verified.error().code, Redactor::redact(verified.error().message));
    return verified;
}

NotificationReply WechatClient::notificationReply(bool accepted) const {
    return WechatNotificationVerifier::reply(accepted);
}

// ---- cancel: query, then close, reverse or refund as the trade's state requires

void WechatClient::cancelTrade(const TradeRef& trade, QObject* context,
                               Completion<CancelResult> done) {
    if (std::optional<QString> problem = checkOutTradeNo(trade.outTradeNo)) {
        deliverLater(context ? context : this, std::move(done),
                     GatewayResult<CancelResult>::refused(notSent(*problem)));
        return;
    }
    auto cancel = std::make_shared<Cancel>();
    cancel->trade = trade;
    cancel->context = context ? context : this;
    cancel->done = std::move(done);
    cancelStep(cancel);
}

void WechatClient::finishCancel(const std::shared_ptr<Cancel>& cancel,
                                GatewayResult<CancelResult> result) {
    if (cancel->context)
        deliver<CancelResult>(cancel->context.data(), cancel->done, std::move(result), kCancel);
}

void WechatClient::cancelStep(const std::shared_ptr<Cancel>& cancel) {
    ++cancel->round;
    run(querySpec(cancel->trade), [this, cancel](const WechatReply& queryReply) {
        GatewayResult<TradeSnapshot> queried = answers::transaction(queryReply, cancel->trade);
        if (!queried.isSuccess()) {
            finishCancel(cancel, GatewayResult<CancelResult>::from(queried));
            return;
        }
        const TradeSnapshot& s = queried.value();
        TradeRef trade = cancel->trade;
        if (!s.providerTradeNo.isEmpty())
            trade.providerTradeNo = s.providerTradeNo;
        auto result = [&trade](CancelAction action, std::optional<qint64> refundedAtMs,
                               const QJsonObject& fields) {
            return GatewayResult<CancelResult>::success(
                CancelResult{trade.outTradeNo, trade.providerTradeNo, action, refundedAtMs},
                fields);
        };
        if (s.state == TradeState::NotCreated) {
            finishCancel(cancel, result(CancelAction::NotCreatedAtProvider, std::nullopt,
                                        queried.providerFields()));
            return;
        }
        if (s.state == TradeState::Closed) {
            finishCancel(cancel,
                         result(CancelAction::Closed, std::nullopt, queried.providerFields()));
            return;
        }
        const bool paid = isPaidState(s.state);
        const bool codePay =
            queried.providerFields().value(u"trade_type").toString() == u"MICROPAY" ||
            s.providerState == u"USERPAYING";
        if (codePay) {
            // WeChat's reverse undoes a code pay whatever its state: closes it when unpaid,
            // refunds it when paid.
            run(reverseSpec(trade), [this, cancel, trade, paid](const WechatReply& reply) {
                finishCancel(cancel, answers::reverse(reply, trade, paid));
            });
            return;
        }
        if (!paid) {
            run(closeSpec(trade), [this, cancel, trade](const WechatReply& reply) {
                GatewayResult<CloseResult> closed = answers::close(reply, trade);
                if (closed.isRefused() && closed.refused().code == u"ORDERPAID" &&
                    cancel->round < 2) {
                    // Paid between the query and the close: start again, which refunds it.
                    cancelStep(cancel);
                    return;
                }
                if (!closed.isSuccess()) {
                    finishCancel(cancel, GatewayResult<CancelResult>::from(closed));
                    return;
                }
                finishCancel(cancel, GatewayResult<CancelResult>::success(
                                         CancelResult{trade.outTradeNo, trade.providerTradeNo,
                                                      closed.value().existedAtProvider
                                                          ? CancelAction::Closed
                                                          : CancelAction::NotCreatedAtProvider,
                                                      std::nullopt},
                                         closed.providerFields()));
            });
            return;
        }
        // A paid Native order: refund all of it. The refund number is fixed for the trade, so
        // repeating the cancel finds the same refund instead of refunding again.
        RefundRequest full;
        full.outTradeNo = trade.outTradeNo;
        full.providerTradeNo = trade.providerTradeNo;
        full.outRequestNo = trade.outTradeNo + u'C';
        full.amountFen = s.totalFen;
        full.tradeTotalFen = s.totalFen;
        full.reason = QStringLiteral("cancel");
        run(refundSpec(full), [this, cancel, trade, full](const WechatReply& reply) {
            GatewayResult<RefundResult> refunded = answers::refund(reply, full);
            // PROCESSING counts as refunded: WeChat accepted the refund and the money is on
            // its way back to the buyer; only its arrival is still pending.
            if (refunded.isSuccess() || (refunded.isInProgress() && reply.isSuccessStatus())) {
                finishCancel(cancel,
                             GatewayResult<CancelResult>::success(
                                 CancelResult{trade.outTradeNo, trade.providerTradeNo,
                                              CancelAction::Refunded,
                                              refunded.isSuccess() ? refunded.value().refundedAtMs
                                                                   : std::nullopt},
                                 refunded.providerFields()));
                return;
            }
            finishCancel(cancel, GatewayResult<CancelResult>::from(refunded));
        });
    });
}

// ---- the call machinery

template <typename T, typename Parse>
void WechatClient::runTyped(CallSpec spec, QObject* context, Completion<T> done, Parse parse) {
    QPointer<QObject> target(context ? context : this);
    const QString name = spec.name;
    run(std::move(spec), [this, target, done = std::move(done), parse = std::move(parse),
                          name](const WechatReply& reply) {
        if (!target)
            return; // the caller went away: nobody to tell
        deliver<T>(target.data(), done, parse(reply), name);
    });
}

template <typename T>
void WechatClient::deliver(QObject* context, Completion<T> done, GatewayResult<T> result,
                           const QString& name) {
    switch (result.kind()) {
    case OutcomeKind::Success:
        qCDebug(lcWechat).noquote() << name << "succeeded";
        break;
    case OutcomeKind::InProgress:
        qCInfo(lcWechat).noquote() << name << "is in progress at WeChat Pay";
        break;
    case OutcomeKind::Refused:
        qCInfo(lcWechat).noquote()
            << QStringLiteral("%1 refused: %2 %3 %4")
                   .arg(name, result.refused().code, result.refused().subCode,
                        result.refused().providerMessage);
        break;
    case OutcomeKind::Unknown:
        qCWarning(lcWechat).noquote()
            << QStringLiteral("%1 outcome unknown: %2 %3")
                   .arg(name, result.unknown().reason.code,
                        Redactor::redact(result.unknown().reason.message));
        break;
    }
    deliverLater(context, std::move(done), std::move(result));
}

void WechatClient::run(CallSpec spec, ReplyHandler handler) {
    auto call = std::make_shared<Call>();
    call->spec = std::move(spec);
    call->handler = std::move(handler);
    if (call->spec.sharedClock.isValid())
        call->clock = call->spec.sharedClock;
    else
        call->clock.start();
    startAttempt(call);
}

Unknown WechatClient::unreachable() const {
    return Unknown{Error{QString::fromLatin1(errc::unreachable),
                         tr("WeChat Pay is not reachable; payments will be checked again when "
                            "it is back (next try in about %1 s).")
                             .arg((m_settings.breaker.coolDown.count() + 999) / 1000)}};
}

QUrl WechatClient::urlFor(const QByteArray& pathQuery) const {
    QByteArray base = m_settings.gatewayUrl.toEncoded(
        QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
    while (base.endsWith('/'))
        base.chop(1);
    return QUrl::fromEncoded(base + pathQuery, QUrl::StrictMode);
}

Result<QNetworkRequest> WechatClient::signedRequest(const QUrl& url, const QByteArray& method,
                                                    const QByteArray& body) const {
    // The signed path and query are exactly those on the request line.
    const QByteArray pathQuery =
        url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    Result<QString> nonce = crypto::randomAlphanumeric(kNonceLength);
    if (!nonce)
        return nonce.error();
    Result<QByteArray> authorization =
        signRequest(m_settings.merchantPrivateKey, m_settings.mchId, m_settings.merchantSerialNo,
                    method, pathQuery, nowMs() / 1000, nonce->toLatin1(), body);
    if (!authorization)
        return authorization.error();
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", *authorization);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("User-Agent", "qpos WeChat Pay APIv3 client");
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    return request;
}

void WechatClient::startAttempt(const std::shared_ptr<Call>& call) {
    ++call->attempt;
    // Sign before asking the breaker, so a half-open probe slot is never taken by a request
    // that then is not sent.
    const QUrl url = urlFor(call->spec.pathQuery);
    Result<QNetworkRequest> request =
        url.isValid() ? signedRequest(url, call->spec.method, call->spec.body)
                      : Result<QNetworkRequest>(Error{QString::fromLatin1(errc::notSent),
                                                      tr("the request address is not valid")});
    if (!request) {
        call->handler(WechatReply::failed(
            Error{QString::fromLatin1(errc::notSent), request.error().message}, false));
        return;
    }
    if (!m_breaker->tryAcquire()) {
        WechatReply reply;
        reply.failure = unreachable();
        call->handler(reply);
        return;
    }
    qCDebug(lcWechat).noquote() << QStringLiteral("-> attempt %1: %2 %3 %4")
                                       .arg(call->attempt)
                                       .arg(QString::fromLatin1(call->spec.method),
                                            QString::fromUtf8(call->spec.pathQuery),
                                            clipped(Redactor::redact(
                                                QString::fromUtf8(call->spec.loggedBody))));
    const bool bounded = call->spec.retryTransient || call->spec.sharedClock.isValid();
    QNetworkReply* reply = call->spec.method == "GET" ? m_network->get(*request)
                                                      : m_network->post(*request, call->spec.body);
    send(reply, m_settings.retry.attemptTimeout(m_settings.requestTimeout, call->clock, bounded),
         m_settings.maxAnswerBytes,
         [this, call](QNetworkReply* finished) { finishAttempt(call, finished); });
}

QNetworkReply* WechatClient::send(QNetworkReply* reply, milliseconds timeout, qint64 maxBytes,
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

std::optional<WechatReply> WechatClient::transportFailure(QNetworkReply* reply,
                                                          bool countOnBreaker) {
    auto fail = [this, countOnBreaker](const char* code, const QString& message, bool transient,
                                       bool isTransportFailure) {
        if (countOnBreaker && isTransportFailure)
            m_breaker->recordFailure();
        else if (countOnBreaker)
            m_breaker->recordSuccess();
        return std::optional<WechatReply>(
            WechatReply::failed(Error{QString::fromLatin1(code), message}, transient));
    };
    const QString later = tr("The outcome is not known yet; the till will ask WeChat Pay again.");

    if (reply->property(kTimedOut).toBool())
        return fail(errc::timeout, tr("WeChat Pay did not answer in time.") + u' ' + later, true,
                    true);
    if (reply->property(kTooLarge).toBool())
        return fail(errc::answerTooLarge,
                    tr("WeChat Pay's answer was too large and was not read.") + u' ' + later, false,
                    false);
    const QNetworkReply::NetworkError error = reply->error();
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (error == QNetworkReply::SslHandshakeFailedError)
        return fail(errc::tlsFailed,
                    tr("The secure connection to WeChat Pay failed (%1). Check the till's clock "
                       "and network.")
                            .arg(reply->errorString()) +
                        u' ' + later,
                    false, true);
    // Codes below ContentAccessDenied are network and proxy failures: no complete answer.
    if ((error != QNetworkReply::NoError && error < QNetworkReply::ContentAccessDenied) ||
        !status.isValid())
        return fail(errc::connectionFailed,
                    tr("The connection to WeChat Pay failed (%1).").arg(reply->errorString()) +
                        u' ' + later,
                    true, true);
    return std::nullopt;
}

std::optional<Error> WechatClient::answerProblem(QNetworkReply* reply,
                                                 const QByteArray& body) const {
    const WechatpayHeaders headers{
        reply->rawHeader("Wechatpay-Timestamp"), reply->rawHeader("Wechatpay-Nonce"),
        reply->rawHeader("Wechatpay-Signature"), reply->rawHeader("Wechatpay-Serial")};
    auto badSignature = [](const QString& why) {
        return Error{QStringLiteral("wechat.bad_signature"),
                     tr("WeChat Pay's answer could not be verified (%1), so it was not "
                        "trusted. The order will be checked again.")
                         .arg(why)};
    };
    if (headers.timestamp.isEmpty() || headers.nonce.isEmpty() || headers.signature.isEmpty() ||
        headers.serial.isEmpty())
        return badSignature(tr("it carries no WeChat Pay signature"));
    const QString serial = QString::fromLatin1(headers.serial);
    const WechatPlatformKey* key = nullptr;
    for (const WechatPlatformKey& candidate : m_settings.platformKeys) {
        if (candidate.id.compare(serial, Qt::CaseInsensitive) == 0)
            key = &candidate;
    }
    if (!key)
        return badSignature(
            tr("it is signed with a key the till does not know, %1; if WeChat Pay changed its "
               "key, ask IT to update [wechat] wechatpay_public_key")
                .arg(Redactor::redact(serial.left(64))));
    bool numeric = false;
    const qint64 timestampS = headers.timestamp.toLongLong(&numeric);
    if (!numeric)
        return badSignature(tr("its timestamp is not a number"));
    const qint64 skewS = qAbs(nowMs() / 1000 - timestampS);
    if (skewS > m_settings.maxClockSkew.count())
        return Error{QStringLiteral("wechat.stale_answer"),
                     tr("WeChat Pay's answer is dated %1 s away from this till's clock, so it "
                        "was not trusted (a replay, or the till's clock is wrong). The order "
                        "will be checked again.")
                         .arg(skewS)};
    if (!verifyAnswerSignature(key->key, headers, body))
        return badSignature(tr("the signature does not match"));
    return std::nullopt;
}

void WechatClient::finishAttempt(const std::shared_ptr<Call>& call, QNetworkReply* reply) {
    WechatReply result;
    if (std::optional<WechatReply> failure = transportFailure(reply, true)) {
        result = std::move(*failure);
    } else {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        qCDebug(lcWechat).noquote() << QStringLiteral("<- %1 HTTP %2: %3")
                                           .arg(call->spec.name)
                                           .arg(status)
                                           .arg(clipped(Redactor::redact(QString::fromUtf8(body))));
        if (status >= 500) {
            // WeChat failed: nothing is known whatever the body says.
            m_breaker->recordFailure();
            result = WechatReply::failed(
                Error{QString::fromLatin1(errc::httpStatus),
                      tr("WeChat Pay's server answered HTTP %1.").arg(status) + u' ' +
                          tr("The outcome is not known yet; the till will ask WeChat Pay "
                             "again.")},
                true);
        } else {
            m_breaker->recordSuccess(); // an answer arrived: the network works
            if (std::optional<Error> problem = answerProblem(reply, body)) {
                result = WechatReply::failed(*problem, false);
            } else {
                QJsonParseError parseError{};
                const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
                if (!body.trimmed().isEmpty() && !document.isObject()) {
                    result = WechatReply::failed(
                        Error{QStringLiteral("wechat.malformed_answer"),
                              tr("WeChat Pay's signed answer is not JSON. Nothing was assumed; "
                                 "the till will ask WeChat Pay again.")},
                        false);
                } else {
                    result = WechatReply::answer(status, document.object());
                    if (!result.isSuccessStatus())
                        result.transient =
                            classifyWechatError(status, result.errorCode(),
                                                result.fields.value(u"message").toString())
                                .transient;
                }
            }
        }
    }
    if (result.transient && call->spec.retryTransient) {
        const QString why = result.failure ? result.failure->reason.code : result.errorCode();
        if (scheduleRetry(call, why))
            return;
    }
    call->handler(result);
}

bool WechatClient::scheduleRetry(const std::shared_ptr<Call>& call, const QString& why) {
    if (call->attempt >= m_settings.retry.maxAttempts || m_breaker->state() == CircuitState::Open)
        return false;
    const milliseconds delay = m_settings.retry.backoffBefore(call->attempt + 1, m_random);
    const qint64 left = m_settings.retry.deadline.count() - call->clock.elapsed();
    if (delay.count() + kShortestAttemptMs > left)
        return false;
    qCInfo(lcWechat).noquote() << QStringLiteral("%1 attempt %2 failed (%3); retrying in %4 ms")
                                      .arg(call->spec.name)
                                      .arg(call->attempt)
                                      .arg(why)
                                      .arg(delay.count());
    QTimer::singleShot(delay, this, [this, call] { startAttempt(call); });
    return true;
}

// ---- the bill: the link, then the file, retried as a whole

void WechatClient::billAttempt(const std::shared_ptr<Download>& download) {
    ++download->attempt;
    auto retryOrDeliver = [this, download](bool transient, GatewayResult<ProviderBill> result) {
        if (transient && download->attempt < m_settings.retry.maxAttempts &&
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
                                  kBill);
    };
    CallSpec spec;
    spec.name = kBill;
    spec.method = "GET";
    spec.pathQuery = "/v3/bill/tradebill?bill_date=" + billDate(download->request.date).toLatin1() +
                     "&bill_type=ALL&tar_type=GZIP";
    spec.sharedClock = download->clock;
    run(spec, [this, download, retryOrDeliver](const WechatReply& reply) {
        GatewayResult<answers::BillLink> link = answers::tradeBill(reply);
        if (!link.isSuccess()) {
            retryOrDeliver(reply.transient, GatewayResult<ProviderBill>::from(link));
            return;
        }
        const QUrl address = link.value().downloadUrl;
        // The download is signed like any request: it goes only to the gateway's own host.
        if (address.scheme() != m_settings.gatewayUrl.scheme() ||
            address.host().compare(m_settings.gatewayUrl.host(), Qt::CaseInsensitive) != 0 ||
            address.port(address.scheme() == u"https" ? 443 : 80) !=
                m_settings.gatewayUrl.port(m_settings.gatewayUrl.scheme() == u"https" ? 443 : 80)) {
            retryOrDeliver(false, GatewayResult<ProviderBill>::unknown(
                                      Error{QStringLiteral("wechat.bill_url_foreign"),
                                            tr("WeChat Pay gave a bill address on another host; "
                                               "the bill was not downloaded.")},
                                      link.providerFields()));
            return;
        }
        if (link.value().hashType.compare(u"SHA1", Qt::CaseInsensitive) != 0) {
            retryOrDeliver(false, GatewayResult<ProviderBill>::unknown(
                                      Error{QStringLiteral("wechat.bill_hash_unsupported"),
                                            tr("WeChat Pay gave the bill's digest as %1, which "
                                               "the till cannot check; the bill was not used.")
                                                .arg(link.value().hashType)},
                                      link.providerFields()));
            return;
        }
        Result<QNetworkRequest> request = signedRequest(address, "GET", QByteArray());
        if (!request) {
            retryOrDeliver(false, GatewayResult<ProviderBill>::unknown(request.error()));
            return;
        }
        qCDebug(lcWechat).noquote() << "-> bill download" << address.host();
        const QByteArray expectedHash = link.value().hashHex;
        send(m_network->get(*request),
             m_settings.retry.attemptTimeout(m_settings.requestTimeout, download->clock, true),
             m_settings.maxBillBytes,
             [this, retryOrDeliver, expectedHash](QNetworkReply* fileReply) {
                 if (std::optional<WechatReply> failure = transportFailure(fileReply, false)) {
                     retryOrDeliver(failure->transient,
                                    GatewayResult<ProviderBill>::unknown(*failure->failure));
                     return;
                 }
                 const int status =
                     fileReply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                 if (status < 200 || status >= 300) {
                     retryOrDeliver(
                         status >= 500 || status == 429,
                         GatewayResult<ProviderBill>::unknown(Error{
                             QString::fromLatin1(errc::httpStatus),
                             tr("WeChat Pay's bill download answered HTTP %1.").arg(status)}));
                     return;
                 }
                 // The file is not signed: its SHA1, given in the signed link answer, proves it.
                 const QByteArray file = fileReply->readAll();
                 if (QCryptographicHash::hash(file, QCryptographicHash::Sha1).toHex() !=
                     expectedHash) {
                     retryOrDeliver(true, GatewayResult<ProviderBill>::unknown(
                                              Error{QStringLiteral("wechat.bill_hash_mismatch"),
                                                    tr("The downloaded bill does not match the "
                                                       "digest WeChat Pay gave; it was not "
                                                       "used.")}));
                     return;
                 }
                 Result<QByteArray> csv = gunzip(file, m_settings.maxBillBytes);
                 if (!csv) {
                     retryOrDeliver(false, GatewayResult<ProviderBill>::unknown(csv.error()));
                     return;
                 }
                 Result<ProviderBill> bill = parseWechatBill(*csv);
                 if (!bill) {
                     retryOrDeliver(false, GatewayResult<ProviderBill>::unknown(bill.error()));
                     return;
                 }
                 qCInfo(lcWechat).noquote()
                     << QStringLiteral("trade bill: %1 lines").arg(bill->records.size());
                 retryOrDeliver(false, GatewayResult<ProviderBill>::success(std::move(*bill)));
             });
    });
}

} // namespace qpos::wechat
