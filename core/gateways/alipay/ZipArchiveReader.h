#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <functional>

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

// The names of the archive's files (raw bytes, as ZipEntry::rawName), directories skipped.
Result<QList<QByteArray>> zipEntryNames(QByteArrayView archive);

// Reads the file `rawName` of the archive in chunks of at most 64 KiB, handing each to
// `chunk`, so a large bill is never inflated whole; the same checks as readZipEntries(), the
// CRC once the last chunk was handed over. Stops at the sink's first failure.
Status readZipEntryChunks(QByteArrayView archive, const QByteArray& rawName, qint64 maxEntryBytes,
                          const std::function<Status(QByteArrayView chunk)>& chunk);

} // namespace qpos::alipay
