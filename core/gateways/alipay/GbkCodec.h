#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace qpos::alipay {

// Alipay's bills are GBK text (Windows "ANSI" in mainland China). Qt 6.4's QStringDecoder
// has no GBK, so this uses glibc's iconv (no extra package). Decoding uses GB18030, a strict
// superset of GBK, so every GBK file decodes the same and a stray GB18030 character does not
// fail a whole bill.

// Decodes strictly: an invalid or truncated byte sequence is an error naming its line
// (1-based) and byte offset, never a silent replacement character.
Result<QString> decodeGbk(QByteArrayView bytes);

// Encodes to GBK (the sandbox and tests build bills with it). Characters GBK cannot hold
// are an error.
Result<QByteArray> encodeGbk(const QString& text);

} // namespace qpos::alipay
