#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace qpos {

// Who may do what at the till. Stored by name ("cashier", "manager").
enum class StaffRole : int {
    Cashier = 0, // sells and cancels
    Manager = 1, // also refunds, settings, reports
};

QString staffRoleName(StaffRole role);
std::optional<StaffRole> staffRoleFromName(QStringView name);
QString staffRoleLabel(StaffRole role); // translated

struct StaffMember {
    QString id;   // 1..16 of [A-Za-z0-9], the operator id sent to providers
    QString name; // display name
    StaffRole role = StaffRole::Cashier;

    bool canApprove() const { return role == StaffRole::Manager; }
};

} // namespace qpos
