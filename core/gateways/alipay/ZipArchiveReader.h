#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace qpos::alipay {

// One file of a zip archive, read into memory.
struct ZipEntry {
    QByteArray rawName; // the name's bytes as stored (Alipay stores GBK without the UTF-8 flag)
    QByteArray data;
};

// Reads every file of an in-memory zip archive with libzip (Debian's libzip4): the archive's
// consistency is checked, each file's CRC is verified while reading, and a file larger than
// `maxEntryBytes` once uncompressed is refused (a zip bomb must not exhaust a till's memory).
// Directories are skipped. Nothing is written to disk.
Result<QList<ZipEntry>> readZipEntries(QByteArrayView archive, qint64 maxEntryBytes);

} // namespace qpos::alipay
