#include "core/link/RemoteSalesReport.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/logging/LogCategories.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace qpos::link {

namespace {

// Why the answer is not a whole report, or empty when it is.
QString flawOf(const QJsonObject& o, const reports::SalesReport& r,
               const reports::ReportScope& scope) {
    for (const char* key : {"channels", "hours", "days", "cashiers", "refunds"}) {
        if (!o.value(QLatin1String(key)).isArray())
            return QStringLiteral("no \"%1\" list").arg(QLatin1String(key));
    }
    if (r.fromDay != scope.fromDay || r.toDay != scope.toDay || r.shiftId != 0)
        return QStringLiteral("the days %1-%2, not those asked").arg(r.fromDay).arg(r.toDay);
    const qint64 dayCount = china_calendar::dateOfDayNumber(scope.fromDay)
                                .daysTo(china_calendar::dateOfDayNumber(scope.toDay)) +
                            1;
    if (r.hours.size() != 24 || r.days.size() != dayCount)
        return QStringLiteral("%1 hours and %2 days").arg(r.hours.size()).arg(r.days.size());
    reports::Figures byChannel;
    reports::Figures byHour;
    reports::Figures byDay;
    for (const reports::ChannelFigures& c : r.channels)
        byChannel.add(c.figures);
    for (int h = 0; h < r.hours.size(); ++h) {
        if (r.hours[h].hour != h)
            return QStringLiteral("hour %1 out of place").arg(r.hours[h].hour);
        byHour.add(r.hours[h].figures);
    }
    for (const reports::DayFigures& d : r.days)
        byDay.add(d.figures);
    if (!(byChannel == r.total) || !(byHour == r.total) || !(byDay == r.total))
        return QStringLiteral("sections that do not add up to the total");
    return {};
}

} // namespace

Result<reports::SalesReport> readStoreSalesReport(const QByteArray& body,
                                                  const reports::ReportScope& scope) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject o = doc.object().value(u"report").toObject();
    QString flaw;
    Result<reports::SalesReport> report = reports::salesReportFromJson(o);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject() ||
        !doc.object().value(u"report").isObject())
        flaw = QStringLiteral("not an object with \"report\"");
    else if (!report)
        flaw = report.error().code;
    else
        flaw = flawOf(o, *report, scope);
    if (!flaw.isEmpty())
        return Error{QStringLiteral("link.unreadable_answer"), flaw};
    return report;
}

void fetchStoreSalesReport(StoreServerHttp& http, const reports::ReportScope& scope,
                           std::function<void(const Result<reports::SalesReport>&)> done) {
    const QString format = QStringLiteral("yyyy-MM-dd");
    const QString query = QStringLiteral("from=%1&to=%2")
                              .arg(china_calendar::dateOfDayNumber(scope.fromDay).toString(format),
                                   china_calendar::dateOfDayNumber(scope.toDay).toString(format));
    const QUrl server = http.endpoint().baseUrl;
    http.get(
        QStringLiteral("/v1/reports/sales"), query,
        [scope, server, done = std::move(done)](const Result<StoreServerAnswer>& answer) {
            if (!answer)
                return done(answer.error());
            if (answer->status != 200) {
                // A range the server refuses comes back in its words: they say what to change.
                const QJsonObject o = QJsonDocument::fromJson(answer->body).object();
                const QString message = o.value(u"message").toString();
                if (answer->status == 400 && answer->errorCode().startsWith(u"report.") &&
                    !message.isEmpty())
                    return done(Error{answer->errorCode(), message.left(500)});
                return done(refusedAnswer(*answer, server));
            }
            Result<reports::SalesReport> report = readStoreSalesReport(answer->body, scope);
            if (!report) {
                qCWarning(lcSync).noquote()
                    << "unreadable store sales report:" << report.error().message;
                return done(unreadableAnswer(server));
            }
            done(report);
        },
        kMaxReportBytes);
}

} // namespace qpos::link
