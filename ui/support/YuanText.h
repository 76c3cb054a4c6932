#pragma once

#include "core/money/Money.h"

#include <QString>

namespace qpos::ui {

// An amount as the till shows it in large type: "¥ 12.34".
inline QString yuanText(money::Fen fen) {
    return QStringLiteral("¥ ") + money::formatYuan(fen);
}

} // namespace qpos::ui
