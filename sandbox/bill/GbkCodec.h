#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace qpos::sandbox::gbk {

// GBK, the encoding of Alipay's bill files. Qt 6 has no GBK codec of its own (without ICU),
// so this uses glibc's iconv. A character GBK cannot represent (an emoji in a subject) is
// written as '?', as a Chinese Windows program exporting CSV would.
QByteArray encode(const QString& text);
// Fails on bytes that are not GBK.
Result<QString> decode(QByteArrayView bytes);

} // namespace qpos::sandbox::gbk
