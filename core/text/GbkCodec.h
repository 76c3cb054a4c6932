#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <memory>

// GBK, the encoding of Alipay's bill files (Windows "ANSI" in mainland China): the till reads
// them, the sandbox writes them. The conversions are glibc's iconv (no extra package). Qt 6.4's
// ICU-backed QStringDecoder("GBK") exists but silently drops invalid bytes and cannot say where
// they were, so it cannot back a strict decoder.
//
// Error codes: "alipay.gbk_unavailable" (this libc has no GBK converter), "alipay.gbk_invalid"
// (bytes that are not GBK, or a truncated character) and "alipay.gbk_unencodable" (a character
// GBK cannot hold). They keep the names they had when only the Alipay gateway used the codec.
namespace qpos::gbk {

// Decodes strictly: an invalid or truncated byte sequence is an error naming its line (1-based)
// and byte offset, never a silent replacement character. Decoding uses GB18030, a strict
// superset of GBK, so every GBK file decodes the same and a stray GB18030 character does not
// fail a whole bill.
Result<QString> decode(QByteArrayView bytes);

// Decodes a file line by line with one converter, for a bill too large to decode at once. The
// same strict rules as decode(); errors name the caller's line number. GBK needs no state
// across lines: a line break byte is never part of a GBK character.
class LineDecoder {
public:
    LineDecoder();
    ~LineDecoder();
    LineDecoder(const LineDecoder&) = delete;
    LineDecoder& operator=(const LineDecoder&) = delete;

    Result<QString> decode(QByteArrayView line, int lineNumber);
    // The same line as UTF-8 bytes, valid until the next call: `line` itself when it is plain
    // ASCII, else the decoder's own buffer.
    Result<QByteArrayView> decodeToUtf8(QByteArrayView line, int lineNumber);

private:
    struct Converter;
    std::unique_ptr<Converter> m_converter;
};

// Encodes to GBK; a character GBK cannot hold is an error naming its byte offset in UTF-8.
Result<QByteArray> encode(const QString& text);

// Encodes to GBK, writing '?' for each character GBK cannot hold (an emoji in a subject), as a
// Chinese Windows program exporting CSV does.
Result<QByteArray> encodeReplacing(const QString& text);

} // namespace qpos::gbk
