#pragma once

#include <QString>
#include <QUuid>

namespace qpos::ui {

// A fresh id for one PosService request, so that a screen recognises its own answer among
// the signals every screen receives.
inline QString newRequestId() {
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

} // namespace qpos::ui
