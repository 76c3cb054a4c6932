#include "core/printing/CashDrawer.h"

namespace qpos::printing {

// Out of line: the class's vtable lives in one place, the core library.
CashDrawer::~CashDrawer() = default;

} // namespace qpos::printing
