#include "core/gateways/alipay/GbkCodec.h"

#include <QCoreApplication>

#include <cerrno>
#include <iconv.h>

namespace qpos::alipay {

namespace {

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

    // Converts all of `in`; on failure returns the errno and the input offset reached.
    int convert(QByteArrayView in, QByteArray& out, qsizetype& failedAt) {
        out.clear();
        out.reserve(in.size() * 2 + 16);
        // iconv's interface takes a non-const input pointer but never writes through it.
        char* inPtr = const_cast<char*>(in.data());
        size_t inLeft = static_cast<size_t>(in.size());
        QByteArray buffer(4096, Qt::Uninitialized);
        while (inLeft > 0) {
            char* outPtr = buffer.data();
            size_t outLeft = static_cast<size_t>(buffer.size());
            const size_t rc = iconv(m_cd, &inPtr, &inLeft, &outPtr, &outLeft);
            out.append(buffer.constData(), buffer.size() - static_cast<qsizetype>(outLeft));
            if (rc == static_cast<size_t>(-1) && errno != E2BIG) {
                failedAt = in.size() - static_cast<qsizetype>(inLeft);
                return errno;
            }
        }
        // Flush any shift state (none for GB18030, but harmless).
        char* outPtr = buffer.data();
        size_t outLeft = static_cast<size_t>(buffer.size());
        iconv(m_cd, nullptr, nullptr, &outPtr, &outLeft);
        out.append(buffer.constData(), buffer.size() - static_cast<qsizetype>(outLeft));
        return 0;
    }

private:
    iconv_t m_cd;
};

Error unavailable() {
    return Error{QStringLiteral("alipay.gbk_unavailable"),
                 QCoreApplication::translate("qpos::alipay::GbkCodec",
                                             "This system cannot convert GBK text (glibc's "
                                             "GB18030 converter is missing). Reinstall the libc6 "
                                             "package.")};
}

} // namespace

Result<QString> decodeGbk(QByteArrayView bytes) {
    Iconv cd("UTF-8", "GB18030");
    if (!cd.isOpen())
        return unavailable();
    QByteArray utf8;
    qsizetype failedAt = 0;
    if (const int err = cd.convert(bytes, utf8, failedAt); err != 0) {
        const qsizetype line = bytes.first(failedAt).count('\n') + 1;
        const QString what =
            err == EINVAL
                ? QCoreApplication::translate("qpos::alipay::GbkCodec",
                                              "the text ends in the middle of a character "
                                              "(line %1): the file is truncated")
                      .arg(line)
                : QCoreApplication::translate("qpos::alipay::GbkCodec",
                                              "line %1, byte %2 is not valid GBK text")
                      .arg(line)
                      .arg(failedAt);
        return Error{QStringLiteral("alipay.gbk_invalid"), what};
    }
    return QString::fromUtf8(utf8);
}

Result<QByteArray> encodeGbk(const QString& text) {
    Iconv cd("GBK", "UTF-8");
    if (!cd.isOpen())
        return unavailable();
    QByteArray gbk;
    qsizetype failedAt = 0;
    const QByteArray utf8 = text.toUtf8();
    if (cd.convert(utf8, gbk, failedAt) != 0)
        return Error{QStringLiteral("alipay.gbk_unencodable"),
                     QCoreApplication::translate("qpos::alipay::GbkCodec",
                                                 "The text has a character GBK cannot hold "
                                                 "(byte %1).")
                         .arg(failedAt)};
    return gbk;
}

} // namespace qpos::alipay
