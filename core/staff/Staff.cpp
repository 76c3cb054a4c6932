#include "core/staff/Staff.h"

#include <QCoreApplication>

namespace qpos {

QString staffRoleName(StaffRole role) {
    return role == StaffRole::Manager ? QStringLiteral("manager") : QStringLiteral("cashier");
}

std::optional<StaffRole> staffRoleFromName(QStringView name) {
    if (name == u"cashier")
        return StaffRole::Cashier;
    if (name == u"manager")
        return StaffRole::Manager;
    return std::nullopt;
}

QString staffRoleLabel(StaffRole role) {
    return role == StaffRole::Manager ? QCoreApplication::translate("qpos::StaffRole", "Manager")
                                      : QCoreApplication::translate("qpos::StaffRole", "Cashier");
}

} // namespace qpos
