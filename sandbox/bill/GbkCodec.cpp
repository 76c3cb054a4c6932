#include "sandbox/bill/GbkCodec.h"

#include <QCoreApplication>

#include <cerrno>
#include <iconv.h>

namespace qpos::sandbox::gbk {

namespace {

// Length of the UTF-8 sequence that starts with `lead` (1 for a stray byte).
int utf8Length(unsigned char lead) {
    if (lead >= 0xF0)
        return 4;
    if (lead >= 0xE0)
        return 3;
    if (lead >= 0xC0)
        return 2;
    return 1;
}

class Iconv {
public:
    Iconv(const char* to, const char* from)
        : m_cd(iconv_open(to, from)) {}
    ~Iconv() {
        if (ok())
            iconv_close(m_cd);
    }
    Iconv(const Iconv&) = delete;
    Iconv& operator=(const Iconv&) = delete;
    bool ok() const { return m_cd != reinterpret_cast<iconv_t>(-1); }
    iconv_t get() const { return m_cd; }

private:
    iconv_t m_cd;
};

} // namespace

QByteArray encode(const QString& text) {
    QByteArray in = text.toUtf8();
    Iconv cd("GBK", "UTF-8");
    if (!cd.ok())
        return text.toLatin1(); // no GBK in this libc: keep ASCII readable at least
    QByteArray out;
    out.reserve(in.size() * 2 + 16);
    char* inPtr = in.data();
    size_t inLeft = static_cast<size_t>(in.size());
    char buffer[4096];
    while (inLeft > 0) {
        char* outPtr = buffer;
        size_t outLeft = sizeof buffer;
        const size_t rc = iconv(cd.get(), &inPtr, &inLeft, &outPtr, &outLeft);
        out.append(buffer, static_cast<qsizetype>(sizeof buffer - outLeft));
        if (rc == static_cast<size_t>(-1)) {
            if (errno == E2BIG)
                continue;
            // EILSEQ or EINVAL: skip one UTF-8 character and stand a '?' in for it.
            const size_t skip = std::min<size_t>(
                inLeft, static_cast<size_t>(utf8Length(static_cast<unsigned char>(*inPtr))));
            inPtr += skip;
            inLeft -= skip;
            out += '?';
        }
    }
    return out;
}

Result<QString> decode(QByteArrayView bytes) {
    Iconv cd("UTF-8", "GBK");
    auto fail = [] {
        return Error{
            QStringLiteral("sandbox.gbk"),
            QCoreApplication::translate("qpos::sandbox::GbkCodec", "The text is not valid GBK.")};
    };
    if (!cd.ok())
        return fail();
    QByteArray in = bytes.toByteArray();
    char* inPtr = in.data();
    size_t inLeft = static_cast<size_t>(in.size());
    QByteArray out;
    char buffer[4096];
    while (inLeft > 0) {
        char* outPtr = buffer;
        size_t outLeft = sizeof buffer;
        const size_t rc = iconv(cd.get(), &inPtr, &inLeft, &outPtr, &outLeft);
        out.append(buffer, static_cast<qsizetype>(sizeof buffer - outLeft));
        if (rc == static_cast<size_t>(-1) && errno != E2BIG)
            return fail();
    }
    return QString::fromUtf8(out);
}

} // namespace qpos::sandbox::gbk
