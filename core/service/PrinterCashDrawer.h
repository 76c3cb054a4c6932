#pragma once

#include "core/printing/CashDrawer.h"

#include <QPointer>

namespace qpos::service {

class PosService;

// The cash drawer wired to the receipt printer's drawer kick (docs/printing.md). Opening it
// hands the kick to the printer's thread and returns at once, so the till's worker never
// waits on the printer; whether the printer took it comes back as PosService::printFinished
// with an empty request id and PrintKind::Drawer.
class PrinterCashDrawer : public printing::CashDrawer {
public:
    explicit PrinterCashDrawer(PosService* service);

    Status open() override;

private:
    QPointer<PosService> m_service;
};

} // namespace qpos::service
