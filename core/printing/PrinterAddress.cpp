#include "core/printing/PrinterAddress.h"

#include <QCoreApplication>
#include <QUrl>

namespace qpos::printing {

Result<PrinterAddress> PrinterAddress::parse(const QString& url) {
    const QString text = url.trimmed();
    PrinterAddress address;
    if (text.startsWith(u'/')) {
        address.kind = Kind::DeviceFile;
        address.path = text;
        return address;
    }
    const QUrl parsed(text, QUrl::StrictMode);
    if (parsed.isValid() && parsed.scheme() == u"tcp" && !parsed.host().isEmpty() &&
        (parsed.path().isEmpty() || parsed.path() == u"/") && parsed.port() != 0 &&
        !parsed.hasQuery() && parsed.userInfo().isEmpty()) {
        address.host = parsed.host();
        address.port = quint16(parsed.port(kDefaultPort));
        return address;
    }
    return Error{QStringLiteral("printer.bad_address"),
                 QCoreApplication::translate("qpos::printing::PrinterAddress",
                                             "The receipt printer address \"%1\" is neither "
                                             "tcp://host:port nor a device file path such as "
                                             "/dev/usb/lp0. Correct [printer] url in Settings.")
                     .arg(text)};
}

QString PrinterAddress::text() const {
    if (kind == Kind::DeviceFile)
        return path;
    const QString shownHost = host.contains(u':') ? u'[' + host + u']' : host;
    return QStringLiteral("tcp://%1:%2").arg(shownHost).arg(port);
}

} // namespace qpos::printing
