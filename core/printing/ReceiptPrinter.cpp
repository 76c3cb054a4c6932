#include "core/printing/ReceiptPrinter.h"

#include "core/logging/LogCategories.h"

#include <QCoreApplication>

namespace qpos::printing {

int columnsOf(PaperWidth width) {
    return width == PaperWidth::Mm58 ? 32 : 48;
}

ReceiptPrinter::ReceiptPrinter(PrinterConfig config, TransportTimeouts timeouts)
    : m_config(std::move(config))
    , m_timeouts(timeouts) {}

int ReceiptPrinter::columns() const {
    return columnsOf(m_config.width);
}

DrawerPin ReceiptPrinter::drawerPin() const {
    return m_config.drawer == CashDrawerPin::Pin5 ? DrawerPin::Pin5 : DrawerPin::Pin2;
}

Status ReceiptPrinter::checkEnabled() const {
    if (m_config.enabled)
        return Status::success();
    return Error{QStringLiteral("printer.disabled"),
                 QCoreApplication::translate("qpos::printing::ReceiptPrinter",
                                             "No receipt printer is set up. A manager can set "
                                             "one in Settings → Printer.")};
}

Status ReceiptPrinter::print(const EscPosDocument& document) {
    Result<QByteArray> job = document.bytes();
    if (!job)
        return job.error();
    return print(*job);
}

Status ReceiptPrinter::print(const QByteArray& job) {
    if (Status s = checkEnabled(); !s.ok())
        return s;
    Result<PrinterAddress> address = PrinterAddress::parse(m_config.url);
    if (!address)
        return address.error();
    Status sent = sendToPrinter(*address, job, m_timeouts);
    if (sent.ok())
        qCInfo(lcApp).noquote() << "printed" << job.size() << "bytes on" << address->text();
    else
        qCWarning(lcApp).noquote() << "printing failed:" << sent.error().code << address->text();
    return sent;
}

Status ReceiptPrinter::openDrawer() {
    EscPosDocument kick(columns());
    kick.drawerKick(drawerPin());
    return print(kick);
}

} // namespace qpos::printing
