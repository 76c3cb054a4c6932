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
            return IconvStop{errno, in.size() - static_cast<qsizetype>(inLeft)};
    }
    // Flush any shift state (none for these encodings, but harmless).
    char* outPtr = buffer.data();
    size_t outLeft = static_cast<size_t>(buffer.size());
    iconv(m_cd, nullptr, nullptr, &outPtr, &outLeft);
    out.append(buffer.constData(), buffer.size() - static_cast<qsizetype>(outLeft));
    return IconvStop{};
}

} // namespace qpos::text
