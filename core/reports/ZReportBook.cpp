#include "core/reports/ZReportBook.h"

#include "core/calendar/ChinaCalendar.h"
#include "core/logging/LogCategories.h"
#include "core/reports/ReportBuilder.h"
#include "core/reports/ReportPeriod.h"
#include "core/storage/Database.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

namespace qpos::reports {

namespace {

Error queryError(const QSqlQuery& q) {
    return databaseError(
        QCoreApplication::translate("qpos::reports::ZReportBook", "reading the Z reports"),
        q.lastError().text());
}

QString dayText(int day) {
    return china_calendar::dateOfDayNumber(day).toString(Qt::ISODate);
}

Result<ZReport> zFromRow(const QSqlQuery& q) {
    ZReport z;
    z.seq = q.value(0).toLongLong();
    z.businessDay = q.value(1).toInt();
    z.fromDay = q.value(2).toInt();
    z.takenAtMs = q.value(3).toLongLong();
    z.takenBy = q.value(4).toString();
    Result<SalesReport> snapshot =
        salesReportFromJson(QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object());
    if (!snapshot)
        return snapshot.error();
    z.snapshot = std::move(snapshot).value();
    z.takenByName = q.value(6).toString();
    return z;
}

const QString kZColumns =
    QStringLiteral("seq, business_day, from_day, taken_at_ms, taken_by, snapshot");
// A Z as read back, with its manager's name from the staff list.
const QString kZSelect = QStringLiteral("SELECT %1, staff.name FROM z_reports "
                                        "LEFT JOIN staff ON staff.id = z_reports.taken_by")
                             .arg(kZColumns);

} // namespace

ZReportBook::ZReportBook(Database& db, std::function<qint64()> clock)
    : m_db(db)
    , m_clock(std::move(clock)) {}

qint64 ZReportBook::now() const {
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

Result<ZWarnings> ZReportBook::warnings() {
    QSqlQuery q(m_db.handle());
    if (!q.exec(QStringLiteral("SELECT (SELECT COUNT(*) FROM orders WHERE state IN (0, 1, 2)), "
                               "(SELECT COUNT(*) FROM outbox WHERE sent_at_ms IS NULL), "
                               "EXISTS (SELECT 1 FROM shifts WHERE closed_at_ms IS NULL "
                               "AND opening_float_fen IS NOT NULL)")) ||
        !q.next())
        return queryError(q);
    return ZWarnings{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toBool()};
}

Result<int> ZReportBook::currentBusinessDay() {
    QSqlQuery q(m_db.handle());
    if (!q.exec(QStringLiteral("SELECT MAX(business_day) FROM z_reports")) || !q.next())
        return queryError(q);
    const int today = china_calendar::dayNumberOf(now());
    if (q.value(0).isNull() || q.value(0).toInt() < today)
        return today;
    return china_calendar::dayNumber(
        china_calendar::dateOfDayNumber(q.value(0).toInt()).addDays(1));
}

Result<bool> ZReportBook::closedToday() {
    const Result<int> day = currentBusinessDay();
    if (!day)
        return day.error();
    return *day > china_calendar::dayNumberOf(now());
}

Result<ZReport> ZReportBook::take(const QString& takenBy, bool despiteWarnings) {
    if (takenBy.trimmed().isEmpty())
        return Error{QStringLiteral("z.manager"),
                     QCoreApplication::translate("qpos::reports::ZReportBook",
                                                 "A Z report needs the approving manager.")};
    WriteTransaction tx(m_db);
    if (Status s = tx.begin(); !s.ok())
        return s.error();

    Result<ZWarnings> warned = warnings();
    if (!warned)
        return warned.error();
    if (warned->any() && !despiteWarnings) {
        QString message = QCoreApplication::translate(
                              "qpos::reports::ZReportBook",
                              "%1 payment(s) are still open and %2 change(s) are not uploaded "
                              "yet. Wait for them, or take the Z anyway: whatever they bring "
                              "later counts on the next business day.")
                              .arg(warned->openOrders)
                              .arg(warned->unsentChanges);
        if (warned->drawerUncounted)
            message += u' ' + QCoreApplication::translate(
                                  "qpos::reports::ZReportBook",
                                  "A shift's cash drawer is not counted yet: end that shift "
                                  "first, or the Z shows the cash expected, not counted.");
        return Error{QStringLiteral("z.warnings"), message};
    }

    QSqlQuery last(m_db.handle());
    if (!last.exec(QStringLiteral("SELECT MAX(seq), MAX(business_day) FROM z_reports")) ||
        !last.next())
        return queryError(last);
    const qint64 seq = last.value(0).toLongLong() + 1;
    const QVariant lastDay = last.value(1);
    last.finish();

    const qint64 at = now();
    const int today = china_calendar::dayNumberOf(at);
    if (!lastDay.isNull() && lastDay.toInt() >= today)
        return Error{QStringLiteral("z.taken"),
                     QCoreApplication::translate(
                         "qpos::reports::ZReportBook",
                         "The Z report of %1 was already taken; a day is closed once. Reprint "
                         "it from the list. Sales from now on count on %2.")
                         .arg(dayText(lastDay.toInt()),
                              dayText(china_calendar::dayNumber(
                                  china_calendar::dateOfDayNumber(lastDay.toInt()).addDays(1))))};
    // Every day since the previous Z (the first Z: today), at most the longest report.
    const QDate todayDate = china_calendar::dateOfDayNumber(today);
    const QDate from = lastDay.isNull()
                           ? todayDate
                           : qMax(china_calendar::dateOfDayNumber(lastDay.toInt()).addDays(1),
                                  todayDate.addDays(1 - kMaxReportDays));

    Result<SalesReport> snapshot =
        buildSalesReport(m_db, ReportScope{china_calendar::dayNumber(from), today, 0});
    if (!snapshot)
        return snapshot.error();

    ZReport z;
    z.seq = seq;
    z.businessDay = today;
    z.fromDay = china_calendar::dayNumber(from);
    z.takenAtMs = at;
    z.takenBy = takenBy;
    z.snapshot = std::move(snapshot).value();
    QSqlQuery ins(m_db.handle());
    ins.prepare(
        QStringLiteral("INSERT INTO z_reports (%1) VALUES (?, ?, ?, ?, ?, ?)").arg(kZColumns));
    ins.bindValue(0, z.seq);
    ins.bindValue(1, z.businessDay);
    ins.bindValue(2, z.fromDay);
    ins.bindValue(3, z.takenAtMs);
    ins.bindValue(4, z.takenBy);
    ins.bindValue(
        5, QString::fromUtf8(QJsonDocument(toJson(z.snapshot)).toJson(QJsonDocument::Compact)));
    if (!ins.exec())
        return queryError(ins);
    if (Status s = tx.commit(); !s.ok())
        return s.error();
    qCInfo(lcStore).noquote() << "Z report" << z.seq << "closed business day" << z.businessDay
                              << "by" << takenBy;
    return find(z.seq); // as every Z is read: with its manager's name
}

Result<QList<ZReport>> ZReportBook::list(int limit) {
    QSqlQuery q(m_db.handle());
    q.prepare(kZSelect + QStringLiteral(" ORDER BY seq DESC LIMIT ?"));
    q.bindValue(0, qBound(1, limit, 1000));
    if (!q.exec())
        return queryError(q);
    QList<ZReport> all;
    while (q.next()) {
        Result<ZReport> z = zFromRow(q);
        if (!z)
            return z.error();
        all.append(std::move(z).value());
    }
    return all;
}

Result<ZReport> ZReportBook::find(qint64 seq) {
    QSqlQuery q(m_db.handle());
    q.prepare(kZSelect + QStringLiteral(" WHERE seq = ?"));
    q.bindValue(0, seq);
    if (!q.exec())
        return queryError(q);
    if (!q.next())
        return Error{QStringLiteral("z.not_found"),
                     QCoreApplication::translate("qpos::reports::ZReportBook",
                                                 "There is no Z report No. %1 on this till.")
                         .arg(seq)};
    return zFromRow(q);
}

} // namespace qpos::reports
