#include "alipay/AlipayControlApi.h"

#include "alipay/AlipaySimulator.h"
#include "common/ChinaTime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace qpos::sandbox::alipay_control {

namespace {

QString time(qint64 ms) {
    return ms > 0 ? china_time::format(ms) : QString();
}

void replyError(const HttpExchange& ex, int status, const QString& code, const QString& message) {
    ex.replyJson(status,
                 QJsonDocument(QJsonObject{{QStringLiteral("error"),
                                            QJsonObject{{QStringLiteral("code"), code},
                                                        {QStringLiteral("message"), message}}}}));
}

void replyError(const HttpExchange& ex, const Error& e) {
    // Refusals by Alipay's rules (ACQ.*) are conflicts; unknown orders are not found.
    const int status = e.code == u"sandbox.not_found"                                 ? 404
                       : e.code.startsWith(u"ACQ.") || e.code == u"sandbox.ambiguous" ? 409
                                                                                      : 400;
    replyError(ex, status, e.code, e.message);
}

void replyTrade(const HttpExchange& ex, const Result<AlipayTrade>& r) {
    if (!r)
        replyError(ex, r.error());
    else
        ex.replyJson(200, QJsonDocument(tradeJson(*r)));
}

std::optional<QJsonObject> bodyObject(const HttpExchange& ex) {
    if (ex.request().body.trimmed().isEmpty())
        return QJsonObject{};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(ex.request().body, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        replyError(ex, 400, QStringLiteral("sandbox.bad_json"),
                   QStringLiteral("The body must be a JSON object."));
        return std::nullopt;
    }
    return doc.object();
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
    return QJsonObject{{QStringLiteral("notify_id"), a.notifyId},
                       {QStringLiteral("app_id"), a.appId},
                       {QStringLiteral("out_trade_no"), a.outTradeNo},
                       {QStringLiteral("trade_status"), a.tradeStatus},
                       {QStringLiteral("url"), a.url},
                       {QStringLiteral("variant"), a.variant},
                       {QStringLiteral("attempt"), a.attempt},
                       {QStringLiteral("http_status"), a.httpStatus},
                       {QStringLiteral("answer"), QString::fromUtf8(a.answer)},
                       {QStringLiteral("error"), a.error},
                       {QStringLiteral("delivered"), a.delivered},
                       {QStringLiteral("gave_up"), a.gaveUp},
                       {QStringLiteral("at"), time(a.atMs)}};
}

QJsonObject optionsJson(const AlipayOptions& o) {
    return QJsonObject{
        {QStringLiteral("pay_behaviour"), alipayPayBehaviourName(o.payBehaviour)},
        {QStringLiteral("confirm_delay_ms"), o.confirmDelayMs},
        {QStringLiteral("notify_scale"), o.notifyScale},
        {QStringLiteral("notify_timeout_ms"), o.notifyTimeoutMs},
        {QStringLiteral("notify_wait_buyer_pay"), o.notifyWaitBuyerPay},
        {QStringLiteral("timestamp_tolerance_secs"), o.timestampToleranceSecs},
        {QStringLiteral("qr_base_url"), o.qrBaseUrl},
        {QStringLiteral("bill_url_ttl_ms"), o.billUrlTtlMs},
        {QStringLiteral("strict_bill_dates"), o.strictBillDates},
        {QStringLiteral("default_timeout_minutes"), o.defaultTimeoutMinutes},
    };
}

Result<AlipayOptions> applyOptions(AlipayOptions o, const QJsonObject& json) {
    auto bad = [](const QString& key, const QString& want) {
        return Error{QStringLiteral("sandbox.bad_setting"),
                     QStringLiteral("\"%1\" must be %2.").arg(key, want)};
    };
    auto count = [](const QJsonValue& v, int min, int max, int* out) {
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < min || d > max || d != static_cast<double>(static_cast<int>(d)))
            return false;
        *out = static_cast<int>(d);
        return true;
    };
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString& k = it.key();
        const QJsonValue v = it.value();
        if (k == u"pay_behaviour") {
            if (!parseAlipayPayBehaviour(v.toString(), &o.payBehaviour))
                return bad(k, QStringLiteral("immediate, buyer-confirms, confirm-then-pay, "
                                             "confirm-then-close or declined"));
        } else if (k == u"confirm_delay_ms") {
            if (!count(v, 0, 86400000, &o.confirmDelayMs))
                return bad(k, QStringLiteral("0..86400000"));
        } else if (k == u"notify_scale") {
            if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 10)
                return bad(k, QStringLiteral("a number 0..10"));
            o.notifyScale = v.toDouble();
        } else if (k == u"notify_timeout_ms") {
            if (!count(v, 1, 600000, &o.notifyTimeoutMs))
                return bad(k, QStringLiteral("1..600000"));
        } else if (k == u"notify_wait_buyer_pay") {
            if (!v.isBool())
                return bad(k, QStringLiteral("true or false"));
            o.notifyWaitBuyerPay = v.toBool();
        } else if (k == u"timestamp_tolerance_secs") {
            if (!count(v, 0, 86400 * 366, &o.timestampToleranceSecs))
                return bad(k, QStringLiteral("0..31622400"));
        } else if (k == u"qr_base_url") {
            if (!v.isString() || v.toString().isEmpty())
                return bad(k, QStringLiteral("a URL prefix"));
            o.qrBaseUrl = v.toString();
        } else if (k == u"bill_url_ttl_ms") {
            if (!count(v, 1, 86400000, &o.billUrlTtlMs))
                return bad(k, QStringLiteral("1..86400000"));
        } else if (k == u"strict_bill_dates") {
            if (!v.isBool())
                return bad(k, QStringLiteral("true or false"));
            o.strictBillDates = v.toBool();
        } else if (k == u"default_timeout_minutes") {
            if (!count(v, 1, 15 * 24 * 60, &o.defaultTimeoutMinutes))
                return bad(k, QStringLiteral("1..21600"));
        } else {
            return Error{QStringLiteral("sandbox.bad_setting"),
                         QStringLiteral("Unknown setting \"%1\".").arg(k)};
        }
    }
    return o;
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
    const QStringList parts =
        ex.path().mid(QStringLiteral("/sandbox/alipay").size()).split(u'/', Qt::SkipEmptyParts);
    const QString appId = QUrlQuery(ex.request().url).queryItemValue(QStringLiteral("app_id"));
    const QByteArray method = ex.method();
    const bool get = method == "GET";
    const bool post = method == "POST";

    if (parts.isEmpty() && get) {
        ex.replyJson(200, QJsonDocument(overview(sim)));
        return;
    }
    const QString area = parts.value(0);
    if (area == u"apps" && parts.size() == 1) {
        if (get) {
            ex.replyJson(200, QJsonDocument(QJsonObject{
                                  {QStringLiteral("apps"), overview(sim).value(u"apps")}}));
            return;
        }
        if (post) {
            const std::optional<QJsonObject> body = bodyObject(ex);
            if (!body)
                return;
            Result<crypto::RsaPublicKey> key =
                crypto::RsaPublicKey::fromText(body->value(u"public_key").toString().toUtf8());
            if (!key) {
                replyError(ex, 400, key.error().code, key.error().message);
                return;
            }
            const QString id = body->value(u"app_id").toString();
            if (Status s = sim.registerApp(id, *key, body->value(u"pid").toString()); !s) {
                replyError(ex, s.error());
                return;
            }
            ex.replyJson(201, QJsonDocument(QJsonObject{{QStringLiteral("app_id"), id}}));
            return;
        }
    }
    if (area == u"settings" && parts.size() == 1) {
        if (post) {
            const std::optional<QJsonObject> body = bodyObject(ex);
            if (!body)
                return;
            Result<AlipayOptions> o = applyOptions(sim.options(), *body);
            if (!o) {
                replyError(ex, o.error());
                return;
            }
            sim.setOptions(*o);
        }
        if (get || post) {
            ex.replyJson(200, QJsonDocument(optionsJson(sim.options())));
            return;
        }
    }
    if (area == u"notifications" && parts.size() == 1 && get) {
        QJsonArray list;
        for (const AlipayNotificationAttempt& a : sim.notifications())
            list.append(notificationJson(a));
        ex.replyJson(200, QJsonDocument(QJsonObject{{QStringLiteral("notifications"), list}}));
        return;
    }
    if (area == u"trades") {
        if (parts.size() == 1 && get) {
            QJsonArray list;
            for (const AlipayTrade& t : sim.trades(appId))
                list.append(tradeJson(t));
            ex.replyJson(200, QJsonDocument(QJsonObject{{QStringLiteral("trades"), list}}));
            return;
        }
        const QString no = parts.value(1);
        if (parts.size() == 2 && get) {
            const QList<AlipayTrade> all = sim.trades(appId);
            for (const AlipayTrade& t : all) {
                if (t.outTradeNo == no) {
                    ex.replyJson(200, QJsonDocument(tradeJson(t)));
                    return;
                }
            }
            replyError(ex, 404, QStringLiteral("sandbox.not_found"),
                       QStringLiteral("No Alipay order %1.").arg(no));
            return;
        }
        if (parts.size() == 3 && post) {
            const QString action = parts.value(2);
            if (action == u"scan")
                return replyTrade(ex, sim.buyerScan(no, appId));
            if (action == u"pay")
                return replyTrade(ex, sim.buyerPay(no, appId));
            if (action == u"cancel")
                return replyTrade(ex, sim.buyerCancel(no, appId));
            if (action == u"expire")
                return replyTrade(ex, sim.expire(no, appId));
        }
    }
    if (area == u"qr" && parts.size() >= 2) {
        const QString token = parts.value(1);
        if (parts.size() == 2 && get) {
            if (const std::optional<AlipayTrade> t = sim.tradeByQrCode(token))
                ex.replyJson(200, QJsonDocument(tradeJson(*t)));
            else
                replyError(ex, 404, QStringLiteral("sandbox.not_found"),
                           QStringLiteral("No Alipay order has that QR code."));
            return;
        }
        if (parts.size() == 3 && post && parts.value(2) == u"scan")
            return replyTrade(ex, sim.scanQrCode(token));
        if (parts.size() == 3 && post && parts.value(2) == u"pay")
            return replyTrade(ex, sim.payQrCode(token));
    }
    replyError(ex, 404, QStringLiteral("sandbox.no_endpoint"),
               QStringLiteral("No endpoint %1 %2; see docs/sandbox.md.")
                   .arg(QString::fromLatin1(method), ex.path()));
}

} // namespace qpos::sandbox::alipay_control
