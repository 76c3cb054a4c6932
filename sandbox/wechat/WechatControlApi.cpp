#include "sandbox/wechat/WechatControlApi.h"

#include "sandbox/control/ControlApiSupport.h"
#include "sandbox/wechat/WechatJson.h"
#include "sandbox/wechat/WechatSimulator.h"

#include <QJsonArray>

namespace qpos::sandbox::wechat_control {

namespace {

QString time(qint64 ms) {
    return ms > 0 ? wechat_json::time(ms) : QString();
}

void replyError(const HttpExchange& ex, const Error& e) {
    // Refusals by WeChat's rules (ORDERPAID, ORDER_CLOSED...) are conflicts; unknown orders
    // are not found; the rest is bad input.
    const int status = e.code == u"sandbox.not_found"                                     ? 404
                       : e.code.startsWith(u"sandbox.") && e.code != u"sandbox.ambiguous" ? 400
                                                                                          : 409;
    control_api::replyError(ex, status, e.code, e.message);
}

void replyTrade(const HttpExchange& ex, const Result<WechatTrade>& r) {
    if (!r)
        replyError(ex, r.error());
    else
        control_api::replyObject(ex, 200, tradeJson(*r));
}

QJsonObject merchantJson(const WechatMerchant& m) {
    return QJsonObject{{QStringLiteral("mchid"), m.mchId},
                       {QStringLiteral("appid"), m.appId},
                       {QStringLiteral("serial_no"), m.serialNo},
                       {QStringLiteral("notify_url"), m.notifyUrl}};
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

QJsonObject overview(const WechatSimulator& simulator) {
    QJsonArray merchants;
    for (const WechatMerchant& m : simulator.merchants())
        merchants.append(merchantJson(m));
    return QJsonObject{
        {QStringLiteral("gateway_url"), simulator.baseUrl().toString()},
        {QStringLiteral("wechatpay_public_key_id"), simulator.platformKeyId()},
        {QStringLiteral("wechatpay_public_key_pem"),
         QString::fromLatin1(simulator.platformPublicKey().toPem())},
        {QStringLiteral("merchants"), merchants},
        {QStringLiteral("settings"), optionsJson(simulator.options())},
        {QStringLiteral("pending_notifications"), simulator.pendingNotifications()},
    };
}

void handle(WechatSimulator& sim, const HttpExchange& ex) {
    using control_api::bodyObject;
    using control_api::replyList;
    using control_api::replyObject;
    const control_api::ControlRequest r =
        control_api::readRequest(ex, QStringLiteral("/sandbox/wechat"), QStringLiteral("mchid"));
    const QStringList& parts = r.parts;

    if (parts.isEmpty() && r.get)
        return replyObject(ex, 200, overview(sim));
    if (r.area == u"merchants" && parts.size() == 1) {
        if (r.get)
            return replyObject(
                ex, 200,
                QJsonObject{{QStringLiteral("merchants"), overview(sim).value(u"merchants")}});
        if (r.post) {
            const std::optional<QJsonObject> body = bodyObject(ex);
            if (!body)
                return;
            const QString id = body->value(u"mchid").toString();
            // Only the notify_url of a known merchant may change without its keys.
            if (!body->contains(u"public_key") && sim.merchant(id)) {
                if (Status s = sim.setNotifyUrl(id, body->value(u"notify_url").toString()); !s)
                    return replyError(ex, s.error());
                return replyObject(ex, 200, merchantJson(*sim.merchant(id)));
            }
            Result<crypto::RsaPublicKey> key =
                crypto::RsaPublicKey::fromText(body->value(u"public_key").toString().toUtf8());
            if (!key)
                return control_api::replyError(ex, 400, key.error().code, key.error().message);
            WechatMerchant m{id,
                             body->value(u"appid").toString(),
                             *key,
                             body->value(u"serial_no").toString(),
                             body->value(u"api_v3_key").toString().toUtf8(),
                             body->value(u"notify_url").toString()};
            if (Status s = sim.registerMerchant(m); !s)
                return replyError(ex, s.error());
            return replyObject(ex, 201, merchantJson(m));
        }
    }
    if (r.area == u"settings" && parts.size() == 1 && (r.get || r.post))
        return control_api::handleSettings(
            sim, ex, applyOptions, optionsJson,
            [](const HttpExchange& e, const Error& error) { replyError(e, error); });
    if (r.area == u"notifications" && parts.size() == 1 && r.get)
        return replyList(ex, QStringLiteral("notifications"), sim.notifications(),
                         notificationJson);
    if (r.area == u"trades") {
        if (parts.size() == 1 && r.get)
            return replyList(ex, QStringLiteral("trades"), sim.trades(r.owner), tradeJson);
        const QString no = parts.value(1);
        if (parts.size() == 2 && r.get) {
            if (const std::optional<WechatTrade> t = sim.trade(no, r.owner))
                return replyObject(ex, 200, tradeJson(*t));
            return control_api::replyError(ex, 404, QStringLiteral("sandbox.not_found"),
                                           QStringLiteral("No WeChat Pay order %1.").arg(no));
        }
        if (parts.size() == 3 && r.post) {
            const QString action = parts.value(2);
            if (action == u"pay")
                return replyTrade(ex, sim.buyerPay(no, r.owner));
            if (action == u"cancel")
                return replyTrade(ex, sim.buyerCancel(no, r.owner));
            if (action == u"expire")
                return replyTrade(ex, sim.expire(no, r.owner));
        }
    }
    if (r.area == u"code" && parts.size() >= 2) {
        const QString token = parts.value(1);
        if (parts.size() == 2 && r.get) {
            if (const std::optional<WechatTrade> t = sim.tradeByCodeUrl(token))
                return replyObject(ex, 200, tradeJson(*t));
            return control_api::replyError(
                ex, 404, QStringLiteral("sandbox.not_found"),
                QStringLiteral("No WeChat Pay order has that code_url."));
        }
        if (parts.size() == 3 && r.post && parts.value(2) == u"pay")
            return replyTrade(ex, sim.payCodeUrl(token));
        if (parts.size() == 3 && r.post && parts.value(2) == u"cancel")
            return replyTrade(ex, sim.cancelCodeUrl(token));
    }
    control_api::replyNoEndpoint(ex);
}

} // namespace qpos::sandbox::wechat_control
