#include "sandbox/control/FaultControlApi.h"

#include "sandbox/control/ControlApiSupport.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace qpos::sandbox::fault_control {

namespace {

QJsonObject listJson(const FaultPlan& plan) {
    return QJsonObject{{QStringLiteral("faults"), rulesJson(plan)},
                       {QStringLiteral("kinds"), QJsonArray::fromStringList(faultKindNames())}};
}

void refuse(const HttpExchange& ex, int status, const QString& message) {
    control_api::replyError(ex, status, QStringLiteral("sandbox.invalid_fault"), message);
}

} // namespace

QJsonArray rulesJson(const FaultPlan& plan) {
    QJsonArray faults;
    for (const FaultRule& r : plan.rules())
        faults.append(r.toJson());
    return faults;
}

void handle(FaultPlan& plan, const HttpExchange& ex) {
    const QString rest = ex.path().mid(QStringLiteral("/sandbox/faults").size());
    if (!rest.isEmpty() && rest != u"/") {
        bool ok = false;
        const int id = rest.mid(1).toInt(&ok);
        if (ex.method() == "DELETE" && ok && plan.remove(id))
            return control_api::replyObject(ex, 200, listJson(plan));
        return refuse(ex, 404, QStringLiteral("No fault %1.").arg(rest.mid(1)));
    }
    if (ex.method() == "GET")
        return control_api::replyObject(ex, 200, listJson(plan));
    if (ex.method() == "DELETE") {
        plan.clear();
        return control_api::replyObject(ex, 200, listJson(plan));
    }
    if (ex.method() != "POST")
        return refuse(ex, 405, QStringLiteral("Use GET, POST or DELETE."));
    // One fault object, an array of them, or {"faults": [...]}.
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(ex.request().body, &error);
    QJsonArray items;
    if (doc.isArray())
        items = doc.array();
    else if (doc.isObject() && doc.object().contains(u"faults"))
        items = doc.object().value(u"faults").toArray();
    else if (doc.isObject())
        items.append(doc.object());
    else
        return refuse(ex, 400, QStringLiteral("The body must be a JSON fault object or an array."));
    QList<FaultRule> rules;
    for (const QJsonValue& v : items) {
        Result<FaultRule> rule = FaultRule::fromJson(v.toObject());
        if (!rule)
            return refuse(ex, 400, rule.error().message);
        rules.append(*rule);
    }
    QJsonArray added;
    for (FaultRule& rule : rules) {
        rule.id = plan.add(rule);
        added.append(rule.toJson());
    }
    control_api::replyObject(ex, 201, QJsonObject{{QStringLiteral("faults"), added}});
}

} // namespace qpos::sandbox::fault_control
