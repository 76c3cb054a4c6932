#pragma once

#include "core/common/Result.h"
#include "core/staff/Staff.h"

#include <QList>
#include <QString>

#include <functional>

namespace qpos {

class Database;

// The till's staff and their PINs, in the order database (table `staff`). Only scrypt hashes
// of PINs are stored (crypto/PinHash.h); checking a PIN takes ~0.1 s on purpose, so call it
// off the GUI thread. After 5 wrong PINs in a row a staff id is locked for 60 s; the count and
// the lockout are kept in the database (table `pin_failures`), so a restart does not lift them.
class StaffStore {
public:
    explicit StaffStore(Database& db, std::function<qint64()> clock = {});

    // Adds or replaces a member; `pin` (4..12 digits) is required for a new member and
    // optional (empty: unchanged) for an existing one.
    Status save(const StaffMember& member, const QString& pin);
    Status remove(const QString& id);
    Result<QList<StaffMember>> list();
    Result<StaffMember> find(const QString& id);
    bool isEmpty();

    // The member when `pin` is theirs. Errors: "staff.unknown", "staff.wrong_pin",
    // "staff.locked" (each with a translated message that says what to do).
    Result<StaffMember> verify(const QString& id, const QString& pin);
    // As verify(), and also requires the manager role ("staff.not_manager").
    Result<StaffMember> verifyManager(const QString& id, const QString& pin);
    // A manager whose PIN this is, whoever it is (the till's "manager PIN" prompt).
    Result<StaffMember> findManagerByPin(const QString& pin);

    static bool isValidPin(const QString& pin);

private:
    qint64 now() const;
    struct Failures {
        int count = 0;
        qint64 lockedUntilMs = 0;
    };
    Result<Failures> failures(const QString& key) const;
    Status checkLock(const QString& key) const;
    Status recordFailure(const QString& key);
    Status clearFailures(const QString& key);

    Database& m_db;
    std::function<qint64()> m_clock;
};

} // namespace qpos
