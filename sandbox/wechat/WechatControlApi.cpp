#include "wechat/WechatControlApi.h"

#include "wechat/WechatJson.h"
#include "wechat/WechatSimulator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace qpos::sandbox::wechat_control {

namespace {

QString time(qint64 ms) {
    return ms > 0 ? wechat_json::time(ms) : QString();
}

void replyError(const HttpExchange& ex, int status, const QString& code, const QString& message) {
    ex.replyJson(status,
                 QJsonDocument(QJsonObject{{QStringLiteral("error"),
                                            QJsonObject{{QStringLiteral("code"), code},
                                                        {QStringLiteral("message"), message}}}}));
}

void replyError(const HttpExchange& ex, const Error& e) {
    // Refusals by WeChat's rules (ORDERPAID, ORDER_CLOSED...) are conflicts; unknown orders
    // are not found; the rest is bad input.
    const int status = e.code == u"sandbox.not_found"                                     ? 404
                       : e.code.startsWith(u"sandbox.") && e.code != u"sandbox.ambiguous" ? 400
                                                                                          : 409;
    replyError(ex, status, e.code, e.message);
}

void replyTrade(const HttpExchange& ex, const Result<WechatTrade>& r) {
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
    return QJsonObject{{QStringLiteral("id"), a.id},
                       {QStringLiteral("mchid"), a.mchId},
                       {QStringLiteral("out_trade_no"), a.outTradeNo},
                       {QStringLiteral("out_refund_no"), a.outRefundNo},
                       {QStringLiteral("event_type"), a.eventType},
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

QJsonObject optionsJson(const WechatOptions& o) {
    return QJsonObject{
        {QStringLiteral("pay_behaviour"), wechatPayBehaviourName(o.payBehaviour)},
        {QStringLiteral("confirm_delay_ms"), o.confirmDelayMs},
        {QStringLiteral("notify_scale"), o.notifyScale},
        {QStringLiteral("notify_timeout_ms"), o.notifyTimeoutMs},
        {QStringLiteral("notify_request_url"), o.notifyRequestUrl},
        {QStringLiteral("timestamp_tolerance_secs"), o.timestampToleranceSecs},
        {QStringLiteral("refund_processing_ms"), o.refundProcessingMs},
        {QStringLiteral("code_url_base"), o.codeUrlBase},
        {QStringLiteral("bill_url_ttl_ms"), o.billUrlTtlMs},
        {QStringLiteral("strict_bill_dates"), o.strictBillDates},
        {QStringLiteral("default_timeout_minutes"), o.defaultTimeoutMinutes},
    };
}

Result<WechatOptions> applyOptions(WechatOptions o, const QJsonObject& json) {
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
    auto flag = [](const QJsonValue& v, bool* out) {
        if (!v.isBool())
            return false;
        *out = v.toBool();
        return true;
    };
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString& k = it.key();
        const QJsonValue v = it.value();
        if (k == u"pay_behaviour") {
            if (!parseWechatPayBehaviour(v.toString(), &o.payBehaviour))
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
        } else if (k == u"notify_request_url") {
            if (!flag(v, &o.notifyRequestUrl))
                return bad(k, QStringLiteral("true or false"));
        } else if (k == u"timestamp_tolerance_secs") {
            if (!count(v, 0, 86400 * 366, &o.timestampToleranceSecs))
                return bad(k, QStringLiteral("0..31622400"));
        } else if (k == u"refund_processing_ms") {
            if (!count(v, 0, 86400000, &o.refundProcessingMs))
                return bad(k, QStringLiteral("0..86400000"));
        } else if (k == u"code_url_base") {
            if (!v.isString() || v.toString().isEmpty())
                return bad(k, QStringLiteral("a URL prefix"));
            o.codeUrlBase = v.toString();
        } else if (k == u"bill_url_ttl_ms") {
            if (!count(v, 1, 86400000, &o.billUrlTtlMs))
                return bad(k, QStringLiteral("1..86400000"));
        } else if (k == u"strict_bill_dates") {
            if (!flag(v, &o.strictBillDates))
                return bad(k, QStringLiteral("true or false"));
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
    const QStringList parts =
        ex.path().mid(QStringLiteral("/sandbox/wechat").size()).split(u'/', Qt::SkipEmptyParts);
    const QString mchId = QUrlQuery(ex.request().url).queryItemValue(QStringLiteral("mchid"));
    const QByteArray method = ex.method();
    const bool get = method == "GET";
    const bool post = method == "POST";

    if (parts.isEmpty() && get) {
        ex.replyJson(200, QJsonDocument(overview(sim)));
        return;
    }
    const QString area = parts.value(0);
    if (area == u"merchants" && parts.size() == 1) {
        if (get) {
            ex.replyJson(200, QJsonDocument(QJsonObject{{QStringLiteral("merchants"),
                                                         overview(sim).value(u"merchants")}}));
            return;
        }
        if (post) {
            const std::optional<QJsonObject> body = bodyObject(ex);
            if (!body)
                return;
            const QString id = body->value(u"mchid").toString();
            // Only the notify_url of a known merchant may change without its keys.
            if (!body->contains(u"public_key") && sim.merchant(id)) {
                if (Status s = sim.setNotifyUrl(id, body->value(u"notify_url").toString()); !s)
                    return replyError(ex, s.error());
                ex.replyJson(200, QJsonDocument(merchantJson(*sim.merchant(id))));
                return;
            }
            Result<crypto::RsaPublicKey> key =
                crypto::RsaPublicKey::fromText(body->value(u"public_key").toString().toUtf8());
            if (!key)
                return replyError(ex, 400, key.error().code, key.error().message);
            WechatMerchant m{id,
                             body->value(u"appid").toString(),
                             *key,
                             body->value(u"serial_no").toString(),
                             body->value(u"api_v3_key").toString().toUtf8(),
                             body->value(u"notify_url").toString()};
            if (Status s = sim.registerMerchant(m); !s)
                return replyError(ex, s.error());
            ex.replyJson(201, QJsonDocument(merchantJson(m)));
            return;
        }
    }
    if (area == u"settings" && parts.size() == 1) {
        if (post) {
            const std::optional<QJsonObject> body = bodyObject(ex);
            if (!body)
                return;
            Result<WechatOptions> o = applyOptions(sim.options(), *body);
            if (!o)
                return replyError(ex, o.error());
            sim.setOptions(*o);
        }
        if (get || post) {
            ex.replyJson(200, QJsonDocument(optionsJson(sim.options())));
            return;
        }
    }
    if (area == u"notifications" && parts.size() == 1 && get) {
        QJsonArray list;
        for (const WechatNotificationAttempt& a : sim.notifications())
            list.append(notificationJson(a));
        ex.replyJson(200, QJsonDocument(QJsonObject{{QStringLiteral("notifications"), list}}));
        return;
    }
    if (area == u"trades") {
        if (parts.size() == 1 && get) {
            QJsonArray list;
            for (const WechatTrade& t : sim.trades(mchId))
                list.append(tradeJson(t));
            ex.replyJson(200, QJsonDocument(QJsonObject{{QStringLiteral("trades"), list}}));
            return;
        }
        const QString no = parts.value(1);
        if (parts.size() == 2 && get) {
            if (const std::optional<WechatTrade> t = sim.trade(no, mchId))
                ex.replyJson(200, QJsonDocument(tradeJson(*t)));
            else
                replyError(ex, 404, QStringLiteral("sandbox.not_found"),
                           QStringLiteral("No WeChat Pay order %1.").arg(no));
            return;
        }
        if (parts.size() == 3 && post) {
            const QString action = parts.value(2);
            if (action == u"pay")
                return replyTrade(ex, sim.buyerPay(no, mchId));
            if (action == u"cancel")
                return replyTrade(ex, sim.buyerCancel(no, mchId));
            if (action == u"expire")
                return replyTrade(ex, sim.expire(no, mchId));
        }
    }
    if (area == u"code" && parts.size() >= 2) {
        const QString token = parts.value(1);
        if (parts.size() == 2 && get) {
            if (const std::optional<WechatTrade> t = sim.tradeByCodeUrl(token))
                ex.replyJson(200, QJsonDocument(tradeJson(*t)));
            else
                replyError(ex, 404, QStringLiteral("sandbox.not_found"),
                           QStringLiteral("No WeChat Pay order has that code_url."));
            return;
        }
        if (parts.size() == 3 && post && parts.value(2) == u"pay")
            return replyTrade(ex, sim.payCodeUrl(token));
        if (parts.size() == 3 && post && parts.value(2) == u"cancel")
            return replyTrade(ex, sim.cancelCodeUrl(token));
    }
    replyError(ex, 404, QStringLiteral("sandbox.no_endpoint"),
               QStringLiteral("No endpoint %1 %2; see docs/sandbox.md.")
                   .arg(QString::fromLatin1(method), ex.path()));
}

} // namespace qpos::sandbox::wechat_control
