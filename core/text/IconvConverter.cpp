#include "core/text/IconvConverter.h"

#include <cerrno>

namespace qpos::text {

IconvConverter::IconvConverter(const char* to, const char* from)
    : m_cd(iconv_open(to, from)) {}

IconvConverter::~IconvConverter() {
    if (isOpen())
        iconv_close(m_cd);
}

bool IconvConverter::isOpen() const {
    return m_cd != reinterpret_cast<iconv_t>(-1);
}

IconvStop IconvConverter::convert(QByteArrayView in, QByteArray& out) {
    // iconv's interface takes a non-const input pointer but never writes through it.
    char* inPtr = const_cast<char*>(in.data());
    size_t inLeft = static_cast<size_t>(in.size());
    // Straight into `out`, grown when iconv runs out of room: a bill converts line by line,
    // and a scratch buffer per line cost more than the conversion.
    qsizetype used = out.size();
    out.resize(used + in.size() * 2 + 16);
    while (inLeft > 0) {
        char* outPtr = out.data() + used;
        size_t outLeft = static_cast<size_t>(out.size() - used);
        const size_t rc = iconv(m_cd, &inPtr, &inLeft, &outPtr, &outLeft);
        const int error = rc == static_cast<size_t>(-1) ? errno : 0;
        used = outPtr - out.data();
        if (error == E2BIG) {
            out.resize(out.size() * 2 + 16);
        } else if (error != 0) {
            out.resize(used);
            return IconvStop{error, in.size() - static_cast<qsizetype>(inLeft)};
        }
    }
    // Flush any shift state (none for these encodings, but harmless).
    out.resize(used + 16);
    char* outPtr = out.data() + used;
    size_t outLeft = 16;
    iconv(m_cd, nullptr, nullptr, &outPtr, &outLeft);
    out.resize(outPtr - out.data());
    return IconvStop{};
}

} // namespace qpos::text
