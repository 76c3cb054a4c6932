#pragma once

#include "core/common/Result.h"
#include "core/money/Money.h"

#include <QMetaType>
#include <QString>

#include <functional>
#include <optional>

namespace qpos {
class Database;
}

namespace qpos::reports {

// A cashier's turn at the till, from login to the end of the shift (docs/reports.md,
// "Shifts"). Sales and refunds made while it is open count in its X report.
struct Shift {
    qint64 id = 0;
    QString cashierId;
    qint64 openedAtMs = 0;
    std::optional<money::Fen> openingFloatFen; // only when the till takes cash
    std::optional<qint64> closedAtMs;
    QString closedBy;
    // The cash count at the shift's end (schema 7), when the till takes cash.
    std::optional<money::Fen> expectedCashFen; // reports::expectedCashFen() as it closed
    std::optional<money::Fen> countedCashFen;
    QString cashDifferenceReason;

    bool isOpen() const { return !closedAtMs.has_value(); }
};

// What the cashier counted in the drawer at the end of the shift, and why it differs from what
// the till expected (required when it does).
struct CashCount {
    money::Fen countedFen = 0;
    QString reason;
};

// The till's shifts (table `shifts`, schema 6). At most one is open at a time: the till is
// one drawer. Use from the thread that owns the database.
class ShiftBook {
public:
    ShiftBook(Database& db, std::function<qint64()> clock);

    // The shift of `cashierId` at login: the one still open for them (after a restart or a
    // break), or a new one. Another cashier's shift still open is closed first, by this
    // login, so nothing sold from now on counts in it. A float below zero or above the
    // largest amount is refused.
    Result<Shift> openShift(const QString& cashierId, std::optional<money::Fen> openingFloatFen);
    // Ends the shift; closing one already closed changes nothing and is not an error. With a
    // cash count the expected cash is computed by the report function (CashFigures.h) and
    // stored with the count; a count that differs without a reason is refused (shift.reason)
    // and the shift stays open.
    Result<Shift> closeShift(qint64 shiftId, const QString& closedBy,
                             const std::optional<CashCount>& count = std::nullopt);
    Result<Shift> shift(qint64 shiftId);
    Result<std::optional<Shift>> openShiftNow();

private:
    qint64 now() const;
    Result<Shift> closeCounted(qint64 shiftId, const QString& closedBy, const CashCount& count);

    Database& m_db;
    std::function<qint64()> m_clock;
};

} // namespace qpos::reports

Q_DECLARE_METATYPE(qpos::reports::Shift)
