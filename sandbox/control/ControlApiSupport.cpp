#include "sandbox/control/ControlApiSupport.h"

#include <QJsonDocument>
#include <QUrlQuery>

namespace qpos::sandbox::control_api {

ControlRequest readRequest(const HttpExchange& ex, const QString& prefix,
                           const QString& ownerQueryKey) {
    ControlRequest r;
    r.parts = ex.path().mid(prefix.size()).split(u'/', Qt::SkipEmptyParts);
    r.area = r.parts.value(0);
    r.get = ex.method() == "GET";
    r.post = ex.method() == "POST";
    r.owner = QUrlQuery(ex.request().url).queryItemValue(ownerQueryKey);
    return r;
}

void replyError(const HttpExchange& ex, int status, const QString& code, const QString& message) {
    replyObject(
        ex, status,
        QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code},
                                                          {QStringLiteral("message"), message}}}});
}

void replyRefusal(const HttpExchange& ex, const Error& e, bool byProviderRules) {
    const int status = e.code == u"sandbox.not_found"                      ? 404
                       : byProviderRules || e.code == u"sandbox.ambiguous" ? 409
                                                                           : 400;
    replyError(ex, status, e.code, e.message);
}

void replyObject(const HttpExchange& ex, int status, const QJsonObject& object) {
    ex.replyJson(status, QJsonDocument(object));
}

void replyList(const HttpExchange& ex, const QString& key, const QJsonArray& list) {
    replyObject(ex, 200, QJsonObject{{key, list}});
}

void replyNoEndpoint(const HttpExchange& ex) {
    replyError(ex, 404, QStringLiteral("sandbox.no_endpoint"),
               QStringLiteral("No endpoint %1 %2; see docs/sandbox.md.")
                   .arg(QString::fromLatin1(ex.method()), ex.path()));
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

std::optional<crypto::RsaPublicKey> registeredKey(const HttpExchange& ex, const QJsonObject& body) {
    Result<crypto::RsaPublicKey> key =
        crypto::RsaPublicKey::fromText(body.value(u"public_key").toString().toUtf8());
    if (!key) {
        replyError(ex, 400, key.error().code, key.error().message);
        return std::nullopt;
    }
    return *key;
}

QString timeOrEmpty(qint64 utcMs, QString (*format)(qint64)) {
    return utcMs > 0 ? format(utcMs) : QString();
}

QJsonObject attemptJson(const NotificationAttempt& a, const QString& at) {
    return QJsonObject{{QStringLiteral("url"), a.url},
                       {QStringLiteral("variant"), a.variant},
                       {QStringLiteral("attempt"), a.attempt},
                       {QStringLiteral("http_status"), a.httpStatus},
                       {QStringLiteral("answer"), QString::fromUtf8(a.answer)},
                       {QStringLiteral("error"), a.error},
                       {QStringLiteral("delivered"), a.delivered},
                       {QStringLiteral("gave_up"), a.gaveUp},
                       {QStringLiteral("at"), at}};
}

Error badSetting(const QString& key, const QString& want) {
    return Error{QStringLiteral("sandbox.bad_setting"),
                 QStringLiteral("\"%1\" must be %2.").arg(key, want)};
}

Error unknownSetting(const QString& key) {
    return Error{QStringLiteral("sandbox.bad_setting"),
                 QStringLiteral("Unknown setting \"%1\".").arg(key)};
}

bool readWhole(const QJsonValue& v, int min, int max, int* out) {
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < min || d > max || d != static_cast<double>(static_cast<int>(d)))
        return false;
    *out = static_cast<int>(d);
    return true;
}

bool readFlag(const QJsonValue& v, bool* out) {
    if (!v.isBool())
        return false;
    *out = v.toBool();
    return true;
}

} // namespace qpos::sandbox::control_api
