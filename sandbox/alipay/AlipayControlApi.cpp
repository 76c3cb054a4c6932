#include "sandbox/alipay/AlipayControlApi.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/crypto/AlipayCertSn.h"
#include "sandbox/alipay/AlipaySimulator.h"
#include "sandbox/control/ControlApiSupport.h"
#include "sandbox/control/ProviderControlApi.h"

#include <QJsonArray>

namespace qpos::sandbox::alipay_control {

namespace {

QString time(qint64 ms) {
    return control_api::timeOrEmpty(ms, china_calendar::formatTimestamp);
}

// Refusals by Alipay's rules (ACQ.*) are conflicts.
bool isAlipayRule(const QString& code) {
    return code.startsWith(u"ACQ.");
}

void registerApp(AlipaySimulator& sim, const HttpExchange& ex, const QJsonObject& body) {
    const std::optional<crypto::RsaPublicKey> key = control_api::registeredKey(ex, body);
    if (!key)
        return;
    const QString id = body.value(u"app_id").toString();
    if (Status s = sim.registerApp(id, *key, body.value(u"pid").toString()); !s)
        return control_api::replyRefusal(ex, s.error(), isAlipayRule(s.error().code));
    control_api::replyObject(ex, 201, QJsonObject{{QStringLiteral("app_id"), id}});
}

QJsonObject certificatesJson(const AlipaySimulator& sim) {
    const crypto::X509Certificate current = sim.alipayCertificate();
    return QJsonObject{
        {QStringLiteral("certificate_mode"), sim.certificateMode()},
        {QStringLiteral("alipay_cert_sn"),
         current.isNull() ? QString() : crypto::alipayCertSn(current)},
        {QStringLiteral("alipay_cert_pem"), QString::fromLatin1(current.toPem())},
        {QStringLiteral("alipay_root_cert_pem"),
         QString::fromLatin1(sim.rootCertificate().toPem())},
    };
}

// /sandbox/alipay/certificates: GET shows them, POST turns certificate mode on,
// POST .../rotate renews the Alipay certificate ({"foreign_issuer": true}: a forged one).
void handleCertificates(AlipaySimulator& sim, const HttpExchange& ex,
                        const control_api::ControlRequest& r) {
    if (r.parts.size() == 1 && r.get)
        return control_api::replyObject(ex, 200, certificatesJson(sim));
    if (r.parts.size() == 1 && r.post) {
        if (Status s = sim.enableCertificateMode(); !s)
            return control_api::replyRefusal(ex, s.error(), false);
        return control_api::replyObject(ex, 200, certificatesJson(sim));
    }
    if (r.parts.size() == 2 && r.parts.at(1) == u"rotate" && r.post) {
        const std::optional<QJsonObject> body = control_api::bodyObject(ex);
        if (!body)
            return;
        bool foreign = false;
        if (body->contains(u"foreign_issuer") &&
            !control_api::readFlag(body->value(u"foreign_issuer"), &foreign))
            return control_api::replyRefusal(
                ex,
                control_api::badSetting(QStringLiteral("foreign_issuer"),
                                        QStringLiteral("true or false")),
                false);
        Result<QString> rotated = sim.rotateCertificate(foreign);
        if (!rotated)
            return control_api::replyRefusal(ex, rotated.error(), false);
        return control_api::replyObject(ex, 200, certificatesJson(sim));
    }
    control_api::replyNoEndpoint(ex);
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

void handle(AlipaySimulator& simulator, const HttpExchange& exchange) {
    const control_api::ControlRequest request =
        control_api::readRequest(exchange, QStringLiteral("/sandbox/alipay"), QString());
    if (request.area == u"certificates")
        return handleCertificates(simulator, exchange, request);
    const control_api::ProviderControl<AlipaySimulator, AlipayTrade, AlipayOptions,
                                       AlipayNotificationAttempt>
        control{
            QStringLiteral("/sandbox/alipay"),
            QStringLiteral("app_id"),
            isAlipayRule,
            overview,
            QStringLiteral("apps"),
            registerApp,
            applyOptions,
            optionsJson,
            notificationJson,
            tradeJson,
            QStringLiteral("No Alipay order %1."),
            {{QStringLiteral("scan"), &AlipaySimulator::buyerScan},
             {QStringLiteral("pay"), &AlipaySimulator::buyerPay},
             {QStringLiteral("cancel"), &AlipaySimulator::buyerCancel},
             {QStringLiteral("expire"), &AlipaySimulator::expire}},
            QStringLiteral("qr"),
            &AlipaySimulator::tradeByQrCode,
            QStringLiteral("No Alipay order has that QR code."),
            {{QStringLiteral("scan"), &AlipaySimulator::scanQrCode},
             {QStringLiteral("pay"), &AlipaySimulator::payQrCode}},
        };
    control_api::handleProviderRequest(simulator, exchange, control);
}

} // namespace qpos::sandbox::alipay_control
