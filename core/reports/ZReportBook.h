#pragma once

#include "core/common/Result.h"
#include "core/reports/SalesReport.h"

#include <QList>
#include <QMetaType>
#include <QString>

#include <functional>

namespace qpos {
class Database;
}

namespace qpos::reports {

// A business day closed: its gap-free number, the days it covers and the report as it was
// when it was taken, frozen (docs/reports.md, "Z report").
struct ZReport {
    qint64 seq = 0;       // 1, 2, 3, ... with no gaps
    int businessDay = 0;  // the day it closed, yyyyMMdd
    int fromDay = 0;      // the first day it covers: the day after the previous Z
    qint64 takenAtMs = 0; // UTC ms
    QString takenBy;      // the approving manager's id
    QString takenByName;  // that manager's name in the staff list now; empty once removed
    SalesReport snapshot;
};

// What a Z warns about before it is taken.
struct ZWarnings {
    qint64 openOrders = 0;    // payments whose outcome is not known yet
    qint64 unsentChanges = 0; // order changes not yet uploaded to the store backend
    // A shift with a cash drawer is still open: the day's cash is expected, not counted.
    bool drawerUncounted = false;

    bool any() const { return openOrders > 0 || unsentChanges > 0 || drawerUncounted; }
};

// The Z reports (table `z_reports`, schema 6; the database refuses to change or delete one).
class ZReportBook {
public:
    ZReportBook(Database& db, std::function<qint64()> clock);

    Result<ZWarnings> warnings();
    // The business day now: today's China date, or the day after the last Z when a Z already
    // closed today.
    Result<int> currentBusinessDay();
    // True when a Z already closed today's China date: no other Z can be taken before tomorrow.
    Result<bool> closedToday();
    // Closes today's business day. With warnings, it is refused unless `despiteWarnings`:
    // the manager saw them first. A second Z for the same day is refused.
    Result<ZReport> take(const QString& takenBy, bool despiteWarnings);
    // Newest first.
    Result<QList<ZReport>> list(int limit);
    Result<ZReport> find(qint64 seq);

private:
    qint64 now() const;

    Database& m_db;
    std::function<qint64()> m_clock;
};

} // namespace qpos::reports

Q_DECLARE_METATYPE(qpos::reports::ZReport)
Q_DECLARE_METATYPE(qpos::reports::ZWarnings)
