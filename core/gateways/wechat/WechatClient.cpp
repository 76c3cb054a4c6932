#include "core/gateways/wechat/WechatClient.h"

#include "core/gateways/BillDownload.h"
#include "core/gateways/GatewayErrors.h"
#include "core/gateways/NotificationLog.h"
#include "core/gateways/RequestChecks.h"
#include "core/gateways/wechat/WechatAnswers.h"
#include "core/gateways/wechat/WechatBill.h"
#include "core/gateways/wechat/WechatTime.h"
#include "core/logging/LogCategories.h"
#include "core/logging/Redactor.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QPointer>

#include <algorithm>
#include <utility>

namespace qpos::wechat {

using namespace qpos::gateway;

namespace {

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

constexpr RequestChecks kChecks(RequestCheckTexts{
    "qpos::wechat::WechatClient",
    QT_TRANSLATE_NOOP("qpos::wechat::WechatClient", "The request was not sent to WeChat Pay: %1."),
    QT_TRANSLATE_NOOP("qpos::wechat::WechatClient", "the amount must be between 0.01 and %1 yuan"),
    QT_TRANSLATE_NOOP("qpos::wechat::WechatClient", "the order has no number"),
    QT_TRANSLATE_NOOP("qpos::wechat::WechatClient", "the bill date is not valid")});

// Every call but a query names the trade by the till's number, which WeChat limits to 32.
std::optional<QString> outTradeNoProblem(const QString& outTradeNo) {
    if (std::optional<QString> missing = kChecks.tradeProblem(TradeRef{outTradeNo, QString()}))
        return missing;
    if (outTradeNo.size() > 32)
        return QCoreApplication::translate("qpos::wechat::WechatClient",
                                           "the order number is longer than 32 characters");
    return std::nullopt;
}

QJsonObject amountObject(money::Fen total) {
    return QJsonObject{{QStringLiteral("total"), double(total)},
                       {QStringLiteral("currency"), QStringLiteral("CNY")}};
}

// WeChat Pay's words for what the shared runner finds, in this client's translation context.
HttpProvider wechatProvider(const WechatClientSettings& settings) {
    HttpCallTexts texts{
        WechatClient::tr("WeChat Pay is not reachable; payments will be checked again when "
                         "it is back (next try in about %1 s)."),
        WechatClient::tr("WeChat Pay did not answer in time."),
        WechatClient::tr("WeChat Pay's answer was too large and was not read."),
        WechatClient::tr("The secure connection to WeChat Pay failed (%1). Check the till's clock "
                         "and network."),
        WechatClient::tr("The connection to WeChat Pay failed (%1)."),
        WechatClient::tr("WeChat Pay's server answered HTTP %1."),
        WechatClient::tr("The outcome is not known yet; the till will ask WeChat Pay again.")};
    return httpProvider(QStringLiteral("WeChat Pay"), &lcWechat, std::move(texts), settings);
}

} // namespace

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
    , m_keyring(std::make_shared<WechatKeyring>(m_settings.platformKeys))
    , m_builder(WechatRequestBuilder::Identity{
          m_settings.gatewayUrl, m_settings.mchId, m_settings.merchantPrivateKey,
          m_settings.merchantSerialNo,
          [keyring = m_keyring, configured = m_settings.wechatpaySerial()] {
              const QString preferred = keyring->preferredSerial();
              return preferred.isEmpty() ? configured : preferred;
          }})
    , m_reader(m_keyring, m_settings.maxClockSkew)
    , m_notifications(
          m_settings.mchId, m_settings.appId, m_settings.apiV3Key, m_keyring,
          [this] { return nowMs(); }, m_settings.maxClockSkew)
    , m_calls(new HttpCallRunner(wechatProvider(m_settings), this)) {
    if (!m_settings.certificateDir.isEmpty())
        m_certificates = new WechatCertificateRefresher(
            m_settings, m_keyring, m_builder, *m_calls, [this] { return nowMs(); }, this);
    connect(&m_calls->breaker(), &CircuitBreaker::stateChanged, this,
            &WechatClient::circuitStateChanged);
}

// The runner, a child, aborts what is still in flight without calling anyone back.
WechatClient::~WechatClient() = default;

void WechatClient::setClock(std::function<qint64()> nowMs) {
    m_clock = std::move(nowMs);
}

qint64 WechatClient::nowMs() const {
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

// ---- the requests

WechatClient::CallSpec WechatClient::CallSpec::get(QString name, QByteArray pathQuery,
                                                   bool retryTransient) {
    CallSpec spec;
    spec.name = std::move(name);
    spec.method = "GET";
    spec.pathQuery = std::move(pathQuery);
    spec.retryTransient = retryTransient;
    return spec;
}

WechatClient::CallSpec WechatClient::CallSpec::post(QString name, QByteArray pathQuery,
                                                    const QJsonObject& body, bool retryTransient) {
    CallSpec spec = get(std::move(name), std::move(pathQuery), retryTransient);
    spec.method = "POST";
    spec.body = compact(body);
    spec.loggedBody = spec.body;
    return spec;
}

WechatClient::CallSpec WechatClient::querySpec(const TradeRef& trade) const {
    QByteArray pathQuery = trade.outTradeNo.isEmpty()
                               ? "/v3/pay/transactions/id/" + pathPart(trade.providerTradeNo)
                               : "/v3/pay/transactions/out-trade-no/" + pathPart(trade.outTradeNo);
    pathQuery += "?mchid=" + pathPart(m_settings.mchId);
    return CallSpec::get(kQuery, pathQuery, true);
}

WechatClient::CallSpec WechatClient::closeSpec(const TradeRef& trade) const {
    return CallSpec::post(
        kClose, "/v3/pay/transactions/out-trade-no/" + pathPart(trade.outTradeNo) + "/close",
        QJsonObject{{QStringLiteral("mchid"), m_settings.mchId}}, true);
}

WechatClient::CallSpec WechatClient::reverseSpec(const TradeRef& trade) const {
    // A reverse is idempotent: a second one of a reversed trade changes nothing.
    return CallSpec::post(
        kReverse, "/v3/pay/transactions/out-trade-no/" + pathPart(trade.outTradeNo) + "/reverse",
        QJsonObject{{QStringLiteral("appid"), m_settings.appId},
                    {QStringLiteral("mchid"), m_settings.mchId}},
        true);
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
    return CallSpec::post(kRefund, "/v3/refund/domestic/refunds", body, true);
}

// ---- the public calls

void WechatClient::createQrOrder(const QrOrderRequest& request, QObject* context,
                                 Completion<QrOrder> done) {
    std::optional<QString> problem = kChecks.amountProblem(request.amountFen);
    if (!problem)
        problem = outTradeNoProblem(request.outTradeNo);
    if (!problem && request.subject.trimmed().isEmpty())
        problem = tr("the order has no description");
    // WeChat requires notify_url with every Native order.
    if (!problem && m_settings.notifyUrl.isEmpty())
        problem = tr("no notification address is set; set [wechat] notify_url");
    if (problem) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    QJsonObject body{
        {QStringLiteral("appid"), m_settings.appId},
        {QStringLiteral("mchid"), m_settings.mchId},
        {QStringLiteral("description"), utf8Prefix(request.subject, kMaxDescriptionBytes)},
        {QStringLiteral("out_trade_no"), request.outTradeNo},
        {QStringLiteral("amount"), amountObject(request.amountFen)},
        {QStringLiteral("notify_url"), m_settings.notifyUrl}};
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
    // Sent once: a lost answer is Unknown, which the engine resolves by querying.
    m_calls->runTyped<QrOrder>(
        call(CallSpec::post(kNative, "/v3/pay/transactions/native", body, false)), context,
        std::move(done), [outTradeNo = request.outTradeNo](const WechatReply& reply) {
            return answers::nativeOrder(reply, outTradeNo);
        });
}

void WechatClient::payByCode(const PayByCodeRequest& request, QObject* context,
                             Completion<TradeSnapshot> done) {
    std::optional<QString> problem = kChecks.amountProblem(request.amountFen);
    if (!problem)
        problem = outTradeNoProblem(request.outTradeNo);
    if (!problem && (request.subject.trimmed().isEmpty() || request.authCode.isEmpty()))
        problem = tr("the order's description or the payment code is empty");
    // WeChat requires scene_info.store_info.out_id with every code pay.
    if (!problem && request.storeId.isEmpty())
        problem = tr("the store id is missing; set [store] id");
    if (problem) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    QJsonObject scene{
        {QStringLiteral("store_info"), QJsonObject{{QStringLiteral("out_id"), request.storeId}}}};
    if (!request.terminalId.isEmpty())
        scene.insert(QStringLiteral("device_id"), request.terminalId);
    QJsonObject body{
        {QStringLiteral("appid"), m_settings.appId},
        {QStringLiteral("mchid"), m_settings.mchId},
        {QStringLiteral("description"), utf8Prefix(request.subject, kMaxDescriptionBytes)},
        {QStringLiteral("out_trade_no"), request.outTradeNo},
        {QStringLiteral("amount"), amountObject(request.amountFen)},
        {QStringLiteral("scene_info"), scene}};
    QJsonObject logged = body;
    logged.insert(QStringLiteral("payer"),
                  QJsonObject{{QStringLiteral("auth_code"), Redactor::mask()}});
    body.insert(QStringLiteral("payer"),
                QJsonObject{{QStringLiteral("auth_code"), request.authCode}});
    // Sent once: it may charge the buyer, so a lost answer is Unknown.
    CallSpec spec = CallSpec::post(kCodePay, "/v3/pay/transactions/codepay", body, false);
    spec.loggedBody = compact(logged);
    m_calls->runTyped<TradeSnapshot>(call(std::move(spec)), context, std::move(done),
                                     [outTradeNo = request.outTradeNo](const WechatReply& reply) {
                                         return answers::codePay(reply, outTradeNo);
                                     });
}

void WechatClient::queryTrade(const TradeRef& trade, QObject* context,
                              Completion<TradeSnapshot> done) {
    if (std::optional<QString> problem = kChecks.tradeProblem(trade)) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    m_calls->runTyped<TradeSnapshot>(
        call(querySpec(trade)), context, std::move(done),
        [trade](const WechatReply& reply) { return answers::transaction(reply, trade); });
}

void WechatClient::closeTrade(const TradeRef& trade, QObject* context,
                              Completion<CloseResult> done) {
    if (std::optional<QString> problem = outTradeNoProblem(trade.outTradeNo)) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    m_calls->runTyped<CloseResult>(
        call(closeSpec(trade)), context, std::move(done),
        [trade](const WechatReply& reply) { return answers::close(reply, trade); });
}

void WechatClient::refund(const RefundRequest& request, QObject* context,
                          Completion<RefundResult> done) {
    std::optional<QString> problem = kChecks.amountProblem(request.amountFen);
    if (!problem)
        problem = kChecks.tradeProblem(TradeRef{request.outTradeNo, request.providerTradeNo});
    if (!problem && (request.outRequestNo.isEmpty() || request.outRequestNo.size() > 64))
        problem = tr("the refund has no request number, or one longer than 64 characters");
    if (problem) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    if (request.tradeTotalFen <= 0 || request.tradeTotalFen < request.amountFen) {
        // WeChat needs the trade's whole amount with every refund; a caller that does not
        // give it (or gives less than the refund) is a programming error, not a refusal.
        m_calls->refuse(context, std::move(done),
                        kChecks.notSent(tr("the order's total amount is missing"),
                                        QStringLiteral("wechat.missing_total")));
        return;
    }
    m_calls->runTyped<RefundResult>(
        call(refundSpec(request)), context, std::move(done),
        [request](const WechatReply& reply) { return answers::refund(reply, request); });
}

void WechatClient::queryRefund(const RefundQuery& query, QObject* context,
                               Completion<RefundQueryResult> done) {
    if (query.outRequestNo.isEmpty()) {
        m_calls->refuse(context, std::move(done),
                        kChecks.notSent(tr("the refund has no request number")));
        return;
    }
    m_calls->runTyped<RefundQueryResult>(
        call(CallSpec::get(kRefundQuery,
                           "/v3/refund/domestic/refunds/" + pathPart(query.outRequestNo), true)),
        context, std::move(done),
        [query](const WechatReply& reply) { return answers::refundQuery(reply, query); });
}

void WechatClient::downloadBill(const BillRequest& request, QObject* context,
                                Completion<DownloadedBill> done) {
    if (std::optional<QString> problem = kChecks.billDateProblem(request)) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
        return;
    }
    if (request.period == BillRequest::Period::Month) {
        m_calls->refuse(context, std::move(done),
                        Refused{QStringLiteral("local"), QStringLiteral("wechat.no_monthly_bill"),
                                QString(),
                                tr("WeChat Pay has no monthly trade bill. Download the bill of "
                                   "each day instead.")});
        return;
    }
    const CallSpec linkQuery =
        CallSpec::get(kBill,
                      "/v3/bill/tradebill?bill_date=" + billDate(request.date).toLatin1() +
                          "&bill_type=ALL&tar_type=GZIP",
                      false);
    auto fileOf = [this](const GatewayResult<answers::BillLink>& link) -> GatewayResult<BillFile> {
        const QUrl address = link.value().downloadUrl;
        const QUrl& gateway = m_settings.gatewayUrl;
        // The download is signed like any request: it goes only to the gateway's own host.
        if (address.scheme() != gateway.scheme() ||
            address.host().compare(gateway.host(), Qt::CaseInsensitive) != 0 ||
            address.port(address.scheme() == u"https" ? 443 : 80) !=
                gateway.port(gateway.scheme() == u"https" ? 443 : 80))
            return GatewayResult<BillFile>::unknown(
                Error{QStringLiteral("wechat.bill_url_foreign"),
                      tr("WeChat Pay gave a bill address on another host; the bill was not "
                         "downloaded.")},
                link.providerFields());
        if (link.value().hashType.compare(u"SHA1", Qt::CaseInsensitive) != 0)
            return GatewayResult<BillFile>::unknown(
                Error{QStringLiteral("wechat.bill_hash_unsupported"),
                      tr("WeChat Pay gave the bill's digest as %1, which the till cannot check; "
                         "the bill was not used.")
                          .arg(link.value().hashType)},
                link.providerFields());
        Result<QNetworkRequest> file = m_builder.build(address, "GET", QByteArray(), nowMs());
        if (!file)
            return GatewayResult<BillFile>::unknown(file.error());
        // The file is not signed: its SHA1, given in the signed link answer, proves it. WeChat
        // digests the bill itself, not the gzip it is sent in (wechatpay-java QueryBillEntity:
        // "原始账单（gzip需要解压缩）的摘要值").
        auto unpack = [expectedHash = link.value().hashHex, maxBytes = m_settings.maxBillBytes](
                          const QByteArray& bytes) -> Result<QByteArray> {
            Result<QByteArray> csv = gunzip(bytes, maxBytes);
            if (!csv)
                return csv.error();
            if (QCryptographicHash::hash(*csv, QCryptographicHash::Sha1).toHex() != expectedHash)
                return Error{QStringLiteral("wechat.bill_hash_mismatch"),
                             tr("The downloaded bill does not match the digest WeChat Pay gave; "
                                "it was not used.")};
            return csv;
        };
        auto parse = [](const QByteArray& csv) -> Result<ProviderBill> {
            Result<ProviderBill> bill = parseWechatBill(csv);
            if (bill)
                qCInfo(lcWechat).noquote()
                    << QStringLiteral("trade bill: %1 lines").arg(bill->records.size());
            return bill;
        };
        return GatewayResult<BillFile>::success(BillFile{*file, unpack, parse});
    };
    auto fileStatusFailure = [](int status) {
        return HttpFailure{Error{QString::fromLatin1(errc::httpStatus),
                                 tr("WeChat Pay's bill download answered HTTP %1.").arg(status)},
                           status >= 500 || status == 429};
    };
    // STATEMENT_CREATING: the bill is being made (ask again, WeChat says half an hour later);
    // NO_STATEMENT_EXIST: there is none, no payment or refund that day (stop asking).
    auto availabilityOf = [](const Refused& refusal) -> std::optional<BillAvailability> {
        if (refusal.code == u"STATEMENT_CREATING")
            return BillAvailability::NotReadyYet;
        if (refusal.code == u"NO_STATEMENT_EXIST")
            return BillAvailability::NoBill;
        return std::nullopt;
    };
    runBillDownload(*m_calls, request, context, std::move(done),
                    BillSteps<WechatReply, answers::BillLink>{
                        call(linkQuery), answers::tradeBill, fileOf, availabilityOf,
                        fileStatusFailure, m_settings.maxBillBytes});
}

void WechatClient::warmUp() {
    m_calls->warmUp(m_settings.gatewayUrl);
}

Result<PaymentNotification>
WechatClient::verifyNotification(const IncomingNotification& notification,
                                 const NotificationOrderLookup& lookup) const {
    Result<PaymentNotification> verdict = m_notifications.verify(notification, lookup);
    // Refused now, and sent again by WeChat Pay: the certificate is there by then.
    if (!verdict && verdict.error().code == QLatin1String(notification_errc::unknownSerial) &&
        m_certificates)
        m_certificates->refreshForUnknownSerial({});
    return loggedNotificationVerdict(lcWechat, std::move(verdict));
}

void WechatClient::verifyNotificationLater(const IncomingNotification& notification,
                                           NotificationOrderLookup lookup, QObject* context,
                                           std::function<void(Result<PaymentNotification>)> done) {
    Result<PaymentNotification> verdict = m_notifications.verify(notification, lookup);
    if (verdict || verdict.error().code != QLatin1String(notification_errc::unknownSerial) ||
        !m_certificates) {
        deliverNotificationVerdict(context, std::move(done),
                                   loggedNotificationVerdict(lcWechat, std::move(verdict)));
        return;
    }
    QPointer<QObject> target(context ? context : this);
    m_certificates->refreshForUnknownSerial(
        [this, notification, lookup = std::move(lookup), target, done = std::move(done)] {
            if (!target)
                return;
            deliverNotificationVerdict(
                target.data(), done,
                loggedNotificationVerdict(lcWechat, m_notifications.verify(notification, lookup)));
        });
}

NotificationReply WechatClient::notificationReply(bool accepted) const {
    return WechatNotificationVerifier::reply(accepted);
}

// ---- cancel: query, then close, reverse or refund as the trade's state requires

void WechatClient::cancelTrade(const TradeRef& trade, QObject* context,
                               Completion<CancelResult> done) {
    if (std::optional<QString> problem = outTradeNoProblem(trade.outTradeNo)) {
        m_calls->refuse(context, std::move(done), kChecks.notSent(*problem));
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
        m_calls->deliver<CancelResult>(cancel->context.data(), cancel->done, std::move(result),
                                       kCancel);
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
            return GatewayResult<CancelResult>::success(CancelResult{trade.outTradeNo,
                                                                     trade.providerTradeNo, action,
                                                                     refundedAtMs, QString()},
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
                                                      std::nullopt, QString()},
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
            // Only SUCCESS proves the money went back. PROCESSING (it may still end CLOSED)
            // and ABNORMAL (WeChat holds it) name the refund to follow with refund queries.
            const bool done =
                refunded.isSuccess() && refunded.value().state == RefundState::Refunded;
            if (refunded.isSuccess() || (refunded.isInProgress() && reply.isSuccessStatus())) {
                CancelResult c{trade.outTradeNo, trade.providerTradeNo, CancelAction::Refunded,
                               done ? refunded.value().refundedAtMs : std::nullopt, QString()};
                if (!done)
                    c.pendingRefundNo = full.outRequestNo;
                finishCancel(cancel, GatewayResult<CancelResult>::success(
                                         std::move(c), refunded.providerFields()));
                return;
            }
            finishCancel(cancel, GatewayResult<CancelResult>::from(refunded));
        });
    });
}

// ---- WeChat's side of a call

void WechatClient::run(CallSpec spec, std::function<void(const WechatReply&)> handler) {
    m_calls->run<WechatReply>(call(std::move(spec)), std::move(handler));
}

HttpCall<WechatReply> WechatClient::call(CallSpec spec) const {
    auto prepare = [this, spec]() -> Result<HttpRequest> {
        Result<QNetworkRequest> request =
            m_builder.build(spec.method, spec.pathQuery, spec.body, nowMs());
        if (!request)
            return request.error();
        return HttpRequest{
            *request, spec.method, spec.body,
            WechatRequestBuilder::describe(spec.method, spec.pathQuery, spec.loggedBody)};
    };
    auto read = [this, name = spec.name](QNetworkReply* answer, int status) {
        const QByteArray body = answer->readAll();
        m_calls->logAnswer(QStringLiteral("%1 HTTP %2").arg(name).arg(status), body);
        // WeChat failed: nothing is known whatever the body says.
        if (status >= 500)
            return failedReply<WechatReply>(m_calls->statusFailure(status));
        return m_reader.read(status, WechatResponseReader::headersOf(*answer), body, nowMs());
    };
    auto answerCode = [](const WechatReply& reply) {
        return reply.errorCode();
    };
    // An answer signed with a certificate the till does not have: download the certificates,
    // then verify that same answer once more; still unknown, it stays an Unknown.
    auto recheck = [this](const WechatReply& reply, std::function<void(const WechatReply&)> next) {
        if (!reply.unknownKey || !m_certificates) {
            next(reply);
            return;
        }
        m_certificates->refreshForUnknownSerial(
            [this, unverified = reply.unknownKey, next = std::move(next)] {
                next(m_reader.read(unverified->httpStatus, unverified->headers, unverified->body,
                                   nowMs()));
            });
    };
    return HttpCall<WechatReply>{spec.name,          spec.retryTransient, {},
                                 std::move(prepare), std::move(read),     std::move(answerCode),
                                 std::move(recheck)};
}

} // namespace qpos::wechat
