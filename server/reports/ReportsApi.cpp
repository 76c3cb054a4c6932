#include "server/reports/ReportsApi.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/logging/LogCategories.h"
#include "server/auth/RequestAuthenticator.h"
#include "server/metrics/ServerMetrics.h"
#include "server/reports/StoreSalesReport.h"

#include <QDate>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

#include <optional>

namespace qpos::server {

namespace {

// Exactly yyyy-MM-dd, a real date.
std::optional<QDate> dayFrom(const QString& text) {
    const QDate day = QDate::fromString(text, QStringLiteral("yyyy-MM-dd"));
    if (!day.isValid() || day.toString(QStringLiteral("yyyy-MM-dd")) != text)
        return std::nullopt;
    return day;
}

} // namespace

ReportsApi::ReportsApi(ServerStore& store, RequestAuthenticator& authenticator,
                       ServerMetrics& metrics, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_authenticator(authenticator)
    , m_metrics(metrics) {}

void ReportsApi::refuse(const ServerExchange& exchange, int status, const Error& error) {
    m_metrics.countRefusal(error.code);
    qCWarning(lcServer).noquote() << exchange.method() << exchange.path()
                                  << "refused:" << error.code;
    exchange.replyError(status, error.code, error.message);
}

void ReportsApi::handle(const ServerExchange& exchange) {
    const ServerExchange::Request& r = exchange.request();
    auto verdict = m_authenticator.authenticate(exchange.header("authorization"), r.method,
                                                exchange.pathAndQuery(), r.body);
    if (const AuthRefusal* refused = std::get_if<AuthRefusal>(&verdict))
        return refuse(exchange, refused->status, refused->error);
    if (exchange.path() != u"/v1/reports/sales")
        return refuse(exchange, 404,
                      Error{QStringLiteral("http.not_found"),
                            tr("There is nothing at %1; see docs/server.md for the reports "
                               "endpoint.")
                                .arg(exchange.path())});
    if (r.method != "GET")
        return refuse(exchange, 405,
                      Error{QStringLiteral("http.method"),
                            tr("%1 takes only GET requests.").arg(exchange.path())});
    salesReport(exchange);
}

void ReportsApi::salesReport(const ServerExchange& exchange) {
    const QUrlQuery query(exchange.request().url);
    const QString fromText = query.queryItemValue(QStringLiteral("from"));
    const QString toText = query.queryItemValue(QStringLiteral("to"));
    const std::optional<QDate> from = dayFrom(fromText);
    const std::optional<QDate> to = dayFrom(toText);
    if (!from || !to)
        return refuse(exchange, 400,
                      Error{QStringLiteral("report.bad_date"),
                            tr("Give the first and last day as from=yyyy-MM-dd&to=yyyy-MM-dd "
                               "(China dates, e.g. from=2026-11-01&to=2026-11-30); got from=\"%1\" "
                               "to=\"%2\".")
                                .arg(fromText.left(40), toText.left(40))});
    reports::ReportScope scope;
    scope.fromDay = china_calendar::dayNumber(*from);
    scope.toDay = china_calendar::dayNumber(*to);
    Result<reports::SalesReport> report = buildStoreSalesReport(m_store, scope);
    if (!report) {
        // A range the report refuses says what to change; the database's failure does not.
        if (report.error().code.startsWith(u"report."))
            return refuse(exchange, 400, report.error());
        qCWarning(lcServer).noquote() << "store sales report failed:" << report.error().message;
        return refuse(exchange, 503,
                      Error{QStringLiteral("server.unavailable"),
                            tr("The server could not read the sales now. Try again in a "
                               "minute.")});
    }
    exchange.reply(200, "application/json",
                   QJsonDocument(QJsonObject{{QStringLiteral("report"), reports::toJson(*report)}})
                       .toJson(QJsonDocument::Compact));
}

} // namespace qpos::server
