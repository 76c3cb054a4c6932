#pragma once

#include "core/common/Result.h"

#include <QString>
#include <QtGlobal>

namespace qpos::printing {

// Where a receipt printer is: a network printer's raw port ("tcp://host:port", the port 9100
// when left out) or a device file the printer's driver makes (/dev/usb/lp0).
struct PrinterAddress {
    enum class Kind { Tcp, DeviceFile };

    static constexpr quint16 kDefaultPort = 9100;

    Kind kind = Kind::Tcp;
    QString host;
    quint16 port = kDefaultPort;
    QString path;

    // "printer.bad_address" with what to write instead.
    static Result<PrinterAddress> parse(const QString& url);
    // As people write it: "tcp://host:port" or the path.
    QString text() const;
};

} // namespace qpos::printing
