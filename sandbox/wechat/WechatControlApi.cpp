#include "sandbox/wechat/WechatControlApi.h"

#include "sandbox/control/ControlApiSupport.h"
#include "sandbox/control/ProviderControlApi.h"
#include "sandbox/wechat/WechatJson.h"
#include "sandbox/wechat/WechatSimulator.h"

#include <QJsonArray>

namespace qpos::sandbox::wechat_control {

namespace {

QString time(qint64 ms) {
    return control_api::timeOrEmpty(ms, wechat_json::time);
}

// Refusals by WeChat's rules (ORDERPAID, ORDER_CLOSED...) are conflicts; the sandbox's own
// refusals are bad input.
bool isWechatRule(const QString& code) {
    return !code.startsWith(u"sandbox.");
}

QJsonObject merchantJson(const WechatMerchant& m) {
    return QJsonObject{{QStringLiteral("mchid"), m.mchId},
                       {QStringLiteral("appid"), m.appId},
                       {QStringLiteral("serial_no"), m.serialNo},
                       {QStringLiteral("notify_url"), m.notifyUrl}};
}

void registerMerchant(WechatSimulator& sim, const HttpExchange& ex, const QJsonObject& body) {
    auto refuse = [&ex](const Error& e) {
        control_api::replyRefusal(ex, e, isWechatRule(e.code));
    };
    const QString id = body.value(u"mchid").toString();
    // Only the notify_url of a known merchant may change without its keys.
    if (!body.contains(u"public_key") && sim.merchant(id)) {
        if (Status s = sim.setNotifyUrl(id, body.value(u"notify_url").toString()); !s)
            return refuse(s.error());
        return control_api::replyObject(ex, 200, merchantJson(*sim.merchant(id)));
    }
    const std::optional<crypto::RsaPublicKey> key = control_api::registeredKey(ex, body);
    if (!key)
        return;
    WechatMerchant m{id,
                     body.value(u"appid").toString(),
                     *key,
                     body.value(u"serial_no").toString(),
                     body.value(u"api_v3_key").toString().toUtf8(),
                     body.value(u"notify_url").toString()};
    if (Status s = sim.registerMerchant(m); !s)
        return refuse(s.error());
    control_api::replyObject(ex, 201, merchantJson(m));
}

} // namespace

QJsonObject tradeJson(const WechatTrade& t) {
    QJsonArray refunds;
    for (const WechatRefund& r : t.refunds)
        refunds.append(QJsonObject{{QStringLiteral("out_refund_no"), r.outRefundNo},
                                   {QStringLiteral("refund_id"), r.refundId},
                                   {QStringLiteral("refund"), r.amount},
                                   {QStringLiteral("status"), wechatRefundStatusName(r.status)},
                                   {QStringLiteral("create_time"), time(r.createdMs)},
                                   {QStringLiteral("success_time"), time(r.successMs)},
                                   {QStringLiteral("reason"), r.reason}});
    return QJsonObject{
        {QStringLiteral("mchid"), t.mchId},
        {QStringLiteral("appid"), t.appId},
        {QStringLiteral("out_trade_no"), t.outTradeNo},
        {QStringLiteral("transaction_id"), t.transactionId},
        {QStringLiteral("trade_type"), t.kind == WechatTrade::Kind::Native
                                           ? QStringLiteral("NATIVE")
                                           : QStringLiteral("MICROPAY")},
        {QStringLiteral("trade_state"), wechatTradeStateName(t.state)},
        {QStringLiteral("total"), t.total},
        {QStringLiteral("refunded"), t.refunded},
        {QStringLiteral("description"), t.description},
        {QStringLiteral("device_id"), t.deviceId},
        {QStringLiteral("store_id"), t.storeId},
        {QStringLiteral("code_url"), t.codeUrl},
        {QStringLiteral("notify_url"), t.notifyUrl},
        {QStringLiteral("create_time"), time(t.createdMs)},
        {QStringLiteral("success_time"), time(t.paidMs)},
        {QStringLiteral("close_time"), time(t.closedMs)},
        {QStringLiteral("time_expire"), time(t.expiresMs)},
        {QStringLiteral("refunds"), refunds},
    };
}

QJsonObject notificationJson(const WechatNotificationAttempt& a) {
    QJsonObject json = control_api::attemptJson(a, time(a.atMs));
    json.insert(QStringLiteral("id"), a.id);
    json.insert(QStringLiteral("mchid"), a.mchId);
    json.insert(QStringLiteral("out_trade_no"), a.outTradeNo);
    json.insert(QStringLiteral("out_refund_no"), a.outRefundNo);
    json.insert(QStringLiteral("event_type"), a.eventType);
    return json;
}

QJsonObject optionsJson(const WechatOptions& o) {
    QJsonObject json = control_api::sharedSettingsJson(o, wechatPayBehaviourName);
    json.insert(QStringLiteral("notify_request_url"), o.notifyRequestUrl);
    json.insert(QStringLiteral("refund_processing_ms"), o.refundProcessingMs);
    json.insert(QStringLiteral("refund_outcome"), o.refundOutcome);
    json.insert(QStringLiteral("code_url_base"), o.codeUrlBase);
    return json;
}

Result<WechatOptions> applyOptions(WechatOptions options, const QJsonObject& json) {
    using control_api::badSetting;
    auto applyOwn = [](WechatOptions& o, const QString& k,
                       const QJsonValue& v) -> std::optional<Status> {
        if (k == u"notify_request_url") {
            if (!control_api::readFlag(v, &o.notifyRequestUrl))
                return badSetting(k, QStringLiteral("true or false"));
        } else if (k == u"refund_processing_ms") {
            if (!control_api::readWhole(v, 0, 86400000, &o.refundProcessingMs))
                return badSetting(k, QStringLiteral("0..86400000"));
        } else if (k == u"refund_outcome") {
            const std::optional<WechatRefundStatus> end = wechatRefundStatusFromName(v.toString());
            if (!end || *end == WechatRefundStatus::Processing)
                return badSetting(k, QStringLiteral("SUCCESS, ABNORMAL or CLOSED"));
            o.refundOutcome = v.toString();
        } else if (k == u"code_url_base") {
            if (!v.isString() || v.toString().isEmpty())
                return badSetting(k, QStringLiteral("a URL prefix"));
            o.codeUrlBase = v.toString();
        } else {
            return std::nullopt;
        }
        return Status::success();
    };
    return control_api::applySettings(options, json, parseWechatPayBehaviour, applyOwn);
}

// The platform certificates GET /v3/certificates lists, oldest first.
QJsonArray certificatesJson(const WechatSimulator& simulator) {
    QJsonArray out;
    for (const crypto::X509Certificate& c : simulator.platformCertificates())
        out.append(
            QJsonObject{{QStringLiteral("serial_no"), c.serialHex()},
                        {QStringLiteral("effective_time"), time(c.notBefore().toMSecsSinceEpoch())},
                        {QStringLiteral("expire_time"), time(c.notAfter().toMSecsSinceEpoch())},
                        {QStringLiteral("pem"), QString::fromLatin1(c.toPem())}});
    return out;
}

QJsonObject overview(const WechatSimulator& simulator) {
    QJsonArray merchants;
    for (const WechatMerchant& m : simulator.merchants())
        merchants.append(merchantJson(m));
    return QJsonObject{
        {QStringLiteral("gateway_url"), simulator.baseUrl().toString()},
        {QStringLiteral("wechatpay_public_key_id"), simulator.platformKeyId()},
        {QStringLiteral("wechatpay_public_key_pem"),
         QString::fromLatin1(simulator.platformPublicKey().toPem())},
        {QStringLiteral("migration_mode"), simulator.migrationMode()},
        {QStringLiteral("certificate_mode"), simulator.certificateMode()},
        {QStringLiteral("platform_certificates"), certificatesJson(simulator)},
        {QStringLiteral("platform_certificate_serial"),
         simulator.platformCertificate().serialHex()},
        {QStringLiteral("platform_certificate_pem"),
         QString::fromLatin1(simulator.platformCertificate().toPem())},
        {QStringLiteral("merchants"), merchants},
        {QStringLiteral("settings"), optionsJson(simulator.options())},
        {QStringLiteral("pending_notifications"), simulator.pendingNotifications()},
    };
}

void handle(WechatSimulator& simulator, const HttpExchange& exchange) {
    // POST /sandbox/wechat/migration: a platform certificate beside the public key.
    const control_api::ControlRequest request =
        control_api::readRequest(exchange, QStringLiteral("/sandbox/wechat"), QString());
    // GET, POST /sandbox/wechat/certificates: the platform certificates; POST turns on
    // certificate mode. POST /sandbox/wechat/certificates/rotate: WeChat renews its certificate.
    if (request.area == u"certificates") {
        const bool rotate = request.parts.size() == 2 && request.parts.at(1) == u"rotate";
        if (!((request.parts.size() == 1 && (request.get || request.post)) ||
              (rotate && request.post)))
            return control_api::replyNoEndpoint(exchange);
        if (rotate) {
            if (Result<crypto::X509Certificate> c = simulator.rotatePlatformCertificate(); !c)
                return control_api::replyRefusal(exchange, c.error(), false);
        } else if (request.post) {
            if (Status s = simulator.enableCertificateMode(); !s)
                return control_api::replyRefusal(exchange, s.error(), false);
        }
        return control_api::replyObject(exchange, 200, overview(simulator));
    }
    if (request.area == u"migration") {
        if (request.parts.size() != 1 || !request.post)
            return control_api::replyNoEndpoint(exchange);
        if (Status s = simulator.enableMigrationMode(); !s)
            return control_api::replyRefusal(exchange, s.error(), false);
        return control_api::replyObject(exchange, 200, overview(simulator));
    }
    const control_api::ProviderControl<WechatSimulator, WechatTrade, WechatOptions,
                                       WechatNotificationAttempt>
        control{
            QStringLiteral("/sandbox/wechat"),
            QStringLiteral("mchid"),
            isWechatRule,
            overview,
            QStringLiteral("merchants"),
            registerMerchant,
            applyOptions,
            optionsJson,
            notificationJson,
            tradeJson,
            QStringLiteral("No WeChat Pay order %1."),
            {{QStringLiteral("pay"), &WechatSimulator::buyerPay},
             {QStringLiteral("cancel"), &WechatSimulator::buyerCancel},
             {QStringLiteral("expire"), &WechatSimulator::expire}},
            QStringLiteral("code"),
            &WechatSimulator::tradeByCodeUrl,
            QStringLiteral("No WeChat Pay order has that code_url."),
            {{QStringLiteral("pay"), &WechatSimulator::payCodeUrl},
             {QStringLiteral("cancel"), &WechatSimulator::cancelCodeUrl}},
        };
    control_api::handleProviderRequest(simulator, exchange, control);
}

} // namespace qpos::sandbox::wechat_control
