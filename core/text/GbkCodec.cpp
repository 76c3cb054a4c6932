#include "core/text/GbkCodec.h"

#include "core/text/IconvConverter.h"

#include <QCoreApplication>

#include <algorithm>
#include <cerrno>

namespace qpos::gbk {

namespace {

// Length of the UTF-8 sequence that starts with `lead` (1 for a stray byte).
qsizetype utf8Length(char lead) {
    const auto byte = static_cast<unsigned char>(lead);
    if (byte >= 0xF0)
        return 4;
    if (byte >= 0xE0)
        return 3;
    if (byte >= 0xC0)
        return 2;
    return 1;
}

// Every string keeps the Alipay gateway's translation context, so the shipped translations apply.
Error unavailable() {
    return Error{QStringLiteral("alipay.gbk_unavailable"),
                 QCoreApplication::translate("qpos::alipay::GbkCodec",
                                             "This system cannot convert GBK text (glibc's "
                                             "GB18030 converter is missing). Reinstall the libc6 "
                                             "package.")};
}

} // namespace

Result<QString> decode(QByteArrayView bytes) {
    ::qpos::text::IconvConverter cd("UTF-8", "GB18030");
    if (!cd.isOpen())
        return unavailable();
    QByteArray utf8;
    if (const ::qpos::text::IconvStop stop = cd.convert(bytes, utf8); stop.error != 0) {
        const qsizetype line = bytes.first(stop.at).count('\n') + 1;
        const QString what =
            stop.error == EINVAL
                ? QCoreApplication::translate("qpos::alipay::GbkCodec",
                                              "the text ends in the middle of a character "
                                              "(line %1): the file is truncated")
                      .arg(line)
                : QCoreApplication::translate("qpos::alipay::GbkCodec",
                                              "line %1, byte %2 is not valid GBK text")
                      .arg(line)
                      .arg(stop.at);
        return Error{QStringLiteral("alipay.gbk_invalid"), what};
    }
    return QString::fromUtf8(utf8);
}

Result<QByteArray> encode(const QString& text) {
    ::qpos::text::IconvConverter cd("GBK", "UTF-8");
    if (!cd.isOpen())
        return unavailable();
    QByteArray out;
    if (const ::qpos::text::IconvStop stop = cd.convert(text.toUtf8(), out); stop.error != 0)
        return Error{QStringLiteral("alipay.gbk_unencodable"),
                     QCoreApplication::translate("qpos::alipay::GbkCodec",
                                                 "The text has a character GBK cannot "
                                                 "hold (byte %1).")
                         .arg(stop.at)};
    return out;
}

Result<QByteArray> encodeReplacing(const QString& text) {
    ::qpos::text::IconvConverter cd("GBK", "UTF-8");
    if (!cd.isOpen())
        return unavailable();
    const QByteArray utf8 = text.toUtf8();
    QByteArrayView rest = utf8;
    QByteArray out;
    for (::qpos::text::IconvStop stop = cd.convert(rest, out); stop.error != 0;
         stop = cd.convert(rest, out)) {
        out += '?';
        rest = rest.sliced(stop.at + std::min(utf8Length(rest[stop.at]), rest.size() - stop.at));
    }
    return out;
}

} // namespace qpos::gbk
