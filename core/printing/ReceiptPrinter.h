#pragma once

#include "core/common/Result.h"
#include "core/config/AppConfig.h"
#include "core/printing/EscPosDocument.h"
#include "core/printing/PrinterTransport.h"

#include <QByteArray>

namespace qpos::printing {

// The shop's ESC/POS receipt printer as [printer] configures it: where it is, its roll and the
// cash drawer on its kick-out connector. Every call blocks until the printer took the job (or
// failed): PosService runs them on its printer thread, never on the GUI thread.
//
// Error codes: "printer.disabled" ([printer] enabled is false), PrinterAddress's and
// PrinterTransport's.
class ReceiptPrinter {
public:
    explicit ReceiptPrinter(PrinterConfig config, TransportTimeouts timeouts = {});

    bool enabled() const { return m_config.enabled; }
    const PrinterConfig& config() const { return m_config; }
    // 32 columns on a 58 mm roll, 48 on an 80 mm roll.
    int columns() const;
    DrawerPin drawerPin() const;

    // Sends a finished document.
    Status print(const EscPosDocument& document);
    Status print(const QByteArray& job);
    // Kicks the cash drawer open: ESC p on the configured pin, nothing printed.
    Status openDrawer();

private:
    Status checkEnabled() const;

    PrinterConfig m_config;
    TransportTimeouts m_timeouts;
};

// Columns of a roll width.
int columnsOf(PaperWidth width);

} // namespace qpos::printing
