#include "core/staff/StaffStore.h"

#include "core/crypto/PinHash.h"
#include "core/logging/LogCategories.h"
#include "core/orders/OutTradeNo.h"
#include "core/storage/Database.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

namespace qpos {

namespace {

constexpr int kMaxFailures = 5;
constexpr qint64 kLockMs = 60'000;

Error queryFailed(const QString& what, const QSqlQuery& q) {
    return databaseError(what, q.lastError().text());
}

Error unknownStaff(const QString& id) {
    return Error{QStringLiteral("staff.unknown"),
                 QCoreApplication::translate("qpos::StaffStore",
                                             "There is no staff member '%1'. Ask the manager or "
                                             "IT to add you (qposctl staff add).")
                     .arg(id)};
}

Error wrongPin() {
    return Error{QStringLiteral("staff.wrong_pin"),
                 QCoreApplication::translate("qpos::StaffStore",
                                             "Wrong PIN. Try again; after 5 wrong PINs the till "
                                             "waits a minute.")};
}

StaffMember memberFromQuery(const QSqlQuery& q) {
    StaffMember m;
    m.id = q.value(0).toString();
    m.name = q.value(1).toString();
    m.role = staffRoleFromName(q.value(2).toString()).value_or(StaffRole::Cashier);
    return m;
}

} // namespace

StaffStore::StaffStore(Database& db, std::function<qint64()> clock)
    : m_db(db)
    , m_clock(std::move(clock)) {}

qint64 StaffStore::now() const {
    return m_clock ? m_clock() : QDateTime::currentMSecsSinceEpoch();
}

bool StaffStore::isValidPin(const QString& pin) {
    if (pin.size() < 4 || pin.size() > 12)
        return false;
    for (const QChar c : pin)
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
    return true;
}

Status StaffStore::save(const StaffMember& member, const QString& pin) {
    if (!out_trade_no::isValidPartId(member.id))
        return Error{
            QStringLiteral("staff.bad_id"),
            QCoreApplication::translate("qpos::StaffStore",
                                        "Staff id '%1' is not valid: use 1-16 letters or digits.")
                .arg(member.id)};
    const QString name = member.name.trimmed();
    if (name.isEmpty() || name.size() > 64)
        return Error{QStringLiteral("staff.bad_name"),
                     QCoreApplication::translate("qpos::StaffStore",
                                                 "The staff member's name must be 1-64 "
                                                 "characters long.")};
    Result<StaffMember> existing = find(member.id);
    if (!existing && existing.error().code != QLatin1String("staff.unknown"))
        return existing.error();
    if (!pin.isEmpty() && !isValidPin(pin))
        return Error{QStringLiteral("staff.bad_pin"),
                     QCoreApplication::translate("qpos::StaffStore", "A PIN is 4 to 12 digits.")};
    if (pin.isEmpty() && !existing)
        return Error{QStringLiteral("staff.pin_required"),
                     QCoreApplication::translate("qpos::StaffStore",
                                                 "A new staff member needs a PIN of 4 to 12 "
                                                 "digits.")};
    QString hash;
    if (!pin.isEmpty()) {
        Result<QString> hashed = crypto::hashPin(pin);
        if (!hashed)
            return hashed.error();
        hash = *hashed;
    }

    QSqlQuery q(m_db.handle());
    if (existing) {
        q.prepare(QStringLiteral("UPDATE staff SET name = ?, role = ?, pin_hash = "
                                 "COALESCE(?, pin_hash), updated_at_ms = ? WHERE id = ?"));
        q.bindValue(0, name);
        q.bindValue(1, staffRoleName(member.role));
        q.bindValue(2, hash.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : hash);
        q.bindValue(3, now());
        q.bindValue(4, member.id);
    } else {
        q.prepare(QStringLiteral("INSERT INTO staff (id, name, role, pin_hash, updated_at_ms) "
                                 "VALUES (?, ?, ?, ?, ?)"));
        q.bindValue(0, member.id);
        q.bindValue(1, name);
        q.bindValue(2, staffRoleName(member.role));
        q.bindValue(3, hash);
        q.bindValue(4, now());
    }
    if (!q.exec())
        return queryFailed(
            QCoreApplication::translate("qpos::StaffStore", "saving the staff member"), q);
    if (Status cleared = clearFailures(member.id); !cleared.ok())
        return cleared;
    qCInfo(lcStore).noquote() << "staff member" << member.id << (existing ? "updated" : "added")
                              << "as" << staffRoleName(member.role);
    return Status::success();
}

Status StaffStore::remove(const QString& id) {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("DELETE FROM staff WHERE id = ?"));
    q.bindValue(0, id);
    if (!q.exec())
        return queryFailed(
            QCoreApplication::translate("qpos::StaffStore", "removing the staff member"), q);
    if (q.numRowsAffected() == 0)
        return unknownStaff(id);
    qCInfo(lcStore).noquote() << "staff member" << id << "removed";
    return Status::success();
}

Result<QList<StaffMember>> StaffStore::list() {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("SELECT id, name, role FROM staff ORDER BY id"));
    if (!q.exec())
        return queryFailed(QCoreApplication::translate("qpos::StaffStore", "listing staff"), q);
    QList<StaffMember> all;
    while (q.next())
        all << memberFromQuery(q);
    return all;
}

Result<StaffMember> StaffStore::find(const QString& id) {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("SELECT id, name, role FROM staff WHERE id = ?"));
    q.bindValue(0, id);
    if (!q.exec())
        return queryFailed(
            QCoreApplication::translate("qpos::StaffStore", "reading the staff member"), q);
    if (!q.next())
        return unknownStaff(id);
    return memberFromQuery(q);
}

bool StaffStore::isEmpty() {
    Result<QList<StaffMember>> all = list();
    return !all || all->isEmpty();
}

Result<StaffStore::Failures> StaffStore::failures(const QString& key) const {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("SELECT count, locked_until_ms FROM pin_failures WHERE key = ?"));
    q.bindValue(0, key);
    if (!q.exec())
        return queryFailed(
            QCoreApplication::translate("qpos::StaffStore", "reading wrong-PIN counts"), q);
    Failures f;
    if (q.next()) {
        f.count = q.value(0).toInt();
        f.lockedUntilMs = q.value(1).toLongLong();
    }
    return f;
}

Status StaffStore::checkLock(const QString& key) const {
    Result<Failures> f = failures(key);
    if (!f)
        return f.error();
    if (f->lockedUntilMs <= now())
        return Status::success();
    const qint64 seconds = (f->lockedUntilMs - now() + 999) / 1000;
    return Error{QStringLiteral("staff.locked"),
                 QCoreApplication::translate("qpos::StaffStore",
                                             "Too many wrong PINs. Wait %1 seconds and try "
                                             "again.")
                     .arg(seconds)};
}

Status StaffStore::recordFailure(const QString& key) {
    Result<Failures> read = failures(key);
    if (!read)
        return read.error();
    Failures f = *read;
    if (f.lockedUntilMs != 0 && f.lockedUntilMs <= now())
        f = Failures{};
    if (++f.count >= kMaxFailures) {
        f.lockedUntilMs = now() + kLockMs;
        f.count = 0;
        qCWarning(lcStore).noquote()
            << "staff member" << key << "locked for 60 s after" << kMaxFailures << "wrong PINs";
    }
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("INSERT INTO pin_failures (key, count, locked_until_ms) "
                             "VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                             "count = excluded.count, locked_until_ms = excluded.locked_until_ms"));
    q.bindValue(0, key);
    q.bindValue(1, f.count);
    q.bindValue(2, f.lockedUntilMs);
    if (!q.exec())
        return queryFailed(QCoreApplication::translate("qpos::StaffStore", "recording a wrong PIN"),
                           q);
    return Status::success();
}

Status StaffStore::clearFailures(const QString& key) {
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("DELETE FROM pin_failures WHERE key = ?"));
    q.bindValue(0, key);
    if (!q.exec())
        return queryFailed(
            QCoreApplication::translate("qpos::StaffStore", "clearing wrong-PIN counts"), q);
    return Status::success();
}

Result<StaffMember> StaffStore::verify(const QString& id, const QString& pin) {
    if (Status s = checkLock(id); !s.ok())
        return s.error();
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("SELECT id, name, role, pin_hash FROM staff WHERE id = ?"));
    q.bindValue(0, id);
    if (!q.exec())
        return queryFailed(
            QCoreApplication::translate("qpos::StaffStore", "reading the staff member"), q);
    if (!q.next())
        return unknownStaff(id);
    const StaffMember member = memberFromQuery(q);
    const QString stored = q.value(3).toString();
    q.finish();
    if (Status s = crypto::verifyPin(pin, stored); !s.ok()) {
        if (s.error().code != QLatin1String("crypto.pin_mismatch"))
            return s.error();
        if (Status recorded = recordFailure(id); !recorded.ok())
            return recorded.error();
        if (Status locked = checkLock(id); !locked.ok())
            return locked.error();
        return wrongPin();
    }
    if (Status cleared = clearFailures(id); !cleared.ok())
        return cleared.error();
    return member;
}

Result<StaffMember> StaffStore::verifyManager(const QString& id, const QString& pin) {
    Result<StaffMember> member = verify(id, pin);
    if (member && !member->canApprove())
        return Error{QStringLiteral("staff.not_manager"),
                     QCoreApplication::translate("qpos::StaffStore",
                                                 "%1 is not a manager. Ask a manager to enter "
                                                 "their PIN.")
                         .arg(member->name)};
    return member;
}

Result<StaffMember> StaffStore::findManagerByPin(const QString& pin) {
    // One lock for the shared prompt: guessing through it is as limited as by id.
    const QString promptKey = QStringLiteral("\x01manager-prompt");
    if (Status s = checkLock(promptKey); !s.ok())
        return s.error();
    QSqlQuery q(m_db.handle());
    q.prepare(QStringLiteral("SELECT id, name, role, pin_hash FROM staff WHERE role = 'manager' "
                             "ORDER BY id"));
    if (!q.exec())
        return queryFailed(QCoreApplication::translate("qpos::StaffStore", "reading managers"), q);
    QList<QPair<StaffMember, QString>> managers;
    while (q.next())
        managers.append({memberFromQuery(q), q.value(3).toString()});
    q.finish();
    if (managers.isEmpty())
        return Error{QStringLiteral("staff.no_manager"),
                     QCoreApplication::translate("qpos::StaffStore",
                                                 "No manager is set up on this till. Ask IT to "
                                                 "add one (qposctl staff add --role manager).")};
    for (const auto& [member, stored] : managers) {
        if (crypto::verifyPin(pin, stored).ok()) {
            if (Status cleared = clearFailures(promptKey); !cleared.ok())
                return cleared.error();
            return member;
        }
    }
    if (Status recorded = recordFailure(promptKey); !recorded.ok())
        return recorded.error();
    if (Status locked = checkLock(promptKey); !locked.ok())
        return locked.error();
    return Error{QStringLiteral("staff.wrong_pin"),
                 QCoreApplication::translate("qpos::StaffStore",
                                             "That is not a manager's PIN. Ask a manager to "
                                             "enter theirs.")};
}

} // namespace qpos
