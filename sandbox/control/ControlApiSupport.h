#pragma once

#include "core/common/Result.h"
#include "core/crypto/RsaPublicKey.h"
#include "sandbox/http/HttpExchange.h"
#include "sandbox/notify/NotificationAttempt.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

#include <optional>

namespace qpos::sandbox::control_api {

// What the control API handlers of both providers need to know of a request under their
// prefix (/sandbox/alipay, /sandbox/wechat): the path after it, split, and the method.
struct ControlRequest {
    QStringList parts; // the path after the prefix
    QString area;      // parts[0], or empty
    bool get = false;
    bool post = false;
    // The value of the query item that names the app or merchant, or empty.
    QString owner;
};

ControlRequest readRequest(const HttpExchange& exchange, const QString& prefix,
                           const QString& ownerQueryKey);

// {"error": {"code": ..., "message": ...}}
void replyError(const HttpExchange& exchange, int status, const QString& code,
                const QString& message);
// A simulator's refusal: an unknown order is not found (404); a refusal by the provider's own
// rules, and a name that fits several orders, are conflicts (409); the rest is bad input (400).
void replyRefusal(const HttpExchange& exchange, const Error& error, bool byProviderRules);
void replyObject(const HttpExchange& exchange, int status, const QJsonObject& object);
// {"<key>": [...]}
void replyList(const HttpExchange& exchange, const QString& key, const QJsonArray& list);
void replyNoEndpoint(const HttpExchange& exchange);
// The body as a JSON object (empty body: empty object); otherwise answers 400 itself and
// returns nothing.
std::optional<QJsonObject> bodyObject(const HttpExchange& exchange);

// The public key in a registration's "public_key"; otherwise answers 400 itself and returns
// nothing.
std::optional<crypto::RsaPublicKey> registeredKey(const HttpExchange& exchange,
                                                  const QJsonObject& body);

// A time in the provider's `format`, or empty when there is none (0).
QString timeOrEmpty(qint64 utcMs, QString (*format)(qint64 utcMs));

// {"<key>": [toJson(item), ...]}
template <typename Item, typename ToJson>
void replyList(const HttpExchange& exchange, const QString& key, const QList<Item>& items,
               ToJson toJson) {
    QJsonArray list;
    for (const Item& item : items)
        list.append(toJson(item));
    replyList(exchange, key, list);
}

// GET and POST /settings of a simulator: a POST applies its body's keys first (`apply`), or
// answers why not (`refuse`); both answer the settings as they are then (`toJson`).
template <typename Simulator, typename Apply, typename ToJson, typename Refuse>
void handleSettings(Simulator& simulator, const HttpExchange& exchange, Apply apply, ToJson toJson,
                    Refuse refuse) {
    if (exchange.method() == "POST") {
        const std::optional<QJsonObject> body = bodyObject(exchange);
        if (!body)
            return;
        auto options = apply(simulator.options(), *body);
        if (!options)
            return refuse(exchange, options.error());
        simulator.setOptions(*options);
    }
    replyObject(exchange, 200, toJson(simulator.options()));
}

// The fields every provider's notification record has; `at` is the time in its format.
QJsonObject attemptJson(const NotificationAttempt& attempt, const QString& at);

// Settings: refusals and the readers of one value; each reader leaves `out` alone and
// returns false when the value is not acceptable.
Error badSetting(const QString& key, const QString& want);
Error unknownSetting(const QString& key);
bool readWhole(const QJsonValue& value, int min, int max, int* out);
bool readFlag(const QJsonValue& value, bool* out);

// The settings both providers' options have, by the same names, keys and ranges. Returns
// nothing for a key that is not one of them. `parseBehaviour` reads the pay behaviour's name.
template <typename Options, typename ParseBehaviour>
std::optional<Status> applySharedSetting(Options& o, const QString& k, const QJsonValue& v,
                                         ParseBehaviour parseBehaviour) {
    if (k == u"pay_behaviour") {
        if (!parseBehaviour(v.toString(), &o.payBehaviour))
            return badSetting(k, QStringLiteral("immediate, buyer-confirms, confirm-then-pay, "
                                                "confirm-then-close or declined"));
    } else if (k == u"confirm_delay_ms") {
        if (!readWhole(v, 0, 86400000, &o.confirmDelayMs))
            return badSetting(k, QStringLiteral("0..86400000"));
    } else if (k == u"notify_scale") {
        if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 10)
            return badSetting(k, QStringLiteral("a number 0..10"));
        o.notifyScale = v.toDouble();
    } else if (k == u"notify_timeout_ms") {
        if (!readWhole(v, 1, 600000, &o.notifyTimeoutMs))
            return badSetting(k, QStringLiteral("1..600000"));
    } else if (k == u"timestamp_tolerance_secs") {
        if (!readWhole(v, 0, 86400 * 366, &o.timestampToleranceSecs))
            return badSetting(k, QStringLiteral("0..31622400"));
    } else if (k == u"bill_url_ttl_ms") {
        if (!readWhole(v, 1, 86400000, &o.billUrlTtlMs))
            return badSetting(k, QStringLiteral("1..86400000"));
    } else if (k == u"strict_bill_dates") {
        if (!readFlag(v, &o.strictBillDates))
            return badSetting(k, QStringLiteral("true or false"));
    } else if (k == u"default_timeout_minutes") {
        if (!readWhole(v, 1, 15 * 24 * 60, &o.defaultTimeoutMinutes))
            return badSetting(k, QStringLiteral("1..21600"));
    } else {
        return std::nullopt;
    }
    return Status::success();
}

// Applies the keys present in `json` to `o`: the shared settings above, then the provider's
// own through `applyOwn(o, key, value)`, which returns nothing for a key it does not know.
// Unknown keys and bad values are refused.
template <typename Options, typename ParseBehaviour, typename ApplyOwn>
Result<Options> applySettings(Options o, const QJsonObject& json, ParseBehaviour parseBehaviour,
                              ApplyOwn applyOwn) {
    for (auto it = json.begin(); it != json.end(); ++it) {
        std::optional<Status> applied = applySharedSetting(o, it.key(), it.value(), parseBehaviour);
        if (!applied)
            applied = applyOwn(o, it.key(), it.value());
        if (!applied)
            return unknownSetting(it.key());
        if (!*applied)
            return applied->error();
    }
    return o;
}

// The shared settings as JSON; `behaviourName` names the pay behaviour.
template <typename Options, typename BehaviourName>
QJsonObject sharedSettingsJson(const Options& o, BehaviourName behaviourName) {
    return QJsonObject{
        {QStringLiteral("pay_behaviour"), behaviourName(o.payBehaviour)},
        {QStringLiteral("confirm_delay_ms"), o.confirmDelayMs},
        {QStringLiteral("notify_scale"), o.notifyScale},
        {QStringLiteral("notify_timeout_ms"), o.notifyTimeoutMs},
        {QStringLiteral("timestamp_tolerance_secs"), o.timestampToleranceSecs},
        {QStringLiteral("bill_url_ttl_ms"), o.billUrlTtlMs},
        {QStringLiteral("strict_bill_dates"), o.strictBillDates},
        {QStringLiteral("default_timeout_minutes"), o.defaultTimeoutMinutes},
    };
}

} // namespace qpos::sandbox::control_api
