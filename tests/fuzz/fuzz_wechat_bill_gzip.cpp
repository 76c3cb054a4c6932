// WeChat Pay's gzip bills: gunzip over any bytes. Properties: the output never exceeds the
// limit (a gzip bomb stays bounded); what inflates, compressed again with zlib, inflates to
// the same bytes.
#include "core/gateways/wechat/WechatBill.h"
#include "tests/fuzz/FuzzSupport.h"

#include <zlib.h>

using namespace qpos;

namespace {

constexpr qsizetype kMaxBytes = 1024 * 1024;

QByteArray gzip(const QByteArray& data) {
    z_stream stream{};
    // 15 + 16: a gzip wrapper, as WeChat Pay sends it.
    QPOS_FUZZ_CHECK(
        deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    QByteArray out(qsizetype(deflateBound(&stream, uLong(data.size())) + 32), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = uInt(out.size());
    QPOS_FUZZ_CHECK(deflate(&stream, Z_FINISH) == Z_STREAM_END);
    out.resize(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const Result<QByteArray> inflated = wechat::gunzip(fuzz::bytesOf(data, size), kMaxBytes);
    if (!inflated) {
        QPOS_FUZZ_CHECK(inflated.error().code.startsWith(u"wechat.gzip_"));
        return 0;
    }
    QPOS_FUZZ_CHECK(inflated->size() <= kMaxBytes);
    const Result<QByteArray> again = wechat::gunzip(gzip(*inflated), kMaxBytes);
    QPOS_FUZZ_CHECK(again.ok() && again.value() == inflated.value());
    return 0;
}
