#include "core/text/Gb18030.h"

#include "core/text/IconvConverter.h"

#include <QCoreApplication>

namespace qpos::gb18030 {

Result<QByteArray> encode(const QString& text) {
    ::qpos::text::IconvConverter cd("GB18030", "UTF-8");
    if (!cd.isOpen())
        return Error{QStringLiteral("text.gb18030_unavailable"),
                     QCoreApplication::translate("qpos::gb18030",
                                                 "This system cannot convert text to GB18030 "
                                                 "(glibc's converter is missing). Reinstall the "
                                                 "libc6 package.")};
    QByteArray out;
    // UTF-8 from a QString is always valid (a lone surrogate becomes U+FFFD), and GB18030
    // holds every code point, so the conversion cannot stop part way.
    if (const ::qpos::text::IconvStop stop = cd.convert(text.toUtf8(), out); stop.error != 0)
        return Error{QStringLiteral("text.gb18030_unavailable"),
                     QCoreApplication::translate("qpos::gb18030",
                                                 "The GB18030 converter stopped at byte %1. "
                                                 "Reinstall the libc6 package.")
                         .arg(stop.at)};
    return out;
}

} // namespace qpos::gb18030
