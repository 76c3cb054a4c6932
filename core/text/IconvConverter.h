#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QtGlobal>

#include <iconv.h>

namespace qpos::text {

// Where a conversion stopped: errno (EILSEQ or EINVAL) and the input offset, or no error.
struct IconvStop {
    int error = 0;
    qsizetype at = 0;
};

// Owns one glibc iconv conversion descriptor (the charset converters every Debian system has,
// so no table of our own).
class IconvConverter {
public:
    IconvConverter(const char* to, const char* from);
    ~IconvConverter();
    IconvConverter(const IconvConverter&) = delete;
    IconvConverter& operator=(const IconvConverter&) = delete;

    bool isOpen() const;

    // Appends the conversion of `in` to `out`, up to the first sequence it cannot convert.
    IconvStop convert(QByteArrayView in, QByteArray& out);

private:
    iconv_t m_cd;
};

} // namespace qpos::text
