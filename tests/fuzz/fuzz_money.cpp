// money::parseYuan over any text, and formatYuan over any amount. Properties: a parse that
// succeeds means exactly the decimal the text spells (checked by an independent reading), and
// parse -> format -> parse gives the same fen (and the same sub-fen amount, for fees); every
// amount in range formats to a text that parses back to it.
#include "core/money/Money.h"
#include "core/money/SubFen.h"
#include "tests/fuzz/FuzzSupport.h"

#include <QString>

#include <cstring>
#include <optional>

using namespace qpos;
using namespace qpos::money;

namespace {

// The plain reading of "digits[.d[d]]" as fen, or nothing for any other text. Deliberately
// simple and separate from parseYuan: the two must agree on what an accepted text means.
std::optional<Fen> plainDecimalFen(const QString& text) {
    const qsizetype dot = text.indexOf(u'.');
    const QString whole = dot < 0 ? text : text.left(dot);
    const QString fraction = dot < 0 ? QString() : text.mid(dot + 1);
    if (whole.isEmpty() || whole.size() > 12 || fraction.size() > 2 ||
        (dot >= 0 && fraction.isEmpty()))
        return std::nullopt;
    Fen fen = 0;
    for (QChar c : whole) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        fen = fen * 10 + (c.unicode() - u'0');
    }
    fen *= 100;
    for (qsizetype i = 0; i < 2; ++i) {
        const QChar c = i < fraction.size() ? fraction[i] : QChar(u'0');
        if (c < u'0' || c > u'9')
            return std::nullopt;
        fen += (i == 0 ? 10 : 1) * (c.unicode() - u'0');
    }
    return fen;
}

void checkText(const QString& text, Sign sign) {
    const Result<Fen> parsed = parseYuan(text, sign);
    if (!parsed) {
        QPOS_FUZZ_CHECK(!parsed.error().code.isEmpty());
        QPOS_FUZZ_CHECK(!parsed.error().message.isEmpty());
        return;
    }
    const Fen fen = parsed.value();
    QPOS_FUZZ_CHECK(fen >= 0 && fen <= kMaxFen);
    QPOS_FUZZ_CHECK(sign == Sign::NonNegative || fen > 0);
    QPOS_FUZZ_CHECK(plainDecimalFen(text) == fen);
    const QString printed = formatYuan(fen);
    const Result<Fen> again = parseYuan(printed, sign);
    QPOS_FUZZ_CHECK(again.ok() && again.value() == fen);
}

// Sub-fen amounts (WeChat Pay's five-decimal fees): an accepted text prints back to a text that
// parses to the same amount, and one with at most two decimals means the same as parseYuan.
void checkSubFenText(const QString& text) {
    const Result<SubFen> parsed = parseSubFenYuan(text);
    if (!parsed) {
        QPOS_FUZZ_CHECK(!parsed.error().message.isEmpty());
        return;
    }
    const Result<SubFen> again = parseSubFenYuan(formatSubFenYuan(parsed.value()));
    QPOS_FUZZ_CHECK(again.ok() && again.value() == parsed.value());
    const Result<Fen> yuan = parseYuan(text, Sign::NonNegative);
    if (yuan)
        QPOS_FUZZ_CHECK(parsed.value() == SubFen::fromFen(yuan.value()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureCoreApplication();
    const QString text = QString::fromUtf8(fuzz::bytesOf(data, size));
    checkText(text, Sign::Positive);
    checkText(text, Sign::NonNegative);
    checkSubFenText(text);

    // The other direction: the first eight bytes as an amount.
    if (size >= sizeof(quint64)) {
        quint64 raw = 0;
        std::memcpy(&raw, data, sizeof raw);
        const Fen fen = Fen(raw % quint64(kMaxFen + 1));
        const Result<Fen> back = parseYuan(formatYuan(fen), Sign::NonNegative);
        QPOS_FUZZ_CHECK(back.ok() && back.value() == fen);
        // Negative amounts print with a sign, which parseYuan refuses rather than misreads.
        QPOS_FUZZ_CHECK(fen == 0 || !parseYuan(formatYuan(-fen), Sign::NonNegative).ok());
    }
    return 0;
}
