#pragma once

#include "core/common/Result.h"

namespace qpos::printing {

// The till's cash drawer, opened through whatever drives it (the receipt printer's drawer
// kick). PosService owns one when it is configured and opens it after a cash sale and a cash
// refund; without one the drawer is opened by hand and the cashier is told nothing.
class CashDrawer {
public:
    virtual ~CashDrawer();

    // Opens the drawer. Called on the till's worker thread; must not wait long. The error's
    // message is shown to the cashier and says what to do.
    virtual Status open() = 0;
};

} // namespace qpos::printing
