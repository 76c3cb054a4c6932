#include "core/text/GbkCodec.h"

#include <QCoreApplication>

#include <algorithm>
#include <cerrno>
#include <iconv.h>

namespace qpos::gbk {

namespace {

// Where a conversion stopped: errno (EILSEQ or EINVAL) and the input offset, or no error.
struct Stop {
    int error = 0;
    qsizetype at = 0;
};

// Owns one iconv conversion descriptor.
class Iconv {
public:
    Iconv(const char* to, const char* from)
        : m_cd(iconv_open(to, from)) {}
    ~Iconv() {
        if (isOpen())
            iconv_close(m_cd);
    }
    Iconv(const Iconv&) = delete;
    Iconv& operator=(const Iconv&) = delete;

    bool isOpen() const { return m_cd != reinterpret_cast<iconv_t>(-1); }

    // Appends the conversion of `in` to `out`, up to the first sequence it cannot convert.
    Stop convert(QByteArrayView in, QByteArray& out) {
        out.reserve(out.size() + in.size() * 2 + 16);
        // iconv's interface takes a non-const input pointer but never writes through it.
        char* inPtr = const_cast<char*>(in.data());
        size_t inLeft = static_cast<size_t>(in.size());
        QByteArray buffer(4096, Qt::Uninitialized);
        while (inLeft > 0) {
            char* outPtr = buffer.data();
            size_t outLeft = static_cast<size_t>(buffer.size());
            const size_t rc = iconv(m_cd, &inPtr, &inLeft, &outPtr, &outLeft);
            out.append(buffer.constData(), buffer.size() - static_cast<qsizetype>(outLeft));
            if (rc == static_cast<size_t>(-1) && errno != E2BIG)
                return Stop{errno, in.size() - static_cast<qsizetype>(inLeft)};
        }
        // Flush any shift state (none for these encodings, but harmless).
        char* outPtr = buffer.data();
        size_t outLeft = static_cast<size_t>(buffer.size());
        iconv(m_cd, nullptr, nullptr, &outPtr, &outLeft);
        out.append(buffer.constData(), buffer.size() - static_cast<qsizetype>(outLeft));
        return Stop{};
    }

private:
    iconv_t m_cd;
};

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

Error invalid(const Stop& stop, qsizetype line) {
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
    Iconv cd("UTF-8", "GB18030");
    if (!cd.isOpen())
        return unavailable();
    QByteArray utf8;
    if (const Stop stop = cd.convert(bytes, utf8); stop.error != 0)
        return invalid(stop, bytes.first(stop.at).count('\n') + 1);
    return QString::fromUtf8(utf8);
}

struct LineDecoder::Converter {
    Iconv cd{"UTF-8", "GB18030"};
    QByteArray utf8;
};

LineDecoder::LineDecoder()
    : m_converter(std::make_unique<Converter>()) {}

LineDecoder::~LineDecoder() = default;

Result<QString> LineDecoder::decode(QByteArrayView line, int lineNumber) {
    if (!m_converter->cd.isOpen())
        return unavailable();
    // Plain ASCII, most of a bill's bytes, needs no converter.
    bool ascii = true;
    for (const char c : line) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii)
        return QString::fromLatin1(line);
    m_converter->utf8.clear();
    if (const Stop stop = m_converter->cd.convert(line, m_converter->utf8); stop.error != 0)
        return invalid(stop, lineNumber);
    return QString::fromUtf8(m_converter->utf8);
}

Result<QByteArray> encode(const QString& text) {
    Iconv cd("GBK", "UTF-8");
    if (!cd.isOpen())
        return unavailable();
    QByteArray out;
    if (const Stop stop = cd.convert(text.toUtf8(), out); stop.error != 0)
        return Error{QStringLiteral("alipay.gbk_unencodable"),
                     QCoreApplication::translate("qpos::alipay::GbkCodec",
                                                 "The text has a character GBK cannot "
                                                 "hold (byte %1).")
                         .arg(stop.at)};
    return out;
}

Result<QByteArray> encodeReplacing(const QString& text) {
    Iconv cd("GBK", "UTF-8");
    if (!cd.isOpen())
        return unavailable();
    const QByteArray utf8 = text.toUtf8();
    QByteArrayView rest = utf8;
    QByteArray out;
    for (Stop stop = cd.convert(rest, out); stop.error != 0; stop = cd.convert(rest, out)) {
        out += '?';
        rest = rest.sliced(stop.at + std::min(utf8Length(rest[stop.at]), rest.size() - stop.at));
    }
    return out;
}

} // namespace qpos::gbk
