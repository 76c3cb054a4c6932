#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QString>

// GB18030, the national standard encoding thermal receipt printers sold in China take in their
// Chinese mode. It covers all of Unicode, so any text encodes; glibc's iconv converts it.
//
// Error code: "text.gb18030_unavailable" (this libc has no GB18030 converter).
namespace qpos::gb18030 {

Result<QByteArray> encode(const QString& text);

} // namespace qpos::gb18030
