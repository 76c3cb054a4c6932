#pragma once

#include <QString>

namespace qpos {

// How reports, slips and lists name a member of staff: "name (id)", or the id alone when the
// name is not known (the member was removed from the staff list since).
QString staffLabel(const QString& id, const QString& name);

} // namespace qpos
