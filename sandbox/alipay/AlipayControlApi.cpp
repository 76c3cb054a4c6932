#include "sandbox/alipay/AlipayControlApi.h"

#include "core/calendar/ChinaCalendar.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/control/ControlApiSupport.h"

#include <QJsonArray>

namespace qpos::sandbox::alipay_control {

namespace {

QString time(qint64 ms) {
    return ms > 0 ? china_calendar::formatTimestamp(ms) : QString();
}

void replyError(const HttpExchange& ex, const Error& e) {
    // Refusals by Alipay's rules (ACQ.*) are conflicts; unknown orders are not found.
    const int status = e.code == u"sandbox.not_found"                                 ? 404
                       : e.code.startsWith(u"ACQ.") || e.code == u"sandbox.ambiguous" ? 409
                                                                                      : 400;
    control_api::replyError(ex, status, e.code, e.message);
}

void replyTrade(const HttpExchange& ex, const Result<AlipayTrade>& r) {
    if (!r)
        replyError(ex, r.error());
    else
        control_api::replyObject(ex, 200, tradeJson(*r));
}

} // namespace

QJsonObject tradeJson(const AlipayTrade& t) {
    QJsonArray refunds;
    for (const AlipayRefund& r : t.refunds)
        refunds.append(QJsonObject{{QStringLiteral("out_request_no"), r.outRequestNo},
                                   {QStringLiteral("refund_amount"), money::formatYuan(r.amount)},
                                   {QStringLiteral("gmt_refund"), time(r.atMs)},
                                   {QStringLiteral("refund_reason"), r.reason}});
    return QJsonObject{
        {QStringLiteral("app_id"), t.appId},
        {QStringLiteral("out_trade_no"), t.outTradeNo},
        {QStringLiteral("trade_no"), t.tradeNo},
        {QStringLiteral("kind"), t.kind == AlipayTrade::Kind::QrCode ? QStringLiteral("qr_code")
                                                                     : QStringLiteral("bar_code")},
        {QStringLiteral("status"), alipayTradeStatusName(t.status)},
        {QStringLiteral("visible_to_query"), t.exists()},
        {QStringLiteral("total_amount"), money::formatYuan(t.total)},
        {QStringLiteral("refunded_amount"), money::formatYuan(t.refunded)},
        {QStringLiteral("subject"), t.subject},
        {QStringLiteral("store_id"), t.storeId},
        {QStringLiteral("terminal_id"), t.terminalId},
        {QStringLiteral("qr_code"), t.qrCode},
        {QStringLiteral("notify_url"), t.notifyUrl},
        {QStringLiteral("buyer_logon_id"), t.buyerLogonId},
        {QStringLiteral("gmt_create"), time(t.createdMs)},
        {QStringLiteral("gmt_payment"), time(t.paidMs)},
        {QStringLiteral("gmt_close"), time(t.closedMs)},
        {QStringLiteral("time_expire"), time(t.expiresMs)},
        {QStringLiteral("refunds"), refunds},
    };
}

QJsonObject notificationJson(const AlipayNotificationAttempt& a) {
    QJsonObject json = control_api::attemptJson(a, time(a.atMs));
    json.insert(QStringLiteral("notify_id"), a.notifyId);
    json.insert(QStringLiteral("app_id"), a.appId);
    json.insert(QStringLiteral("out_trade_no"), a.outTradeNo);
    json.insert(QStringLiteral("trade_status"), a.tradeStatus);
    return json;
}

QJsonObject optionsJson(const AlipayOptions& o) {
    QJsonObject json = control_api::sharedSettingsJson(o, alipayPayBehaviourName);
    json.insert(QStringLiteral("notify_wait_buyer_pay"), o.notifyWaitBuyerPay);
    json.insert(QStringLiteral("qr_base_url"), o.qrBaseUrl);
    return json;
}

Result<AlipayOptions> applyOptions(AlipayOptions options, const QJsonObject& json) {
    using control_api::badSetting;
    auto applyOwn = [](AlipayOptions& o, const QString& k,
                       const QJsonValue& v) -> std::optional<Status> {
        if (k == u"notify_wait_buyer_pay") {
            if (!control_api::readFlag(v, &o.notifyWaitBuyerPay))
                return badSetting(k, QStringLiteral("true or false"));
        } else if (k == u"qr_base_url") {
            if (!v.isString() || v.toString().isEmpty())
                return badSetting(k, QStringLiteral("a URL prefix"));
            o.qrBaseUrl = v.toString();
        } else {
            return std::nullopt;
        }
        return Status::success();
    };
    return control_api::applySettings(options, json, parseAlipayPayBehaviour, applyOwn);
}

QJsonObject overview(const AlipaySimulator& simulator) {
    QJsonArray apps;
    for (const AlipayApp& app : simulator.apps())
        apps.append(
            QJsonObject{{QStringLiteral("app_id"), app.appId}, {QStringLiteral("pid"), app.pid}});
    return QJsonObject{
        {QStringLiteral("gateway_url"), simulator.gatewayUrl().toString()},
        {QStringLiteral("alipay_public_key"),
         QString::fromLatin1(simulator.alipayPublicKey().toBase64())},
        {QStringLiteral("alipay_public_key_pem"),
         QString::fromLatin1(simulator.alipayPublicKey().toPem())},
        {QStringLiteral("apps"), apps},
        {QStringLiteral("settings"), optionsJson(simulator.options())},
        {QStringLiteral("pending_notifications"), simulator.pendingNotifications()},
    };
}

void handle(AlipaySimulator& sim, const HttpExchange& ex) {
    using control_api::bodyObject;
    using control_api::replyList;
    using control_api::replyObject;
    const control_api::ControlRequest r =
        control_api::readRequest(ex, QStringLiteral("/sandbox/alipay"), QStringLiteral("app_id"));
    const QStringList& parts = r.parts;

    if (parts.isEmpty() && r.get)
        return replyObject(ex, 200, overview(sim));
    if (r.area == u"apps" && parts.size() == 1) {
        if (r.get)
            return replyObject(ex, 200,
                               QJsonObject{{QStringLiteral("apps"), overview(sim).value(u"apps")}});
        if (r.post) {
            const std::optional<QJsonObject> body = bodyObject(ex);
            if (!body)
                return;
            Result<crypto::RsaPublicKey> key =
                crypto::RsaPublicKey::fromText(body->value(u"public_key").toString().toUtf8());
            if (!key)
                return control_api::replyError(ex, 400, key.error().code, key.error().message);
            const QString id = body->value(u"app_id").toString();
            if (Status s = sim.registerApp(id, *key, body->value(u"pid").toString()); !s)
                return replyError(ex, s.error());
            return replyObject(ex, 201, QJsonObject{{QStringLiteral("app_id"), id}});
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
            if (const std::optional<AlipayTrade> t = sim.trade(no, r.owner))
                return replyObject(ex, 200, tradeJson(*t));
            return control_api::replyError(ex, 404, QStringLiteral("sandbox.not_found"),
                                           QStringLiteral("No Alipay order %1.").arg(no));
        }
        if (parts.size() == 3 && r.post) {
            const QString action = parts.value(2);
            if (action == u"scan")
                return replyTrade(ex, sim.buyerScan(no, r.owner));
            if (action == u"pay")
                return replyTrade(ex, sim.buyerPay(no, r.owner));
            if (action == u"cancel")
                return replyTrade(ex, sim.buyerCancel(no, r.owner));
            if (action == u"expire")
                return replyTrade(ex, sim.expire(no, r.owner));
        }
    }
    if (r.area == u"qr" && parts.size() >= 2) {
        const QString token = parts.value(1);
        if (parts.size() == 2 && r.get) {
            if (const std::optional<AlipayTrade> t = sim.tradeByQrCode(token))
                return replyObject(ex, 200, tradeJson(*t));
            return control_api::replyError(ex, 404, QStringLiteral("sandbox.not_found"),
                                           QStringLiteral("No Alipay order has that QR code."));
        }
        if (parts.size() == 3 && r.post && parts.value(2) == u"scan")
            return replyTrade(ex, sim.scanQrCode(token));
        if (parts.size() == 3 && r.post && parts.value(2) == u"pay")
            return replyTrade(ex, sim.payQrCode(token));
    }
    control_api::replyNoEndpoint(ex);
}

} // namespace qpos::sandbox::alipay_control
