#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QList>

namespace qpos::sandbox::zip_archive {

struct Entry {
    // The name's bytes as stored. Alipay stores GBK names without the zip UTF-8 flag; pass
    // GBK bytes and `utf8Name = false` to do the same.
    QByteArray name;
    QByteArray data;
    bool utf8Name = true;
};

// A deflated zip archive in memory (libzip).
Result<QByteArray> build(const QList<Entry>& entries);

// Reads every entry back (names as stored, raw bytes). For tests and tools.
Result<QList<Entry>> read(const QByteArray& archive);

} // namespace qpos::sandbox::zip_archive
