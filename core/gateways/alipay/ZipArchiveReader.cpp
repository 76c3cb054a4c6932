#include "core/gateways/alipay/ZipArchiveReader.h"

#include <QCoreApplication>

#include <algorithm>
#include <memory>
#include <zip.h>

namespace qpos::alipay {

namespace {

struct ArchiveCloser {
    void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct FileCloser {
    void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using ArchivePtr = std::unique_ptr<zip_t, ArchiveCloser>;
using FilePtr = std::unique_ptr<zip_file_t, FileCloser>;

Error corrupt(const QString& detail) {
    return Error{QStringLiteral("alipay.bill_zip_corrupt"),
                 QCoreApplication::translate("qpos::alipay::ZipArchiveReader",
                                             "The bill archive is damaged (%1). Download the "
                                             "bill again.")
                     .arg(detail)};
}

QString describe(zip_error_t* error) {
    return QString::fromLocal8Bit(zip_error_strerror(error));
}

Result<ArchivePtr> openArchive(QByteArrayView archive) {
    if (archive.isEmpty())
        return corrupt(QStringLiteral("empty file"));
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(
        archive.data(), static_cast<zip_uint64_t>(archive.size()), 0, &error);
    if (source == nullptr) {
        const QString why = describe(&error);
        zip_error_fini(&error);
        return corrupt(why);
    }
    ArchivePtr zip(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
    if (!zip) {
        zip_source_free(source); // not taken over when opening failed
        const QString why = describe(&error);
        zip_error_fini(&error);
        return corrupt(why);
    }
    zip_error_fini(&error);
    return zip;
}

Error tooLarge(qint64 maxEntryBytes) {
    return Error{QStringLiteral("alipay.bill_too_large"),
                 QCoreApplication::translate("qpos::alipay::ZipArchiveReader",
                                             "A file in the bill archive is larger than "
                                             "%1 bytes and was not read.")
                     .arg(maxEntryBytes)};
}

// Visits every file (not directory) of the archive with its stat.
Status forEachFile(zip_t* zip,
                   const std::function<Status(zip_uint64_t, const zip_stat_t&)>& visit) {
    const zip_int64_t count = zip_get_num_entries(zip, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        const auto index = static_cast<zip_uint64_t>(i);
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(zip, index, ZIP_FL_ENC_RAW, &stat) != 0)
            return corrupt(QString::fromLocal8Bit(zip_strerror(zip)));
        if (QByteArrayView(stat.name).endsWith('/'))
            continue;
        if (Status s = visit(index, stat); !s.ok())
            return s;
    }
    return Status::success();
}

// Reads one file in chunks; `stat.size` is trusted only after checking it against the limit,
// and the file must be exactly that long.
Status readChunks(zip_t* zip, zip_uint64_t index, const zip_stat_t& stat, qint64 maxEntryBytes,
                  const std::function<Status(QByteArrayView)>& chunk) {
    if (!(stat.valid & ZIP_STAT_SIZE) || stat.size > static_cast<zip_uint64_t>(maxEntryBytes))
        return tooLarge(maxEntryBytes);
    FilePtr file(zip_fopen_index(zip, index, 0));
    if (!file)
        return corrupt(QString::fromLocal8Bit(zip_strerror(zip)));
    QByteArray buffer(64 * 1024, Qt::Uninitialized);
    zip_uint64_t filled = 0;
    while (filled < stat.size) {
        const zip_uint64_t want =
            std::min<zip_uint64_t>(static_cast<zip_uint64_t>(buffer.size()), stat.size - filled);
        const zip_int64_t n = zip_fread(file.get(), buffer.data(), want);
        if (n < 0)
            return corrupt(QString::fromLocal8Bit(zip_file_strerror(file.get())));
        if (n == 0)
            break;
        filled += static_cast<zip_uint64_t>(n);
        if (Status s = chunk(QByteArrayView(buffer.constData(), static_cast<qsizetype>(n)));
            !s.ok())
            return s;
    }
    if (filled != stat.size)
        return corrupt(QStringLiteral("a file is shorter than its recorded size"));
    // One more read reaches the end of the file, where libzip checks the CRC.
    char probe = 0;
    if (zip_fread(file.get(), &probe, 1) != 0)
        return corrupt(QString::fromLocal8Bit(zip_file_strerror(file.get())));
    return Status::success();
}

} // namespace

Result<QList<ZipEntry>> readZipEntries(QByteArrayView archive, qint64 maxEntryBytes) {
    Result<ArchivePtr> zip = openArchive(archive);
    if (!zip)
        return zip.error();
    QList<ZipEntry> entries;
    const Status read =
        forEachFile(zip->get(), [&](zip_uint64_t index, const zip_stat_t& stat) -> Status {
            ZipEntry entry{QByteArray(stat.name), {}};
            if ((stat.valid & ZIP_STAT_SIZE) &&
                stat.size <= static_cast<zip_uint64_t>(maxEntryBytes))
                entry.data.reserve(static_cast<qsizetype>(stat.size));
            Status s =
                readChunks(zip->get(), index, stat, maxEntryBytes, [&entry](QByteArrayView chunk) {
                    entry.data.append(chunk);
                    return Status::success();
                });
            if (s.ok())
                entries.append(std::move(entry));
            return s;
        });
    if (!read.ok())
        return read.error();
    return entries;
}

Result<QList<QByteArray>> zipEntryNames(QByteArrayView archive) {
    Result<ArchivePtr> zip = openArchive(archive);
    if (!zip)
        return zip.error();
    QList<QByteArray> names;
    const Status listed = forEachFile(zip->get(), [&names](zip_uint64_t, const zip_stat_t& stat) {
        names.append(QByteArray(stat.name));
        return Status::success();
    });
    if (!listed.ok())
        return listed.error();
    return names;
}

Status readZipEntryChunks(QByteArrayView archive, const QByteArray& rawName, qint64 maxEntryBytes,
                          const std::function<Status(QByteArrayView chunk)>& chunk) {
    Result<ArchivePtr> zip = openArchive(archive);
    if (!zip)
        return zip.error();
    bool found = false;
    Status read = forEachFile(zip->get(), [&](zip_uint64_t index, const zip_stat_t& stat) {
        if (found || QByteArrayView(stat.name) != rawName)
            return Status::success();
        found = true;
        return readChunks(zip->get(), index, stat, maxEntryBytes, chunk);
    });
    if (!read.ok())
        return read;
    if (!found)
        return corrupt(QStringLiteral("a file listed in it cannot be found"));
    return Status::success();
}

} // namespace qpos::alipay
