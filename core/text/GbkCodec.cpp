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

Error invalid(const ::qpos::text::IconvStop& stop, qsizetype line) {
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

} // namespace

Result<QString> decode(QByteArrayView bytes) {
    ::qpos::text::IconvConverter cd("UTF-8", "GB18030");
    if (!cd.isOpen())
        return unavailable();
    QByteArray utf8;
    if (const ::qpos::text::IconvStop stop = cd.convert(bytes, utf8); stop.error != 0)
        return invalid(stop, bytes.first(stop.at).count('\n') + 1);
    return QString::fromUtf8(utf8);
}

struct LineDecoder::Converter {
    ::qpos::text::IconvConverter cd{"UTF-8", "GB18030"};
    QByteArray utf8;
};

LineDecoder::LineDecoder()
    : m_converter(std::make_unique<Converter>()) {}

LineDecoder::~LineDecoder() = default;

Result<QString> LineDecoder::decode(QByteArrayView line, int lineNumber) {
    Result<QByteArrayView> utf8 = decodeToUtf8(line, lineNumber);
    if (!utf8)
        return utf8.error();
    return QString::fromUtf8(*utf8);
}

Result<QByteArrayView> LineDecoder::decodeToUtf8(QByteArrayView line, int lineNumber) {
    if (!m_converter->cd.isOpen())
        return unavailable();
    // Plain ASCII, most of a bill's bytes, needs no converter.
    const bool ascii = std::all_of(line.begin(), line.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii)
        return line;
    m_converter->utf8.resize(0); // keeps its capacity for the next line
    if (const ::qpos::text::IconvStop stop = m_converter->cd.convert(line, m_converter->utf8);
        stop.error != 0)
        return invalid(stop, lineNumber);
    return QByteArrayView(m_converter->utf8);
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
