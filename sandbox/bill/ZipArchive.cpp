#include "sandbox/bill/ZipArchive.h"

#include <QCoreApplication>

#include <zip.h>

namespace qpos::sandbox::zip_archive {

namespace {

Error zipError(const char* what, zip_error_t* error) {
    return Error{QStringLiteral("sandbox.zip"),
                 QCoreApplication::translate("qpos::sandbox::ZipArchive",
                                             "The zip archive could not be %1: %2.")
                     .arg(QString::fromLatin1(what),
                          QString::fromUtf8(error ? zip_error_strerror(error) : "unknown"))};
}

} // namespace

Result<QByteArray> build(const QList<Entry>& entries) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
    if (!buffer) {
        Error e = zipError("created", &error);
        zip_error_fini(&error);
        return e;
    }
    // Keep the buffer alive after zip_close() so the finished archive can be read from it.
    zip_source_keep(buffer);
    zip_t* archive = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
    if (!archive) {
        Error e = zipError("created", &error);
        zip_source_free(buffer);
        zip_error_fini(&error);
        return e;
    }
    for (const Entry& entry : entries) {
        zip_source_t* data = zip_source_buffer(archive, entry.data.constData(),
                                               static_cast<zip_uint64_t>(entry.data.size()), 0);
        const zip_flags_t flags =
            ZIP_FL_OVERWRITE | (entry.utf8Name ? ZIP_FL_ENC_UTF_8 : ZIP_FL_ENC_CP437);
        if (!data || zip_file_add(archive, entry.name.constData(), data, flags) < 0) {
            if (data)
                zip_source_free(data);
            Error e = zipError("written", zip_get_error(archive));
            zip_discard(archive);
            zip_source_free(buffer);
            zip_error_fini(&error);
            return e;
        }
    }
    // The entry data is read during zip_close(), while `entries` is still alive.
    if (zip_close(archive) < 0) {
        Error e = zipError("written", zip_get_error(archive));
        zip_discard(archive);
        zip_source_free(buffer);
        zip_error_fini(&error);
        return e;
    }
    QByteArray out;
    zip_stat_t st;
    if (zip_source_stat(buffer, &st) == 0 && zip_source_open(buffer) == 0) {
        out.resize(static_cast<qsizetype>(st.size));
        const zip_int64_t n =
            zip_source_read(buffer, out.data(), static_cast<zip_uint64_t>(out.size()));
        zip_source_close(buffer);
        if (n != static_cast<zip_int64_t>(out.size()))
            out.clear();
    }
    zip_source_free(buffer);
    zip_error_fini(&error);
    if (out.isEmpty())
        return zipError("read back", nullptr);
    return out;
}

Result<QList<Entry>> read(const QByteArray& archiveBytes) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(
        archiveBytes.constData(), static_cast<zip_uint64_t>(archiveBytes.size()), 0, &error);
    zip_t* archive =
        source ? zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) : nullptr;
    if (!archive) {
        Error e = zipError("opened", &error);
        if (source)
            zip_source_free(source);
        zip_error_fini(&error);
        return e;
    }
    QList<Entry> out;
    const zip_int64_t count = zip_get_num_entries(archive, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        const auto index = static_cast<zip_uint64_t>(i);
        zip_stat_t st;
        zip_file_t* file = nullptr;
        if (zip_stat_index(archive, index, ZIP_FL_ENC_RAW, &st) != 0 ||
            !(file = zip_fopen_index(archive, index, 0))) {
            Error e = zipError("read", zip_get_error(archive));
            zip_discard(archive);
            zip_error_fini(&error);
            return e;
        }
        Entry entry;
        entry.name = QByteArray(st.name);
        entry.data.resize(static_cast<qsizetype>(st.size));
        const zip_int64_t n =
            zip_fread(file, entry.data.data(), static_cast<zip_uint64_t>(entry.data.size()));
        zip_fclose(file);
        if (n != static_cast<zip_int64_t>(st.size)) {
            zip_discard(archive);
            zip_error_fini(&error);
            return zipError("read", nullptr);
        }
        out.append(entry);
    }
    zip_discard(archive);
    zip_error_fini(&error);
    return out;
}

} // namespace qpos::sandbox::zip_archive
