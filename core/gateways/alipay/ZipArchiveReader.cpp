#include "core/gateways/alipay/ZipArchiveReader.h"

#include <QCoreApplication>

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

} // namespace

Result<QList<ZipEntry>> readZipEntries(QByteArrayView archive, qint64 maxEntryBytes) {
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

    QList<ZipEntry> entries;
    const zip_int64_t count = zip_get_num_entries(zip.get(), 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        const auto index = static_cast<zip_uint64_t>(i);
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(zip.get(), index, ZIP_FL_ENC_RAW, &stat) != 0)
            return corrupt(QString::fromLocal8Bit(zip_strerror(zip.get())));
        const QByteArray name(stat.name);
        if (name.endsWith('/'))
            continue;
        if (!(stat.valid & ZIP_STAT_SIZE) || stat.size > static_cast<zip_uint64_t>(maxEntryBytes))
            return Error{QStringLiteral("alipay.bill_too_large"),
                         QCoreApplication::translate("qpos::alipay::ZipArchiveReader",
                                                     "A file in the bill archive is larger than "
                                                     "%1 bytes and was not read.")
                             .arg(maxEntryBytes)};
        FilePtr file(zip_fopen_index(zip.get(), index, 0));
        if (!file)
            return corrupt(QString::fromLocal8Bit(zip_strerror(zip.get())));
        QByteArray data(static_cast<qsizetype>(stat.size), Qt::Uninitialized);
        qsizetype filled = 0;
        while (filled < data.size()) {
            const zip_int64_t n = zip_fread(file.get(), data.data() + filled,
                                            static_cast<zip_uint64_t>(data.size() - filled));
            if (n < 0)
                return corrupt(QString::fromLocal8Bit(zip_file_strerror(file.get())));
            if (n == 0)
                break;
            filled += static_cast<qsizetype>(n);
        }
        if (filled != data.size())
            return corrupt(QStringLiteral("a file is shorter than its recorded size"));
        // One more read reaches the end of the file, where libzip checks the CRC.
        char probe = 0;
        if (zip_fread(file.get(), &probe, 1) != 0)
            return corrupt(QString::fromLocal8Bit(zip_file_strerror(file.get())));
        entries.append(ZipEntry{name, std::move(data)});
    }
    return entries;
}

} // namespace qpos::alipay
