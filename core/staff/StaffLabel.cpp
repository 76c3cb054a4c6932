#include "core/staff/StaffLabel.h"

namespace qpos {

QString staffLabel(const QString& id, const QString& name) {
    return name.isEmpty() ? id : QStringLiteral("%1 (%2)").arg(name, id);
}

} // namespace qpos
